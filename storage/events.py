"""Platform events already handled, so an event delivered twice (Slack retries) is acted on once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedEventRow
from storage.repositories._dialect import insert_for
from storage.types import utcnow


async def remember_event(session: AsyncSession, event_id: str) -> bool:
    """Record `event_id`; False when it was recorded before (the event is a redelivery).

    Two workers receiving the same event at once get one True and one False.
    """
    inserted = await session.scalar(
        insert_for(session, ProcessedEventRow)
        .values(event_id=event_id, received_at=utcnow())
        .on_conflict_do_nothing(index_elements=[ProcessedEventRow.event_id])
        .returning(ProcessedEventRow.event_id)
    )
    return inserted is not None


async def forget_events_before(session: AsyncSession, before: datetime) -> int:
    """Drop event ids received before `before` (platforms stop retrying after minutes)."""
    forgotten = await session.scalars(
        delete(ProcessedEventRow)
        .where(ProcessedEventRow.received_at < before)
        .returning(ProcessedEventRow.event_id)
        .execution_options(synchronize_session=False)
    )
    return len(forgotten.all())
