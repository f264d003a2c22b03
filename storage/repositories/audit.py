"""The append-only audit log of admin actions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.channels import AuditEntry
from storage.models import AuditRow
from storage.types import utcnow


class SqlAuditLog:
    """`AuditLog` over SQLAlchemy."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, entry: AuditEntry) -> None:
        """Append one entry."""
        self._session.add(
            AuditRow(
                actor=entry.actor,
                action=entry.action,
                channel_id=entry.channel_id,
                detail=entry.detail,
                created_at=entry.created_at or utcnow(),
            )
        )
        await self._session.flush()

    async def recent(self, *, limit: int = 50) -> list[AuditEntry]:
        """The newest entries first."""
        rows = await self._session.scalars(
            select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        )
        return [
            AuditEntry(
                id=row.id,
                actor=row.actor,
                action=row.action,
                channel_id=row.channel_id,
                detail=row.detail,
                created_at=row.created_at,
            )
            for row in rows
        ]
