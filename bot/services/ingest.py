"""Ingest: poll due sources, deduplicate, store new articles, keep each source's health.

Sources are fetched concurrently (the network waits dominate) and stored one at a time
(one writer keeps SQLite happy and the near-duplicate index consistent). Ingest never
raises for a bad source: every failure ends in the source's `last_error`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.adapters.base import ChatAdapter
from bot.domain.articles import Article
from bot.domain.repositories import UnitOfWork, UnitOfWorkFactory
from bot.domain.sources import FetchedArticle, Source, SourceFetch
from bot.services.notices import notify_admins
from bot.sources.base import SourceReader
from bot.sources.urls import canonicalize_url
from bot.text.similarity import SimhashIndex, content_hash, simhash

log = logging.getLogger(__name__)

#: After this many failures in a row a source is paused and its admins are told why.
MAX_CONSECUTIVE_FAILURES = 10
#: Failing sources back off exponentially up to this interval.
MAX_BACKOFF = timedelta(hours=6)
#: How far back near-duplicates are looked for.
NEAR_DUPLICATE_WINDOW = timedelta(days=7)
#: Sources fetched at the same time (the HTTP client also bounds connections per host).
FETCH_CONCURRENCY = 16
#: Polls that only change a source's health (304, error) written per transaction.
HEALTH_BATCH = 100

#: Told when a source is paused, with the error that paused it (see `admin_pause_notice`).
PausedHook = Callable[[Source, str], Awaitable[None]]


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
    on_paused: PausedHook | None = None,
    concurrency: int = FETCH_CONCURRENCY,
) -> list[IngestReport]:
    """Poll every due source once (or the sources in `only`, due or not) and store what is new.

    Reports come back in the order of the sources. `on_progress(report, total)` is called
    after each source, for progress bars; `on_paused(source, error)` at the end for each
    source this run paused for failing too often, once that is stored, so the caller can
    tell its admins (a failing notice is logged, never raised).
    """
    async with uow_factory() as uow:
        sources = await uow.sources.list() if only is not None else await uow.sources.due(now)
        if only is not None:
            wanted = set(only)
            sources = [s for s in sources if s.id in wanted]
        if not sources:
            return []
        index = SimhashIndex()
        for article_id, fingerprint in await uow.articles.simhashes_since(
            now - NEAR_DUPLICATE_WINDOW
        ):
            index.add(article_id, fingerprint)
    store = _Store(uow_factory, index, now)
    reports: list[IngestReport | None] = [None] * len(sources)
    pending = iter(enumerate(sources))

    async def worker() -> None:
        for position, source in pending:
            fetch = await _read(reader, source)
            report = await store.save(source, fetch)
            reports[position] = report
            if on_progress is not None:
                on_progress(report, len(sources))

    async with asyncio.TaskGroup() as group:
        for _ in range(max(1, min(concurrency, len(sources)))):
            group.create_task(worker())
    await store.flush()
    if on_paused is not None:
        for source, error in store.paused:
            await _tell_paused(on_paused, source, error)
    return [report for report in reports if report is not None]


def admin_pause_notice(
    adapters: Mapping[str, ChatAdapter],
    admin_keys: Iterable[str],
    uow_factory: UnitOfWorkFactory,
) -> PausedHook:
    """An `on_paused` hook telling the admins (DIGESTBOT_ADMINS and those added from chat),
    and the channel that added the source, why it was paused and how to resume it."""
    configured = frozenset(admin_keys)

    async def tell(source: Source, error: str) -> None:
        async with uow_factory() as uow:
            added = await uow.admins.list()
            channel = await uow.channels.get(source.channel_id) if source.channel_id else None
        sent = await notify_admins(
            adapters, configured | set(added), paused_text(source, error), channel=channel
        )
        log.info("pause of source %s told to %d chat(s)", source.id, sent)

    return tell


def paused_text(source: Source, error: str) -> str:
    """The notice for a paused source, in English and Hindi: what failed and what to do."""
    return (
        f"Source {source.id} “{source.name}” ({source.url}) is paused after "
        f"{source.consecutive_failures} failed polls in a row. Last error: {error}\n"
        f"Fix the address, then /resumesource {source.id} (or /removesource {source.id}).\n"
        f"स्रोत {source.id} “{source.name}” लगातार {source.consecutive_failures} बार विफल होने पर "
        f"रोक दिया गया है। ठीक करने के बाद /resumesource {source.id} भेजें "
        f"(या /removesource {source.id})।"
    )


class _Store:
    """Stores fetches one at a time, against one near-duplicate index for the whole run.

    A fetch with articles is stored in its own transaction. A poll that only changes the
    source's health (304, error, empty feed) waits in `_health` and is written with up to
    `HEALTH_BATCH` others in one transaction: in a steady poll most sources answer 304,
    and a transaction per source would cost more than the request did.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, index: SimhashIndex, now: datetime):
        self._uow_factory = uow_factory
        self._index = index
        self._now = now
        self._lock = asyncio.Lock()
        self._health: list[tuple[Source, str | None]] = []
        #: Sources paused by this run whose new state is committed, with the error.
        self.paused: list[tuple[Source, str]] = []

    async def save(self, source: Source, fetch: SourceFetch) -> IngestReport:
        async with self._lock:
            source.last_polled_at = self._now
            if fetch.error is not None or not fetch.articles:
                report = self._record_health(source, fetch)
                if len(self._health) >= HEALTH_BATCH:
                    await self._flush()
                return report
            indexed: list[tuple[int, int]] = []
            try:
                return await self._save_articles(source, fetch, indexed)
            except Exception as exc:
                for key, fingerprint in indexed:
                    self._index.discard(key, fingerprint)
                log.exception("storing what source %s (%s) gave failed", source.id, source.name)
                error = (
                    f"storing articles from {source.url} failed ({type(exc).__name__}: "
                    f"{_one_line(str(exc))[:200]}); check the database and the logs"
                )
                return await self._save_failure(source, error)

    async def flush(self) -> None:
        """Write the health of every source saved since the last flush."""
        async with self._lock:
            await self._flush()

    def _record_health(self, source: Source, fetch: SourceFetch) -> IngestReport:
        assert source.id is not None
        report = IngestReport(source_id=source.id, source_name=source.name)
        if fetch.error is not None:
            report.error = fetch.error
            report.paused = _record_failure(source, fetch.error, self._now)
            log.warning("source %s (%s) failed: %s", source.id, source.name, fetch.error)
        else:
            report.not_modified = fetch.not_modified
            _record_success(source, fetch, self._now)
        self._health.append((source, fetch.error if report.paused else None))
        return report

    async def _flush(self) -> None:
        batch, self._health = self._health, []
        if not batch:
            return
        try:
            async with self._uow_factory() as uow:
                for source, _ in batch:
                    await uow.sources.update(source)
                await uow.commit()
        except Exception:
            log.exception("recording the polls of %d sources failed", len(batch))
            return
        self.paused += [(source, error) for source, error in batch if error is not None]

    async def _save_articles(
        self, source: Source, fetch: SourceFetch, indexed: list[tuple[int, int]]
    ) -> IngestReport:
        assert source.id is not None
        report = IngestReport(source_id=source.id, source_name=source.name)
        report.not_modified = fetch.not_modified
        async with self._uow_factory() as uow:
            for fetched in fetch.articles:
                article = await self._store_article(uow, source, fetched)
                if article is None or article.duplicate_of is not None:
                    report.duplicates += 1
                    continue
                assert article.id is not None
                indexed.append((article.id, article.simhash))
                self._index.add(article.id, article.simhash)
                report.new += 1
                report.new_article_ids.append(article.id)
            _record_success(source, fetch, self._now)
            await uow.sources.update(source)
            await uow.commit()
        return report

    async def _save_failure(self, source: Source, error: str) -> IngestReport:
        assert source.id is not None
        report = IngestReport(source_id=source.id, source_name=source.name, error=error)
        try:
            async with self._uow_factory() as uow:
                stored = await uow.sources.get(source.id) or source
                stored.last_polled_at = self._now
                report.paused = _record_failure(stored, error, self._now)
                await uow.sources.update(stored)
                await uow.commit()
        except Exception:
            log.exception("recording the failure of source %s failed too", source.id)
            return report
        if report.paused:
            self.paused.append((stored, error))
        return report

    async def _store_article(
        self, uow: UnitOfWork, source: Source, fetched: FetchedArticle
    ) -> Article | None:
        """Store one article; None for an exact duplicate, `duplicate_of` set for a near-copy."""
        canonical = canonicalize_url(fetched.canonical_url or fetched.url)
        if await uow.articles.find_by_canonical_url(canonical) is not None:
            return None
        # Readers deliver cleaned text, which is normalized (see `SourceReader.read`).
        digest = content_hash(fetched.text, normalized=True)
        if await uow.articles.find_by_content_hash(digest) is not None:
            return None
        fingerprint = simhash(fetched.text, normalized=True)
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
            fetched_at=self._now,
            author=fetched.author,
            image_url=fetched.image_url,
            description=fetched.description,
            tags=list(fetched.tags),
            duplicate_of=self._index.nearest(fingerprint),
        )
        return await uow.articles.add(article)


async def _read(reader: SourceReader, source: Source) -> SourceFetch:
    """The reader's result; a reader that breaks its never-raise promise becomes an error."""
    try:
        return await reader.read(source)
    except Exception as exc:
        log.exception("reading source %s (%s) raised", source.id, source.url)
        return SourceFetch(
            source_url=source.url,
            error=f"reading {source.url} failed unexpectedly ({type(exc).__name__}); "
            "check the logs",
        )


async def _tell_paused(on_paused: PausedHook, source: Source, error: str) -> None:
    try:
        await on_paused(source, error)
    except Exception:
        log.exception("telling the admins that source %s was paused failed", source.id)


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


def _one_line(message: str) -> str:
    return " ".join(message.split())
