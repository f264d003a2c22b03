"""`ConsoleReadModel` over SQLAlchemy: the web console's page-shaped, read-only queries.

The archive listing is the query that must stay fast on a large archive: it walks the
digests' primary key newest first and stops at the page size, testing a channel filter
against the (digest_id, channel_id) unique index of deliveries and a search's stories
against digest_items, so its cost follows the page, not the archive.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute

from bot.domain.console import (
    ChannelLabel,
    DigestDeliveryView,
    DigestListing,
    Failure,
    QueueCounts,
    SourceActivity,
    Votes,
)
from storage.models import (
    ArticleRow,
    ChannelRow,
    DeliveryRow,
    DigestItemRow,
    DigestRow,
    SourceRow,
    VoteRow,
)


def channel_name(row: ChannelRow) -> str:
    """A channel's title, else `platform:address`."""
    return row.title or f"{row.platform}:{row.address}"


class SqlConsoleReadModel:
    """The console's queries, each in a short read-only session of its own."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def channels(self) -> list[ChannelLabel]:
        """Every channel, by id."""
        async with self._sessions() as session:
            rows = await session.scalars(select(ChannelRow).order_by(ChannelRow.id))
            return [ChannelLabel(row.id, row.platform, channel_name(row)) for row in rows]

    async def digests(
        self,
        *,
        channel_id: int | None = None,
        lang: str | None = None,
        story_ids: Sequence[int] | None = None,
        before: int | None = None,
        limit: int = 50,
    ) -> list[DigestListing]:
        """One page of the archive, newest first (see the module docstring)."""
        if story_ids is not None and not story_ids:
            return []
        items = (
            select(func.count())
            .where(DigestItemRow.digest_id == DigestRow.id)
            .correlate(DigestRow)
            .scalar_subquery()
        )
        query: Select[Any] = select(
            DigestRow.id, DigestRow.title, DigestRow.lang, DigestRow.created_at, items
        )
        if channel_id is not None:
            query = query.where(
                exists().where(
                    DeliveryRow.digest_id == DigestRow.id, DeliveryRow.channel_id == channel_id
                )
            )
        if lang is not None:
            query = query.where(DigestRow.lang == lang)
        if story_ids is not None:
            query = query.where(
                exists().where(
                    DigestItemRow.digest_id == DigestRow.id,
                    DigestItemRow.story_id.in_(sorted(set(story_ids))),
                )
            )
        if before is not None:
            query = query.where(DigestRow.id < before)
        async with self._sessions() as session:
            rows = (await session.execute(query.order_by(DigestRow.id.desc()).limit(limit))).all()
            where = await self._channels_of(session, [int(row[0]) for row in rows])
        return [
            DigestListing(
                id=digest_id,
                title=title,
                lang=lang_,
                created_at=created,
                items=int(count or 0),
                channels=tuple(where.get(digest_id, ())),
            )
            for digest_id, title, lang_, created, count in rows
        ]

    async def _channels_of(
        self, session: AsyncSession, digest_ids: list[int]
    ) -> dict[int, list[str]]:
        if not digest_ids:
            return {}
        result = await session.execute(
            select(DeliveryRow.digest_id, ChannelRow)
            .join(ChannelRow, ChannelRow.id == DeliveryRow.channel_id)
            .where(DeliveryRow.digest_id.in_(digest_ids))
            .order_by(DeliveryRow.digest_id, ChannelRow.id)
        )
        found: dict[int, list[str]] = defaultdict(list)
        for digest_id, channel in result.all():
            found[digest_id].append(channel_name(channel))
        return found

    async def stories_of_articles(self, article_ids: Sequence[int]) -> list[int]:
        """The distinct stories of these articles."""
        if not article_ids:
            return []
        async with self._sessions() as session:
            rows = await session.scalars(
                select(ArticleRow.story_id)
                .where(ArticleRow.id.in_(list(article_ids)), ArticleRow.story_id.is_not(None))
                .distinct()
            )
            return sorted(int(story) for story in rows if story is not None)

    async def deliveries_of(self, digest_id: int) -> list[DigestDeliveryView]:
        """Every delivery of the digest with its channel's name."""
        async with self._sessions() as session:
            result = await session.execute(
                select(DeliveryRow, ChannelRow)
                .join(ChannelRow, ChannelRow.id == DeliveryRow.channel_id)
                .where(DeliveryRow.digest_id == digest_id)
                .order_by(ChannelRow.id)
            )
            return [
                DigestDeliveryView(
                    channel=channel_name(channel),
                    status=row.status,
                    attempts=row.attempts,
                    sent_at=row.sent_at,
                    last_error=row.last_error,
                )
                for row, channel in result.all()
            ]

    async def votes_of(self, digest_id: int) -> dict[int, Votes]:
        """👍 and 👎 per item position (items without votes are left out)."""
        async with self._sessions() as session:
            result = await session.execute(
                select(
                    DigestItemRow.position,
                    func.sum(case((VoteRow.value > 0, 1), else_=0)),
                    func.sum(case((VoteRow.value < 0, 1), else_=0)),
                )
                .join(VoteRow, VoteRow.item_id == DigestItemRow.id)
                .where(DigestItemRow.digest_id == digest_id)
                .group_by(DigestItemRow.position)
            )
            return {
                int(position): Votes(int(up or 0), int(down or 0))
                for position, up, down in result.all()
            }

    async def queue(self, since: datetime) -> QueueCounts:
        """Counts by status, over the (status, next_attempt_at) index."""
        async with self._sessions() as session:
            result = await session.execute(
                select(DeliveryRow.status, func.count())
                .where(
                    (DeliveryRow.status.in_(("pending", "sending")))
                    | ((DeliveryRow.status == "failed") & (DeliveryRow.created_at >= since))
                )
                .group_by(DeliveryRow.status)
            )
            counts = {status: int(count) for status, count in result.all()}
        return QueueCounts(
            pending=counts.get("pending", 0),
            sending=counts.get("sending", 0),
            failed_today=counts.get("failed", 0),
        )

    async def failures(self, since: datetime, *, limit: int = 20) -> list[Failure]:
        """Deliveries given up (by when they were queued) and sources whose last poll failed."""
        async with self._sessions() as session:
            deliveries = await session.execute(
                select(DeliveryRow, ChannelRow)
                .join(ChannelRow, ChannelRow.id == DeliveryRow.channel_id)
                .where(DeliveryRow.status == "failed", DeliveryRow.created_at >= since)
                .order_by(DeliveryRow.id.desc())
                .limit(limit)
            )
            sources = await session.scalars(
                select(SourceRow)
                .where(SourceRow.consecutive_failures > 0, SourceRow.last_polled_at >= since)
                .order_by(SourceRow.last_polled_at.desc())
                .limit(limit)
            )
            found = [
                Failure(
                    "delivery",
                    f"#{row.digest_id} → {channel_name(channel)}",
                    row.last_error or "",
                    row.next_attempt_at or row.created_at,
                )
                for row, channel in deliveries.all()
            ]
            found += [
                Failure("source", row.name, row.last_error or "", row.last_polled_at)
                for row in sources
            ]
        oldest = datetime.min.replace(tzinfo=UTC)
        return sorted(found, key=lambda f: f.at or oldest, reverse=True)[:limit]

    async def source_activity(self, since: date, until: date) -> SourceActivity:
        """One GROUP BY over the fetched_at index."""
        start = datetime.combine(since, time(), tzinfo=UTC)
        end = datetime.combine(until, time(), tzinfo=UTC) + timedelta(days=1)
        days = [since + timedelta(days=n) for n in range((until - since).days + 1)]
        async with self._sessions() as session:
            day = _day_of(session, ArticleRow.fetched_at)
            result = await session.execute(
                select(ArticleRow.source_id, day, func.count())
                .where(ArticleRow.fetched_at >= start, ArticleRow.fetched_at < end)
                .where(ArticleRow.source_id.is_not(None))
                .group_by(ArticleRow.source_id, day)
            )
            rows = result.all()
        index = {d: n for n, d in enumerate(days)}
        counts: dict[int, list[int]] = {}
        for source_id, value, count in rows:
            when = value if isinstance(value, date) else date.fromisoformat(str(value))
            if source_id is not None and when in index:
                counts.setdefault(int(source_id), [0] * len(days))[index[when]] += int(count)
        return SourceActivity(days=days, counts=counts)


def _day_of(
    session: AsyncSession, moment: ColumnElement[datetime] | InstrumentedAttribute[datetime]
) -> ColumnElement[object]:
    """The UTC day of a stored moment (SQLite stores naive UTC already)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(moment)
    return func.date(func.timezone("UTC", moment))
