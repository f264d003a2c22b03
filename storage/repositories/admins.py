"""Admins added from chat."""

from __future__ import annotations

import builtins

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AdminRow
from storage.repositories._dialect import insert_for
from storage.types import utcnow


class SqlAdminRepository:
    """`AdminRepository` over SQLAlchemy; keys are `platform:user`."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, user_key: str, added_by: str) -> bool:
        """Make `platform:user` an admin; False when already one."""
        added = await self._session.scalar(
            insert_for(self._session, AdminRow)
            .values(user_key=user_key, added_by=added_by, created_at=utcnow())
            .on_conflict_do_nothing(index_elements=[AdminRow.user_key])
            .returning(AdminRow.user_key)
        )
        return added is not None

    async def remove(self, user_key: str) -> bool:
        """Remove an admin; False when it was not one."""
        removed = await self._session.scalar(
            delete(AdminRow).where(AdminRow.user_key == user_key).returning(AdminRow.user_key)
        )
        return removed is not None

    async def list(self) -> builtins.list[str]:
        """Every admin added from chat, in the order they were added."""
        keys = await self._session.scalars(
            select(AdminRow.user_key).order_by(AdminRow.created_at, AdminRow.user_key)
        )
        return builtins.list(keys)
