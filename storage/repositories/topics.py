"""A channel's topics and mutes (`channel_topics`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.topics import ChannelTopic, TopicKind
from storage.models import ChannelTopicRow
from storage.repositories._dialect import insert_for
from storage.types import utcnow


class SqlTopicRepository:
    """`TopicRepository` over SQLAlchemy; a phrase is kept once per channel and kind."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of_channels(self, channel_ids: Sequence[int]) -> dict[int, list[ChannelTopic]]:
        """Topics and mutes of the channels, oldest first."""
        if not channel_ids:
            return {}
        rows = await self._session.scalars(
            select(ChannelTopicRow)
            .where(ChannelTopicRow.channel_id.in_(sorted(set(channel_ids))))
            .order_by(ChannelTopicRow.id)
        )
        topics: dict[int, list[ChannelTopic]] = defaultdict(list)
        for row in rows:
            kind: TopicKind = "mute" if row.kind == "mute" else "topic"
            topics[row.channel_id].append(ChannelTopic(row.channel_id, kind, row.phrase))
        return dict(topics)

    async def add(self, channel_id: int, kind: TopicKind, phrase: str) -> bool:
        """Insert unless the channel has the phrase (in any case) already."""
        if await self._find(channel_id, kind, phrase) is not None:
            return False
        result = await self._session.execute(
            insert_for(self._session, ChannelTopicRow)
            .values(channel_id=channel_id, kind=kind, phrase=phrase, created_at=utcnow())
            .on_conflict_do_nothing(
                index_elements=[
                    ChannelTopicRow.channel_id,
                    ChannelTopicRow.kind,
                    ChannelTopicRow.phrase,
                ]
            )
            .returning(ChannelTopicRow.id)
        )
        return result.scalar_one_or_none() is not None

    async def remove(self, channel_id: int, kind: TopicKind, phrase: str) -> bool:
        """Delete the phrase, whatever its case."""
        row_id = await self._find(channel_id, kind, phrase)
        if row_id is None:
            return False
        await self._session.execute(delete(ChannelTopicRow).where(ChannelTopicRow.id == row_id))
        return True

    async def _find(self, channel_id: int, kind: TopicKind, phrase: str) -> int | None:
        return await self._session.scalar(
            select(ChannelTopicRow.id).where(
                ChannelTopicRow.channel_id == channel_id,
                ChannelTopicRow.kind == kind,
                func.lower(ChannelTopicRow.phrase) == phrase.lower(),
            )
        )
