"""Questions and answers, per channel and thread."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.channels import ConversationTurn
from storage.models import ConversationRow
from storage.types import utcnow


class SqlConversationRepository:
    """`ConversationRepository` over SQLAlchemy."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, turn: ConversationTurn) -> ConversationTurn:
        """Store a question and its answer; returns it with its id."""
        row = ConversationRow(
            channel_id=turn.channel_id,
            user_id=turn.user_id,
            question=turn.question,
            answer=turn.answer,
            lang=turn.lang,
            digest_id=turn.digest_id,
            thread_id=turn.thread_id,
            cited_article_ids=list(turn.cited_article_ids),
            created_at=turn.created_at or utcnow(),
        )
        self._session.add(row)
        await self._session.flush()
        return replace(turn, id=row.id, created_at=row.created_at)

    async def recent(
        self, channel_id: int, thread_id: str | None, *, limit: int = 4
    ) -> list[ConversationTurn]:
        """The last turns of a thread (or of the whole channel when None), oldest first."""
        statement = select(ConversationRow).where(ConversationRow.channel_id == channel_id)
        if thread_id is not None:
            statement = statement.where(ConversationRow.thread_id == thread_id)
        rows = await self._session.scalars(
            statement.order_by(ConversationRow.id.desc()).limit(limit)
        )
        return [_to_turn(row) for row in reversed(rows.all())]

    async def move_thread(self, channel_id: int, thread_id: str, to_thread_id: str) -> int:
        """File every turn of a thread under `to_thread_id`; returns how many moved."""
        result = await self._session.execute(
            update(ConversationRow)
            .where(ConversationRow.channel_id == channel_id, ConversationRow.thread_id == thread_id)
            .values(thread_id=to_thread_id)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)


def _to_turn(row: ConversationRow) -> ConversationTurn:
    return ConversationTurn(
        id=row.id,
        channel_id=row.channel_id,
        user_id=row.user_id,
        question=row.question,
        answer=row.answer,
        lang=row.lang,
        digest_id=row.digest_id,
        thread_id=row.thread_id,
        cited_article_ids=list(row.cited_article_ids),
        created_at=row.created_at,
    )
