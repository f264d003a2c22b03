"""Sources and their polling state."""

from __future__ import annotations

import builtins
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, and_, bindparam, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.sources import Source
from storage.models import SourceRow
from storage.repositories._dialect import insert_for, is_sqlite
from storage.types import utcnow

#: Never-polled sources first, then the most overdue.
_DUE_ORDER = (SourceRow.next_poll_at.is_not(None), SourceRow.next_poll_at, SourceRow.id)


class SqlSourceRepository:
    """`SourceRepository` over SQLAlchemy; a URL can be a source only once."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, source: Source) -> Source:
        """Store a new source; raises ValueError when its URL is already a source."""
        stored = replace(source, created_at=source.created_at or utcnow())
        statement = (
            insert_for(self._session, SourceRow)
            .values(
                {
                    **_values(stored),
                    "created_at": stored.created_at,
                    "priority": stored.priority,
                    "shared": stored.shared,
                }
            )
            .on_conflict_do_nothing(index_elements=[SourceRow.url])
            .returning(SourceRow.id)
        )
        new_id = (await self._session.execute(statement)).scalar_one_or_none()
        if new_id is None:
            existing = await self.get_by_url(source.url)
            number = f" #{existing.id}" if existing else ""
            raise ValueError(
                f"{source.url} is already source{number}; remove it first to add it again"
            )
        stored.id = new_id
        return stored

    async def get(self, source_id: int) -> Source | None:
        """The source with this id, or None."""
        row = await self._session.get(SourceRow, source_id)
        return to_source(row) if row else None

    async def get_by_url(self, url: str) -> Source | None:
        """The source with exactly this URL, or None."""
        row = await self._session.scalar(select(SourceRow).where(SourceRow.url == url))
        return to_source(row) if row else None

    async def list(self) -> builtins.list[Source]:
        """Every source, oldest first."""
        rows = await self._session.scalars(select(SourceRow).order_by(SourceRow.id))
        return [to_source(row) for row in rows]

    async def due(self, now: datetime) -> builtins.list[Source]:
        """Enabled sources whose next poll time has come (or that were never polled)."""
        rows = await self._session.scalars(
            select(SourceRow).where(self._due_condition(now)).order_by(*_DUE_ORDER)
        )
        return [to_source(row) for row in rows]

    async def claim_due(
        self, now: datetime, *, limit: int, lease: timedelta
    ) -> builtins.list[Source]:
        """Take up to `limit` due sources, moving their next poll to `now + lease`.

        The due rows are read in order (locked, skipping rows another claimer holds, on
        PostgreSQL), then moved by one UPDATE that repeats the due condition, so on SQLite
        a row another process took in between is left out rather than taken twice.
        """
        due = self._due_condition(now)
        statement = select(SourceRow).where(due).order_by(*_DUE_ORDER).limit(limit)
        if not is_sqlite(self._session):
            statement = statement.with_for_update(skip_locked=True)
        rows = list(await self._session.scalars(statement))
        if not rows:
            return []
        until = now + lease
        taken = set(
            await self._session.scalars(
                update(SourceRow)
                .where(SourceRow.id.in_([row.id for row in rows]), due)
                .values(next_poll_at=until)
                .returning(SourceRow.id)
                .execution_options(synchronize_session=False)
            )
        )
        return [replace(to_source(row), next_poll_at=until) for row in rows if row.id in taken]

    def _due_condition(self, now: datetime) -> ColumnElement[bool]:
        return and_(
            SourceRow.enabled.is_(True),
            or_(SourceRow.next_poll_at.is_(None), SourceRow.next_poll_at <= now),
        )

    async def update(self, source: Source) -> None:
        """Persist changed polling state; raises ValueError for a source that is not stored."""
        updated = await self._session.scalar(
            _UPDATE, {"source_id": source.id, **_bound(_values(source))}
        )
        if updated is None:
            raise ValueError(f"source #{source.id} does not exist; list sources to see its id")

    async def set_priority(self, source_id: int, priority: int) -> bool:
        """Set how a source weighs in ranking; False when there is no such source.

        Kept apart from `update`, which writes polling state from a poll that may have
        started before an admin changed the priority.
        """
        changed = await self._session.scalar(
            update(SourceRow)
            .where(SourceRow.id == source_id)
            .values(priority=priority)
            .returning(SourceRow.id)
        )
        return changed is not None

    async def remove(self, source_id: int) -> bool:
        """Delete a source (its articles stay); False when there was none."""
        removed = await self._session.scalar(
            delete(SourceRow).where(SourceRow.id == source_id).returning(SourceRow.id)
        )
        return removed is not None


#: Every column of a source bound by name: one statement, compiled once. A fresh UPDATE
#: with the values inline cost a millisecond per source to coerce and key for the cache,
#: more than the database's work, and a steady poll writes every source it polls.
_COLUMNS = (
    "url",
    "name",
    "kind",
    "lang_hint",
    "poll_interval_s",
    "enabled",
    "added_by",
    "channel_id",
    "last_polled_at",
    "last_success_at",
    "next_poll_at",
    "consecutive_failures",
    "last_error",
    "etag",
    "last_modified",
)
_SOURCES = cast(Table, SourceRow.__table__)
_UPDATE = (
    update(_SOURCES)  # the table, not the entity: no ORM bookkeeping per execution
    .where(_SOURCES.c.id == bindparam("source_id"))
    .values({name: bindparam(f"new_{name}") for name in _COLUMNS})
    .returning(_SOURCES.c.id)
)


def _bound(values: dict[str, Any]) -> dict[str, Any]:
    return {f"new_{name}": value for name, value in values.items()}


def _values(source: Source) -> dict[str, Any]:
    return {
        "url": source.url,
        "name": source.name,
        "kind": source.kind,
        "lang_hint": source.lang_hint,
        "poll_interval_s": int(source.poll_interval.total_seconds()),
        "enabled": source.enabled,
        "added_by": source.added_by,
        "channel_id": source.channel_id,
        "last_polled_at": source.last_polled_at,
        "last_success_at": source.last_success_at,
        "next_poll_at": source.next_poll_at,
        "consecutive_failures": source.consecutive_failures,
        "last_error": source.last_error,
        "etag": source.etag,
        "last_modified": source.last_modified,
    }


def to_source(row: SourceRow) -> Source:
    return Source(
        id=row.id,
        url=row.url,
        name=row.name,
        kind=row.kind,  # type: ignore[arg-type]
        lang_hint=row.lang_hint,  # type: ignore[arg-type]
        poll_interval=timedelta(seconds=row.poll_interval_s),
        enabled=row.enabled,
        added_by=row.added_by,
        channel_id=row.channel_id,
        last_polled_at=row.last_polled_at,
        last_success_at=row.last_success_at,
        next_poll_at=row.next_poll_at,
        consecutive_failures=row.consecutive_failures,
        last_error=row.last_error,
        etag=row.etag,
        last_modified=row.last_modified,
        created_at=row.created_at,
        priority=row.priority,
        shared=row.shared,
    )
