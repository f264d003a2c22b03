"""Ingest: poll due sources, deduplicate, store new articles, keep each source's health.

Sources are fetched concurrently (the network waits dominate) and stored one at a time
(one writer keeps SQLite happy and the near-duplicate index consistent). Ingest never
raises for a bad source: every failure ends in the source's `last_error`.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.adapters.base import ChatAdapter
from bot.domain.articles import Article
from bot.domain.repositories import UnitOfWork, UnitOfWorkFactory
from bot.domain.sources import FetchedArticle, Source, SourceFetch
from bot.services.notices import notify_admins
from bot.services.stories import StoryAssigner
from bot.sources.base import KnownUrls, SourceReader
from bot.sources.urls import canonicalize_url
from bot.text.similarity import SimhashIndex, content_hash, is_near_duplicate, simhash

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
#: How long a claimed source is kept from other workers: a fetch takes at most seconds, so
#: only a worker that crashed mid-poll holds one this long (it is polled again after).
SOURCE_LEASE = timedelta(minutes=5)
#: Due sources claimed at once, per fetch slot.
CLAIM_BATCH_FACTOR = 4
#: A poll skips the items among this many newest articles of the source (see `known_urls`).
KNOWN_URLS = 500

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
    stories: StoryAssigner | None = None,
) -> list[IngestReport]:
    """Poll every due source once (or the sources in `only`, due or not) and store what is new.

    Due sources are claimed a batch at a time (`SourceRepository.claim_due`), so workers
    sharing one database split them and never poll one source at once. Reports come back in
    the order the sources were taken. `on_progress(report, total)` is called after each
    source, for progress bars (`total` grows as batches are claimed); `on_paused(source,
    error)` at the end for each source this run paused for failing too often, once that is
    stored, so the caller can tell its admins (a failing notice is logged, never raised).

    Each new article joins a story as it is stored (see `bot.services.stories`); pass the
    process's long-lived `stories` assigner so its index is not built again every poll.
    """
    sources = _DueSources(uow_factory, now, only=only, batch=concurrency * CLAIM_BATCH_FACTOR)
    if not await sources.fill():
        return []
    async with uow_factory() as uow:
        index = SimhashIndex()
        for article_id, fingerprint in await uow.articles.simhashes_since(
            now - NEAR_DUPLICATE_WINDOW
        ):
            index.add(article_id, fingerprint)
    store = _Store(uow_factory, index, now, stories or StoryAssigner())
    reports: dict[int, IngestReport] = {}

    async def worker() -> None:
        while (taken := await sources.next()) is not None:
            position, source = taken
            fetch = await _read(reader, source, store.known_urls(source))
            report = await store.save(source, fetch)
            reports[position] = report
            if on_progress is not None:
                on_progress(report, sources.total)

    async with asyncio.TaskGroup() as group:
        for _ in range(max(1, min(concurrency, sources.total))):
            group.create_task(worker())
    await store.flush()
    if on_paused is not None:
        for source, error in store.paused:
            await _tell_paused(on_paused, source, error)
    return [reports[position] for position in sorted(reports)]


class _DueSources:
    """The sources one run polls: those in `only`, or due ones claimed `batch` at a time.

    The next batch is claimed only when the last one is used up, so a claimed source waits
    for a fetcher for a short while, well within its lease.
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        now: datetime,
        *,
        only: Sequence[int] | None,
        batch: int,
    ) -> None:
        self._uow_factory = uow_factory
        self._now = now
        self._only = only
        self._batch = max(1, batch)
        self._queue: deque[Source] = deque()
        self._lock = asyncio.Lock()
        self._exhausted = False
        #: Sources taken so far.
        self.total = 0

    async def fill(self) -> int:
        """Take the next sources when none wait; how many wait now."""
        async with self._lock:
            await self._refill()
            return len(self._queue)

    async def next(self) -> tuple[int, Source] | None:
        """(position in the run, source) of the next source to poll; None when all are done."""
        async with self._lock:
            await self._refill()
            if not self._queue:
                return None
            position = self.total - len(self._queue)
            return position, self._queue.popleft()

    async def _refill(self) -> None:
        if self._queue or self._exhausted:
            return
        async with self._uow_factory() as uow:
            if self._only is not None:
                wanted = set(self._only)
                taken = [s for s in await uow.sources.list() if s.id in wanted]
                self._exhausted = True
            else:
                taken = await uow.sources.claim_due(
                    self._now, limit=self._batch, lease=SOURCE_LEASE
                )
                await uow.commit()
                self._exhausted = len(taken) < self._batch
        self._queue.extend(taken)
        self.total += len(taken)


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

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        index: SimhashIndex,
        now: datetime,
        stories: StoryAssigner,
    ):
        self._uow_factory = uow_factory
        self._index = index
        self._stories = stories
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
                self._stories.invalidate()
                log.exception("storing what source %s (%s) gave failed", source.id, source.name)
                error = (
                    f"storing articles from {source.url} failed ({type(exc).__name__}: "
                    f"{_one_line(str(exc))[:200]}); check the database and the logs"
                )
                return await self._save_failure(source, error)

    def known_urls(self, source: Source) -> KnownUrls:
        """What the reader asks for once `source` has items to read: the canonical URLs of
        the source's newest stored articles (a feed lists at most a few dozen items, so
        the newest KNOWN_URLS of them cover every item it can still list)."""

        async def known() -> frozenset[str]:
            if source.id is None:
                return frozenset()
            try:
                async with self._uow_factory() as uow:
                    return await uow.articles.recent_urls(source.id, limit=KNOWN_URLS)
            except Exception:
                # Not the source's fault: read everything; deduplication still catches it.
                log.warning("looking up the stored items of source %s failed", source.id)
                return frozenset()

        return known

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
            report.duplicates = fetch.known
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
        report.duplicates = fetch.known
        async with self._uow_factory() as uow:
            keys = [_dedup_keys(fetched) for fetched in fetch.articles]
            seen_urls, seen_hashes = await uow.articles.stored_keys(
                [url for url, _ in keys], [digest for _, digest in keys]
            )
            # An item stored before, perhaps from another source: this source lists it too,
            # so the channels following only this source still see it.
            listed = [(u, d) for u, d in keys if u in seen_urls or d in seen_hashes]
            if listed:
                await uow.articles.record_listings(
                    source.id, [u for u, _ in listed], [d for _, d in listed]
                )
            fresh: list[Article] = []
            for fetched, (canonical, digest) in zip(fetch.articles, keys, strict=True):
                if canonical in seen_urls or digest in seen_hashes:
                    report.duplicates += 1
                    continue
                seen_urls.add(canonical)
                seen_hashes.add(digest)
                fresh.append(self._new_article(source, fetched, canonical, digest))
            stored = await self._store(uow, fresh, indexed)
            # Articles another writer stored first count as duplicates too.
            report.duplicates += len(fresh) - len(stored)
            for article in stored:
                if article.duplicate_of is not None:
                    report.duplicates += 1
                    continue
                assert article.id is not None
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

    def _new_article(
        self, source: Source, fetched: FetchedArticle, canonical: str, digest: str
    ) -> Article:
        """The article to store; `duplicate_of` names an earlier original it nearly copies."""
        fingerprint = (
            fetched.fingerprint.simhash
            if fetched.fingerprint is not None
            else simhash(fetched.text, normalized=True)
        )
        return Article(
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

    async def _store(
        self, uow: UnitOfWork, articles: list[Article], indexed: list[tuple[int, int]]
    ) -> list[Article]:
        """Store a feed's new articles in two multi-row inserts: originals, then near-copies.

        A near-copy of an article from the same batch needs that original's id, so originals
        go first; each stored original enters the SimHash index (and `indexed`, so a failed
        commit can take it out again). Every article joins a story before it is stored (a
        near-copy its original's), and the stories it touched are brought up to date.
        """
        originals: list[Article] = []
        copies: list[tuple[Article, Article]] = []
        for article in articles:
            twin = None
            if article.duplicate_of is None:
                # A feed's few dozen items are compared pairwise: cheaper than an index.
                twin = next(
                    (o for o in originals if is_near_duplicate(o.simhash, article.simhash)), None
                )
            if twin is None:
                originals.append(article)
            else:
                copies.append((article, twin))
        touched = await self._stories.assign(uow, originals, self._now)
        stored = await uow.articles.add_many(originals)
        for article in stored:
            if article.duplicate_of is None:
                assert article.id is not None
                self._index.add(article.id, article.simhash)
                indexed.append((article.id, article.simhash))
        ids = {article.canonical_url: article.id for article in stored}
        late = []
        for copy, twin in copies:
            if (twin_id := ids.get(twin.canonical_url)) is not None:
                copy.duplicate_of = twin_id
                copy.story_id = twin.story_id
                late.append(copy)
        stored += await uow.articles.add_many(late)
        await uow.stories.refresh(sorted(touched))
        self._stories.remember(stored)
        return stored


def _dedup_keys(fetched: FetchedArticle) -> tuple[str, str]:
    """(canonical URL, content hash): an article with either already stored is a duplicate.

    Readers deliver cleaned text, which is normalized (see `SourceReader.read`), often with
    its fingerprint already computed (`FetchedArticle.fingerprint`).
    """
    canonical = canonicalize_url(fetched.canonical_url or fetched.url)
    if fetched.fingerprint is not None:
        return canonical, fetched.fingerprint.content_hash
    return canonical, content_hash(fetched.text, normalized=True)


async def _read(reader: SourceReader, source: Source, known_urls: KnownUrls) -> SourceFetch:
    """The reader's result; a reader that breaks its never-raise promise becomes an error."""
    try:
        return await reader.read(source, known_urls=known_urls)
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
