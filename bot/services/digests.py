"""Compose a digest of recent articles in one language and store it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot import metrics
from bot.digest.compose import OfflineDigestComposer
from bot.domain.articles import Article, Summary
from bot.domain.digests import Digest
from bot.domain.languages import Lang
from bot.domain.repositories import UnitOfWorkFactory
from bot.services.summaries import ensure_summaries
from bot.summarize.base import DigestComposer, Summarizer

log = logging.getLogger(__name__)

#: The longest a digest may wait for the LLM; past it, extracts and the offline composer finish.
DIGEST_TIME_CAP = timedelta(minutes=3)


async def compose_digest(
    uow_factory: UnitOfWorkFactory,
    *,
    summarizer: Summarizer,
    fallback: Summarizer,
    composer: DigestComposer,
    lang: Lang,
    now: datetime,
    since: timedelta = timedelta(hours=24),
    style_note: str = "",
    time_cap: timedelta | None = DIGEST_TIME_CAP,
    offline_composer: DigestComposer | None = None,
) -> Digest | None:
    """Summarize what arrived since `now - since` and compose it; None when nothing is new.

    Near-copies are left out (their original stands for them), so a story syndicated three
    times is summarized and posted once. The style note shapes only the composition: the
    summaries are shared with every other channel. A stalled LLM cannot hold the digest
    longer than `time_cap` (None: no cap): what is left is finished offline, labelled.
    """
    async with uow_factory() as uow:
        articles = await uow.articles.list_since(now - since, originals_only=True)
    if not articles:
        return None
    loop = asyncio.get_running_loop()
    deadline = loop.time() + time_cap.total_seconds() if time_cap is not None else None
    entries = await ensure_summaries(
        uow_factory, summarizer, fallback, articles, lang, deadline=deadline
    )
    offline = offline_composer or OfflineDigestComposer()
    digest = await _compose_within(composer, offline, lang, entries, now, style_note, deadline)
    digest.period_start = now - since
    digest.period_end = now
    async with uow_factory() as uow:
        stored = await uow.digests.add(digest)
        await uow.commit()
    metrics.DIGESTS.labels(lang).inc()
    return stored


async def _compose_within(
    composer: DigestComposer,
    offline: DigestComposer,
    lang: Lang,
    entries: Sequence[tuple[Article, Summary]],
    now: datetime,
    style_note: str,
    deadline: float | None,
) -> Digest:
    """The composer's digest, or the offline composer's when the time cap runs out first."""
    if deadline is None or asyncio.get_running_loop().time() < deadline:
        try:
            async with asyncio.timeout_at(deadline):
                return await composer.compose(lang, entries, now=now, style_note=style_note)
        except TimeoutError:
            pass
    log.warning("the %s digest ran out of time for the LLM; composing it offline", lang)
    return await offline.compose(lang, entries, now=now, style_note=style_note)
