"""The delivery ledger: one row per (digest, channel), claimed by one sender at a time."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    column,
    exists,
    false,
    func,
    or_,
    select,
    table,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.channels import DELIVERY_LEASE, WORKER_LOCK_CLASS, Delivery, Worker
from storage.models import DeliveryRow
from storage.repositories._dialect import insert_for, is_sqlite
from storage.types import utcnow


class SqlDeliveryRepository:
    """`DeliveryRepository` over SQLAlchemy; a delivery is never claimed by two senders.

    Its claims are made for `worker` (the process's, see `Worker`), or for no worker.
    """

    def __init__(self, session: AsyncSession, worker: Worker | None = None) -> None:
        self._session = session
        self._worker = worker

    async def create(self, digest_id: int, channel_id: int) -> Delivery:
        """A pending delivery; an existing row for the pair is returned as it is."""
        await self._session.execute(
            insert_for(self._session, DeliveryRow)
            .values(
                digest_id=digest_id,
                channel_id=channel_id,
                status="pending",
                attempts=0,
                message_ids=[],
                parts_sent=0,
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=[DeliveryRow.digest_id, DeliveryRow.channel_id])
        )
        row = await self._session.scalar(
            select(DeliveryRow).where(
                DeliveryRow.digest_id == digest_id, DeliveryRow.channel_id == channel_id
            )
        )
        assert row is not None, "the delivery was just inserted or already existed"
        return _to_delivery(row)

    async def claim(
        self,
        now: datetime,
        *,
        limit: int = 100,
        lease: timedelta = DELIVERY_LEASE,
    ) -> builtins.list[Delivery]:
        """Move due deliveries to `sending` (one more attempt each, lease from `now`).

        Due: pending and not waiting for a retry, or `sending` under a claim that is over:
        its lease is older than `lease` (a row without `claimed_at` predates leases and
        counts as expired), or the worker it names is gone (`_orphaned`). The claims carry
        this repository's worker's id while it is alive. One UPDATE picks and moves the rows,
        so concurrent claimers never share a row; on PostgreSQL rows another claimer holds
        are skipped (SKIP LOCKED).
        """
        worker = self._worker
        claimable = or_(
            and_(
                DeliveryRow.status == "pending",
                or_(DeliveryRow.next_attempt_at.is_(None), DeliveryRow.next_attempt_at <= now),
            ),
            and_(
                DeliveryRow.status == "sending",
                or_(
                    DeliveryRow.claimed_at.is_(None),
                    DeliveryRow.claimed_at <= now - lease,
                    self._orphaned(),
                ),
            ),
        )
        due = select(DeliveryRow.id).where(claimable).order_by(DeliveryRow.id).limit(limit)
        if not is_sqlite(self._session):
            due = due.with_for_update(skip_locked=True)
        claimed = await self._session.scalars(
            update(DeliveryRow)
            .where(DeliveryRow.id.in_(due), claimable)
            .values(
                status="sending",
                attempts=DeliveryRow.attempts + 1,
                claimed_at=now,
                claimed_by=worker.id if worker is not None and worker.alive else None,
            )
            .returning(DeliveryRow.id)
            .execution_options(synchronize_session=False)
        )
        ids = sorted(claimed)
        if not ids:
            return []
        rows = await self._session.scalars(
            select(DeliveryRow).where(DeliveryRow.id.in_(ids)).order_by(DeliveryRow.id)
        )
        return [_to_delivery(row) for row in rows]

    def _orphaned(self) -> ColumnElement[bool]:
        """A claim whose worker is gone, as far as this claimer can tell.

        On PostgreSQL: a named claim whose worker no longer holds its advisory lock (the
        session ended with the process). On SQLite only the one `digestbot run` can tell:
        alive, it takes back every claim named by another worker, which can only be an
        earlier run's. A claimer never takes its own worker's claims: they are in its hands.
        """
        worker = self._worker
        named: ColumnElement[bool] = DeliveryRow.claimed_by.is_not(None)
        if worker is not None:
            named = and_(named, DeliveryRow.claimed_by != worker.id)
        if is_sqlite(self._session):
            return named if worker is not None and worker.alive else false()
        return and_(named, DeliveryRow.claimed_by.not_in(_live_worker_ids()))

    async def record_parts(
        self,
        delivery_id: int,
        message_ids: Sequence[str],
        parts_sent: int,
        at: datetime,
        *,
        attempt: int | None = None,
    ) -> bool:
        """Store the acknowledged parts and their message ids; the lease restarts at `at`.

        With `attempt` (the claim's attempt number), only while that claim still holds the
        row; False when another sender has taken it over since.
        """
        return await self._set(
            delivery_id,
            attempt=attempt,
            message_ids=[str(m) for m in message_ids],
            parts_sent=parts_sent,
            claimed_at=at,
        )

    async def mark_sent(
        self,
        delivery_id: int,
        message_ids: Sequence[str],
        at: datetime,
        *,
        attempt: int | None = None,
    ) -> bool:
        """Record success and the platform's message ids (with `attempt`: as `record_parts`)."""
        return await self._set(
            delivery_id,
            attempt=attempt,
            status="sent",
            message_ids=[str(m) for m in message_ids],
            sent_at=at,
            next_attempt_at=None,
            last_error=None,
        )

    async def mark_failed(
        self,
        delivery_id: int,
        error: str,
        *,
        retry_at: datetime | None,
        attempt: int | None = None,
    ) -> bool:
        """Record a failure: back to pending until `retry_at`, or finally failed when None
        (with `attempt`: as `record_parts`)."""
        return await self._set(
            delivery_id,
            attempt=attempt,
            status="failed" if retry_at is None else "pending",
            last_error=error,
            next_attempt_at=retry_at,
        )

    async def queued(self) -> int:
        """How many deliveries are pending or being sent (the queue depth)."""
        count = await self._session.scalar(
            select(func.count())
            .select_from(DeliveryRow)
            .where(DeliveryRow.status.in_(("pending", "sending")))
        )
        return int(count or 0)

    async def list(self, *, status: str | None = None, limit: int = 100) -> builtins.list[Delivery]:
        """Deliveries, newest first, optionally of one status."""
        statement = select(DeliveryRow).order_by(DeliveryRow.id.desc()).limit(limit)
        if status is not None:
            statement = statement.where(DeliveryRow.status == status)
        return [_to_delivery(row) for row in await self._session.scalars(statement)]

    async def digest_for_message(self, channel_id: int, message_id: str) -> int | None:
        """The digest a platform message in this channel belongs to, or None."""
        return await self._session.scalar(
            select(DeliveryRow.digest_id)
            .where(DeliveryRow.channel_id == channel_id, self._holds_message(str(message_id)))
            .order_by(DeliveryRow.id.desc())
            .limit(1)
        )

    def _holds_message(self, message_id: str) -> ColumnElement[bool]:
        if is_sqlite(self._session):
            ids = func.json_each(DeliveryRow.message_ids).table_valued("value")
            return exists().where(ids.c.value == message_id)
        return type_coerce(DeliveryRow.message_ids, JSONB).contains([message_id])

    async def _set(self, delivery_id: int, *, attempt: int | None = None, **values: object) -> bool:
        """Update one row; with `attempt`, only while that claim holds it (else False)."""
        statement = update(DeliveryRow).where(DeliveryRow.id == delivery_id)
        if attempt is not None:
            statement = statement.where(
                DeliveryRow.status == "sending", DeliveryRow.attempts == attempt
            )
        updated = await self._session.scalar(statement.values(**values).returning(DeliveryRow.id))
        if updated is not None:
            return True
        exists_now = select(DeliveryRow.id).where(DeliveryRow.id == delivery_id)
        if await self._session.scalar(exists_now) is None:
            raise ValueError(f"delivery #{delivery_id} does not exist")
        return False


#: The PostgreSQL view of held locks, as far as `_live_worker_ids` reads it.
_PG_LOCKS = table(
    "pg_locks",
    column("locktype", String),
    column("database", Integer),
    column("classid", Integer),
    column("objid", Integer),
    column("objsubid", Integer),
    column("granted", Boolean),
    schema="pg_catalog",
)
_PG_DATABASE = table(
    "pg_database", column("oid", Integer), column("datname", String), schema="pg_catalog"
)


def _live_worker_ids() -> Select[tuple[int]]:
    """The ids of the workers holding their lock in this database (see `Worker`)."""
    this_database = (
        select(_PG_DATABASE.c.oid)
        .where(_PG_DATABASE.c.datname == func.current_database())
        .scalar_subquery()
    )
    return select(_PG_LOCKS.c.objid).where(
        _PG_LOCKS.c.locktype == "advisory",
        _PG_LOCKS.c.database == this_database,
        _PG_LOCKS.c.classid == WORKER_LOCK_CLASS,
        _PG_LOCKS.c.objsubid == 2,
        _PG_LOCKS.c.granted,
    )


def _to_delivery(row: DeliveryRow) -> Delivery:
    return Delivery(
        id=row.id,
        digest_id=row.digest_id,
        channel_id=row.channel_id,
        status=row.status,  # type: ignore[arg-type]
        attempts=row.attempts,
        last_error=row.last_error,
        message_ids=list(row.message_ids),
        next_attempt_at=row.next_attempt_at,
        sent_at=row.sent_at,
        parts_sent=row.parts_sent,
        claimed_at=row.claimed_at,
        claimed_by=row.claimed_by,
    )
