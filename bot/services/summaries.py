"""Summaries on demand: each article summarized once per language, prompt and model."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from bot.domain.articles import Article, Summary
from bot.domain.languages import Lang
from bot.domain.repositories import UnitOfWorkFactory
from bot.errors import SummarizerError
from bot.summarize.base import Summarizer

log = logging.getLogger(__name__)

TIME_CAP_REASON = "the digest's time limit ran out before the LLM answered"


async def ensure_summaries(
    uow_factory: UnitOfWorkFactory,
    summarizer: Summarizer,
    fallback: Summarizer,
    articles: Sequence[Article],
    lang: Lang,
    *,
    deadline: float | None = None,
) -> list[tuple[Article, Summary]]:
    """A summary of every article in `lang`, from the cache when one exists, in order.

    The cache key is (content hash, language, prompt hash, model) and no channel's style note
    enters a summary, so one summary serves every channel: re-running a digest with no new
    articles makes no LLM call. Missing summaries are written concurrently (the LLM client
    bounds how many calls run at once, `DIGESTBOT_LLM_CONCURRENCY`). A summarizer failure
    falls back to `fallback` (the offline extract) for that article. `deadline` (event-loop
    time) caps the summarizer: past it, the remaining articles get extracts at once,
    flagged, and not cached under the LLM's key, so the next digest asks the model again.
    """
    cached: dict[int, Summary] = {}
    async with uow_factory() as uow:
        for article in articles:
            assert article.id is not None
            hit = await uow.summaries.get_cached(
                article.content_hash, lang, summarizer.prompt_hash, summarizer.model
            )
            if hit is not None:
                cached[article.id] = hit
    missing = list({a.id: a for a in articles if a.id not in cached}.values())
    written = await asyncio.gather(
        *(_summarize_within(summarizer, fallback, a, lang, deadline) for a in missing)
    )
    if written:
        async with uow_factory() as uow:
            for article, summary in zip(missing, written, strict=True):
                assert article.id is not None
                summary.article_id = article.id
                cached[article.id] = await uow.summaries.add(summary)
            await uow.commit()
    return [(article, cached[article.id or 0]) for article in articles]


async def _summarize_within(
    summarizer: Summarizer,
    fallback: Summarizer,
    article: Article,
    lang: Lang,
    deadline: float | None,
) -> Summary:
    """The summarizer's summary, or the flagged extract when it fails or time is up."""
    if deadline is not None and asyncio.get_running_loop().time() >= deadline:
        reason = TIME_CAP_REASON
    else:
        try:
            async with asyncio.timeout_at(deadline):
                return await summarizer.summarize(article, lang)
        except TimeoutError:
            reason = TIME_CAP_REASON
        except SummarizerError as exc:
            reason = str(exc)
    log.warning("summary of article %s (%s) uses the extract: %s", article.id, lang, reason)
    summary = await fallback.summarize(article, lang)
    summary.flagged = reason
    return summary
