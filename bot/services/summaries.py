"""Summaries on demand: each article summarized once per language, prompt and model."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.domain.articles import Article, Summary
from bot.domain.languages import Lang
from bot.domain.repositories import UnitOfWorkFactory
from bot.errors import SummarizerError
from bot.summarize.base import Summarizer

log = logging.getLogger(__name__)


async def ensure_summaries(
    uow_factory: UnitOfWorkFactory,
    summarizer: Summarizer,
    fallback: Summarizer,
    articles: Sequence[Article],
    lang: Lang,
    *,
    style_note: str = "",
) -> list[tuple[Article, Summary]]:
    """A summary of every article in `lang`, from the cache when one exists.

    The cache key is (content hash, language, prompt hash, model), so re-running a digest
    with no new articles makes no LLM call, and a near-copy (same text) reuses its summary.
    A summarizer failure falls back to `fallback` (the offline extract) for that article.
    """
    results: list[tuple[Article, Summary]] = []
    for article in articles:
        assert article.id is not None
        async with uow_factory() as uow:
            cached = await uow.summaries.get_cached(
                article.content_hash, lang, summarizer.prompt_hash, summarizer.model
            )
        if cached is not None:
            results.append((article, cached))
            continue
        try:
            summary = await summarizer.summarize(article, lang, style_note=style_note)
        except SummarizerError as exc:
            log.warning("summary of article %s failed, using the extract: %s", article.id, exc)
            summary = await fallback.summarize(article, lang)
            summary.flagged = str(exc)
        summary.article_id = article.id
        async with uow_factory() as uow:
            stored = await uow.summaries.add(summary)
            await uow.commit()
        results.append((article, stored))
    return results
