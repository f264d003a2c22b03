"""Ingest: poll due sources, deduplicate, store new articles, keep each source's health."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain.articles import Article
from bot.domain.repositories import UnitOfWork, UnitOfWorkFactory
from bot.domain.sources import FetchedArticle, Source, SourceFetch
from bot.sources.base import SourceReader
from bot.sources.urls import canonicalize_url
from bot.text.similarity import content_hash, is_near_duplicate, simhash

log = logging.getLogger(__name__)

#: After this many failures in a row a source is paused and its admins are told why.
MAX_CONSECUTIVE_FAILURES = 10
#: Failing sources back off exponentially up to this interval.
MAX_BACKOFF = timedelta(hours=6)
#: How far back near-duplicates are looked for.
NEAR_DUPLICATE_WINDOW = timedelta(days=7)


@dataclass
class IngestReport:
    """What one poll of one source did, as `digestbot ingest` prints it."""

    source_id: int
    source_name: str
    new: int = 0
    duplicates: int = 0
    not_modified: bool = False
    error: str | None = None
    paused: bool = False
    new_article_ids: list[int] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when the poll failed (the error says why)."""
        return self.error is not None


async def ingest_due(
    uow_factory: UnitOfWorkFactory,
    reader: SourceReader,
    *,
    now: datetime,
    only: Sequence[int] | None = None,
    on_progress: Callable[[IngestReport, int], None] | None = None,
) -> list[IngestReport]:
    """Poll every due source once (or the sources in `only`, due or not) and store what is new.

    `on_progress(report, total)` is called after each source, for progress bars.
    """
    async with uow_factory() as uow:
        sources = await uow.sources.list() if only is not None else await uow.sources.due(now)
    if only is not None:
        sources = [s for s in sources if s.id in set(only)]
    reports = []
    for source in sources:
        fetch = await reader.read(source)
        reports.append(await _store_fetch(uow_factory, source, fetch, now))
        if on_progress is not None:
            on_progress(reports[-1], len(sources))
    return reports


async def _store_fetch(
    uow_factory: UnitOfWorkFactory, source: Source, fetch: SourceFetch, now: datetime
) -> IngestReport:
    assert source.id is not None
    report = IngestReport(source_id=source.id, source_name=source.name)
    async with uow_factory() as uow:
        source.last_polled_at = now
        if fetch.error is not None:
            report.error = fetch.error
            report.paused = _record_failure(source, fetch.error, now)
        else:
            report.not_modified = fetch.not_modified
            for fetched in fetch.articles:
                article = await _store_article(uow, source, fetched, now)
                if article is None or article.duplicate_of is not None:
                    report.duplicates += 1
                else:
                    assert article.id is not None
                    report.new += 1
                    report.new_article_ids.append(article.id)
            _record_success(source, fetch, now)
        await uow.sources.update(source)
        await uow.commit()
    if report.error:
        log.warning("source %s (%s) failed: %s", source.id, source.name, report.error)
    return report


async def _store_article(
    uow: UnitOfWork, source: Source, fetched: FetchedArticle, now: datetime
) -> Article | None:
    """Store one article; None for an exact duplicate, `duplicate_of` set for a near-copy."""
    canonical = canonicalize_url(fetched.canonical_url or fetched.url)
    if await uow.articles.find_by_canonical_url(canonical) is not None:
        return None
    digest = content_hash(fetched.text)
    if await uow.articles.find_by_content_hash(digest) is not None:
        return None
    fingerprint = simhash(fetched.text)
    original = None
    for article_id, other in await uow.articles.simhashes_since(now - NEAR_DUPLICATE_WINDOW):
        if is_near_duplicate(fingerprint, other):
            original = article_id
            break
    article = Article(
        source_id=source.id,
        url=fetched.url,
        canonical_url=canonical,
        title=fetched.title,
        text=fetched.text,
        lang=source.lang_hint if source.lang_hint != "auto" else fetched.lang,
        content_hash=digest,
        simhash=fingerprint,
        published_at=fetched.published_at,
        fetched_at=now,
        author=fetched.author,
        image_url=fetched.image_url,
        description=fetched.description,
        tags=list(fetched.tags),
        duplicate_of=original,
    )
    return await uow.articles.add(article)


def _record_success(source: Source, fetch: SourceFetch, now: datetime) -> None:
    source.consecutive_failures = 0
    source.last_error = None
    source.last_success_at = now
    source.etag = fetch.etag or source.etag
    source.last_modified = fetch.last_modified or source.last_modified
    source.next_poll_at = now + source.poll_interval


def _record_failure(source: Source, error: str, now: datetime) -> bool:
    """Back off exponentially; pause after too many failures. True when the source was paused."""
    source.consecutive_failures += 1
    source.last_error = error
    backoff = source.poll_interval * (2 ** min(source.consecutive_failures, 10))
    source.next_poll_at = now + min(backoff, MAX_BACKOFF)
    if source.consecutive_failures >= MAX_CONSECUTIVE_FAILURES and source.enabled:
        source.enabled = False
        return True
    return False
