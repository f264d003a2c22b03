"""Articles, their dedup keys and full-text search."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.articles import Article
from bot.domain.search import SearchHit
from storage.models import ArticleListingRow, ArticleRow
from storage.repositories._dialect import insert_for
from storage.search import index_article, index_articles, query_terms, search_rows
from storage.snippets import best_passage
from storage.types import utcnow


class SqlArticleRepository:
    """`ArticleRepository` over SQLAlchemy; every stored article is also indexed for search."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, article: Article) -> Article:
        """Store and index an article; ValueError when its canonical URL is already stored."""
        stored = replace(article, fetched_at=article.fetched_at or utcnow())
        statement = (
            insert_for(self._session, ArticleRow)
            .values(_values(stored))
            .on_conflict_do_nothing(index_elements=[ArticleRow.canonical_url])
            .returning(ArticleRow.id)
        )
        new_id = (await self._session.execute(statement)).scalar_one_or_none()
        if new_id is None:
            raise ValueError(
                f"an article with canonical URL {article.canonical_url} is already stored; "
                "look it up with find_by_canonical_url before adding"
            )
        stored.id = new_id
        await index_article(self._session, new_id, stored.title, stored.text)
        return stored

    async def add_many(self, articles: Sequence[Article]) -> list[Article]:
        """Store and index several articles in a few statements; those whose canonical URL
        is already stored (another writer was faster) are left out of the result."""
        stored = [replace(a, fetched_at=a.fetched_at or utcnow()) for a in articles]
        by_url = {a.canonical_url: a for a in stored}
        added: list[Article] = []
        if stored:
            # One cached statement run with many parameter sets: SQLAlchemy batches them into
            # multi-row INSERTs ("insertmanyvalues") without compiling a new statement for
            # every batch size, which cost more than the database's work.
            statement = (
                insert_for(self._session, _ARTICLES)
                .on_conflict_do_nothing(index_elements=[ArticleRow.canonical_url])
                .returning(ArticleRow.id, ArticleRow.canonical_url)
            )
            result = await self._session.execute(statement, [_values(a) for a in stored])
            for new_id, url in result.all():
                article = by_url[url]
                article.id = new_id
                added.append(article)
        added.sort(key=lambda a: a.id or 0)
        await index_articles(self._session, [(a.id or 0, a.title, a.text) for a in added])
        return added

    async def get(self, article_id: int) -> Article | None:
        """The article with this id, or None."""
        row = await self._session.get(ArticleRow, article_id)
        return to_article(row) if row else None

    async def get_many(self, article_ids: Sequence[int]) -> list[Article]:
        """These articles, in the order of the ids given (unknown ids skipped)."""
        if not article_ids:
            return []
        rows = await self._session.scalars(
            select(ArticleRow).where(ArticleRow.id.in_(set(article_ids)))
        )
        by_id = {row.id: row for row in rows}
        return [to_article(by_id[i]) for i in dict.fromkeys(article_ids) if i in by_id]

    async def find_by_canonical_url(self, canonical_url: str) -> Article | None:
        """The article already stored under this canonical URL, or None."""
        row = await self._session.scalar(
            select(ArticleRow).where(ArticleRow.canonical_url == canonical_url)
        )
        return to_article(row) if row else None

    async def find_by_content_hash(self, content_hash: str) -> Article | None:
        """The first article stored with exactly this cleaned text, or None."""
        row = await self._session.scalar(
            select(ArticleRow)
            .where(ArticleRow.content_hash == content_hash)
            .order_by(ArticleRow.id)
            .limit(1)
        )
        return to_article(row) if row else None

    async def stored_keys(
        self, canonical_urls: Sequence[str], content_hashes: Sequence[str]
    ) -> tuple[set[str], set[str]]:
        """Which of these canonical URLs and content hashes are already stored.

        One query per key kind (in chunks) for a whole feed, instead of two per item.
        """
        urls: set[str] = set()
        hashes: set[str] = set()
        for chunk in _chunks(sorted(set(canonical_urls))):
            urls.update(await self._session.scalars(_STORED_URLS, {"keys": list(chunk)}))
        for chunk in _chunks(sorted(set(content_hashes))):
            hashes.update(await self._session.scalars(_STORED_HASHES, {"keys": list(chunk)}))
        return urls, hashes

    async def record_listings(
        self, source_id: int, canonical_urls: Sequence[str], content_hashes: Sequence[str]
    ) -> int:
        """Record that `source_id` listed the stored articles with these canonical URLs or
        content hashes, where another source (or none left) stored them first; returns how
        many listings are new. A listing recorded before is kept as it is."""
        found: set[int] = set()
        for column, values in (
            (ArticleRow.canonical_url, sorted(set(canonical_urls))),
            (ArticleRow.content_hash, sorted(set(content_hashes))),
        ):
            for chunk in _chunks(values):
                found.update(
                    await self._session.scalars(
                        select(ArticleRow.id).where(
                            column.in_(chunk),
                            or_(ArticleRow.source_id.is_(None), ArticleRow.source_id != source_id),
                        )
                    )
                )
        if not found:
            return 0
        statement = (
            insert_for(self._session, ArticleListingRow)
            .on_conflict_do_nothing(
                index_elements=[ArticleListingRow.article_id, ArticleListingRow.source_id]
            )
            .returning(ArticleListingRow.article_id)
        )
        now = utcnow()
        rows = [{"article_id": i, "source_id": source_id, "listed_at": now} for i in sorted(found)]
        result = await self._session.execute(statement, rows)
        return len(result.all())

    async def listed_by(self, article_ids: Sequence[int]) -> dict[int, frozenset[int]]:
        """{article id: the other sources that listed it} for these articles."""
        listed: dict[int, set[int]] = defaultdict(set)
        for start in range(0, len(article_ids), _LISTING_CHUNK):
            result = await self._session.execute(
                select(ArticleListingRow.article_id, ArticleListingRow.source_id).where(
                    ArticleListingRow.article_id.in_(article_ids[start : start + _LISTING_CHUNK])
                )
            )
            for article_id, source_id in result.all():
                listed[article_id].add(source_id)
        return {article_id: frozenset(sources) for article_id, sources in listed.items()}

    async def recent_urls(self, source_id: int, *, limit: int) -> frozenset[str]:
        """Canonical URLs of the `limit` newest articles stored from this source, or stored
        first from another source and listed by this one (indexes on (source_id, id) and on
        the listings' source_id serve it)."""
        own = (
            select(ArticleRow.id, ArticleRow.canonical_url)
            .where(ArticleRow.source_id == source_id)
            .order_by(ArticleRow.id.desc())
            .limit(limit)
        )
        listed = (
            select(ArticleRow.id, ArticleRow.canonical_url)
            .join(ArticleListingRow, ArticleListingRow.article_id == ArticleRow.id)
            .where(ArticleListingRow.source_id == source_id)
            .order_by(ArticleRow.id.desc())
            .limit(limit)
        )
        rows = [*(await self._session.execute(own)).all()]
        rows += (await self._session.execute(listed)).all()
        rows.sort(reverse=True)
        return frozenset(url for _, url in rows[:limit])

    async def simhashes_since(self, since: datetime) -> list[tuple[int, int]]:
        """(id, simhash) of original articles fetched since `since`, oldest first."""
        result = await self._session.execute(
            select(ArticleRow.id, ArticleRow.simhash)
            .where(ArticleRow.fetched_at >= since, ArticleRow.duplicate_of.is_(None))
            .order_by(ArticleRow.id)
        )
        return [(row_id, fingerprint) for row_id, fingerprint in result.all()]

    async def list_since(self, since: datetime, *, originals_only: bool = True) -> list[Article]:
        """Articles fetched since `since`, newest first; near-copies left out by default."""
        statement = select(ArticleRow).where(ArticleRow.fetched_at >= since)
        if originals_only:
            statement = statement.where(ArticleRow.duplicate_of.is_(None))
        rows = await self._session.scalars(
            statement.order_by(ArticleRow.fetched_at.desc(), ArticleRow.id.desc())
        )
        return [to_article(row) for row in rows]

    async def search(
        self,
        query: str,
        *,
        limit: int = 5,
        article_ids: Sequence[int] | None = None,
        source_ids: Sequence[int] | None = None,
    ) -> list[SearchHit]:
        """Full-text search over titles, texts and summaries, best first, with a snippet each.

        Any text is a valid query: words are matched whole (Devanagari included), search
        syntax typed by a user is taken literally, and a query without words finds nothing.
        A word found in very many articles counts only for its newest ones, which keeps a
        question fast on a large archive (see `storage.search.search_rows`). `source_ids`
        keeps the articles of those sources (and of removed ones) only.
        """
        rows = await search_rows(
            self._session,
            query_terms(query),
            limit=limit,
            article_ids=article_ids,
            source_ids=source_ids,
        )
        return [
            SearchHit(
                article_id=row.article_id,
                title=row.title,
                url=row.url,
                snippet=best_passage(query, (row.text, row.summaries)),
                score=row.score,
                lang=row.lang,
            )
            for row in rows
        ]


#: Rows per multi-row INSERT: far below SQLite's limit of bound parameters.
#: Which keys are stored: one cached statement, the keys bound as one expanding parameter
#: (a literal list would be coerced value by value and compiled anew for every feed).
_STORED_URLS = select(ArticleRow.canonical_url).where(
    ArticleRow.canonical_url.in_(bindparam("keys", expanding=True))
)
_STORED_HASHES = select(ArticleRow.content_hash).where(
    ArticleRow.content_hash.in_(bindparam("keys", expanding=True))
)
#: The articles table itself: executemany goes through Core, not the ORM's bulk insert.
_ARTICLES = cast(Table, ArticleRow.__table__)


#: Article ids per query for their listings.
_LISTING_CHUNK = 500


def _chunks(values: Sequence[str], size: int = 500) -> list[Sequence[str]]:
    """Slices small enough for any database's limit on bound parameters."""
    return [values[i : i + size] for i in range(0, len(values), size)]


def _values(article: Article) -> dict[str, Any]:
    return {
        "source_id": article.source_id,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "title": article.title,
        "text": article.text,
        "lang": article.lang,
        "content_hash": article.content_hash,
        "simhash": article.simhash,
        "published_at": article.published_at,
        "fetched_at": article.fetched_at,
        "author": article.author,
        "image_url": article.image_url,
        "description": article.description,
        "tags": list(article.tags),
        "duplicate_of": article.duplicate_of,
        "story_id": article.story_id,
        "story_terms": dict(article.story_terms) or None,
    }


def to_article(row: ArticleRow) -> Article:
    """The domain article of a stored row."""
    return Article(
        id=row.id,
        source_id=row.source_id,
        url=row.url,
        canonical_url=row.canonical_url,
        title=row.title,
        text=row.text,
        lang=row.lang,
        content_hash=row.content_hash,
        simhash=row.simhash,
        published_at=row.published_at,
        fetched_at=row.fetched_at,
        author=row.author,
        image_url=row.image_url,
        description=row.description,
        tags=list(row.tags),
        duplicate_of=row.duplicate_of,
        story_id=row.story_id,
        story_terms=dict(row.story_terms or {}),
    )
