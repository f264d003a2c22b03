"""Compose a digest of recent articles in one language and store it."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.digests import Digest
from bot.domain.languages import Lang
from bot.domain.repositories import UnitOfWorkFactory
from bot.services.summaries import ensure_summaries
from bot.summarize.base import DigestComposer, Summarizer


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
) -> Digest | None:
    """Summarize what arrived since `now - since` and compose it; None when nothing is new.

    Near-copies are left out (their original stands for them), so a story syndicated three
    times is summarized and posted once.
    """
    async with uow_factory() as uow:
        articles = await uow.articles.list_since(now - since, originals_only=True)
    if not articles:
        return None
    entries = await ensure_summaries(
        uow_factory, summarizer, fallback, articles, lang, style_note=style_note
    )
    digest = await composer.compose(lang, entries, now=now, style_note=style_note)
    digest.period_start = now - since
    digest.period_end = now
    async with uow_factory() as uow:
        stored = await uow.digests.add(digest)
        await uow.commit()
    return stored
