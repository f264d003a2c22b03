"""The delivery ledger: one row per (digest, channel), claimed by one sender at a time."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, type_coerce, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.channels import DELIVERY_LEASE, Delivery
from storage.models import DeliveryRow
from storage.repositories._dialect import insert_for, is_sqlite
from storage.types import utcnow


class SqlDeliveryRepository:
    """`DeliveryRepository` over SQLAlchemy; a delivery is never claimed by two senders."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

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
        self, now: datetime, *, limit: int = 100, lease: timedelta = DELIVERY_LEASE
    ) -> builtins.list[Delivery]:
        """Move due deliveries to `sending` (one more attempt each, lease from `now`).

        Due: pending and not waiting for a retry, or `sending` under a lease older than
        `lease` (the sender crashed; a row without `claimed_at` predates leases and counts
        as expired). One UPDATE picks and moves the rows, so concurrent claimers never share
        a row; on PostgreSQL rows another claimer holds are skipped (SKIP LOCKED).
        """
        claimable = or_(
            and_(
                DeliveryRow.status == "pending",
                or_(DeliveryRow.next_attempt_at.is_(None), DeliveryRow.next_attempt_at <= now),
            ),
            and_(
                DeliveryRow.status == "sending",
                or_(DeliveryRow.claimed_at.is_(None), DeliveryRow.claimed_at <= now - lease),
            ),
        )
        due = select(DeliveryRow.id).where(claimable).order_by(DeliveryRow.id).limit(limit)
        if not is_sqlite(self._session):
            due = due.with_for_update(skip_locked=True)
        claimed = await self._session.scalars(
            update(DeliveryRow)
            .where(DeliveryRow.id.in_(due), claimable)
            .values(status="sending", attempts=DeliveryRow.attempts + 1, claimed_at=now)
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

    async def record_parts(
        self, delivery_id: int, message_ids: Sequence[str], parts_sent: int, at: datetime
    ) -> None:
        """Store the acknowledged parts and their message ids; the lease restarts at `at`."""
        await self._set(
            delivery_id,
            message_ids=[str(m) for m in message_ids],
            parts_sent=parts_sent,
            claimed_at=at,
        )

    async def mark_sent(self, delivery_id: int, message_ids: Sequence[str], at: datetime) -> None:
        """Record success and the platform's message ids."""
        await self._set(
            delivery_id,
            status="sent",
            message_ids=[str(m) for m in message_ids],
            sent_at=at,
            next_attempt_at=None,
            last_error=None,
        )

    async def mark_failed(self, delivery_id: int, error: str, *, retry_at: datetime | None) -> None:
        """Record a failure: back to pending until `retry_at`, or finally failed when None."""
        await self._set(
            delivery_id,
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

    async def _set(self, delivery_id: int, **values: object) -> None:
        updated = await self._session.scalar(
            update(DeliveryRow)
            .where(DeliveryRow.id == delivery_id)
            .values(**values)
            .returning(DeliveryRow.id)
        )
        if updated is None:
            raise ValueError(f"delivery #{delivery_id} does not exist")


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
    )
