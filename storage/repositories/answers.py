"""Accepted LLM answers, kept by the hash of the exact prompt they answered."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import StoredAnswerRow
from storage.repositories._dialect import insert_for
from storage.types import utcnow


class SqlStoredAnswers:
    """`StoredAnswerRepository` over SQLAlchemy: one row per prompt hash, first writer wins."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, key: str) -> dict[str, Any] | None:
        """The answer stored under `key`, or None."""
        answer = await self._session.scalar(
            select(StoredAnswerRow.answer).where(StoredAnswerRow.key == key)
        )
        return dict(answer) if answer is not None else None

    async def put(self, key: str, purpose: str, answer: dict[str, Any]) -> None:
        """Store an answer; one already stored under `key` (another process) is kept."""
        await self._session.execute(
            insert_for(self._session, StoredAnswerRow)
            .values(key=key, purpose=purpose, answer=answer, created_at=utcnow())
            .on_conflict_do_nothing(index_elements=[StoredAnswerRow.key])
        )
