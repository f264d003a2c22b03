"""Which sources each channel reads (`channel_sources` beside `sources.shared`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.sources import FollowedSource
from storage.models import ChannelSourceRow, SourceRow
from storage.repositories._dialect import insert_for
from storage.repositories.sources import to_source
from storage.types import utcnow

OWN = "own"
FOLLOW = "follow"
UNFOLLOWED = "unfollowed"


class SqlFollowRepository:
    """`FollowRepository` over SQLAlchemy.

    A channel follows a shared source unless it has an `unfollowed` row for it (a `follow`
    row only carries its own priority), and a source of its own while it has an `own` row;
    every other source is invisible to it.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of_channel(self, channel_id: int) -> list[FollowedSource]:
        """Own sources, shared ones followed, and shared ones unfollowed, by id."""
        relation = (
            select(
                ChannelSourceRow.source_id,
                ChannelSourceRow.relation.label("channel_relation"),
                ChannelSourceRow.priority.label("channel_priority"),
            )
            .where(ChannelSourceRow.channel_id == channel_id)
            .subquery()
        )
        rows = await self._session.execute(
            select(SourceRow, relation.c.channel_relation, relation.c.channel_priority)
            .outerjoin(relation, relation.c.source_id == SourceRow.id)
            .where(or_(SourceRow.shared.is_(True), relation.c.channel_relation == OWN))
            .order_by(SourceRow.id)
        )
        return [
            FollowedSource(
                to_source(row), own=kind == OWN, followed=kind != UNFOLLOWED, priority=priority
            )
            for row, kind, priority in rows.all()
        ]

    async def followed_ids(self, channel_ids: Sequence[int]) -> dict[int, frozenset[int]]:
        """Shared ids minus each channel's unfollowed ones, plus its own."""
        shared = set(await self._session.scalars(select(SourceRow.id).where(SourceRow.shared)))
        own: dict[int, set[int]] = defaultdict(set)
        unfollowed: dict[int, set[int]] = defaultdict(set)
        if channel_ids:
            rows = await self._session.execute(
                select(
                    ChannelSourceRow.channel_id,
                    ChannelSourceRow.source_id,
                    ChannelSourceRow.relation,
                ).where(ChannelSourceRow.channel_id.in_(sorted(set(channel_ids))))
            )
            for channel_id, source_id, kind in rows.all():
                if kind == OWN:
                    own[channel_id].add(source_id)
                elif kind == UNFOLLOWED:
                    unfollowed[channel_id].add(source_id)
        return {
            channel_id: frozenset((shared - unfollowed[channel_id]) | own[channel_id])
            for channel_id in channel_ids
        }

    async def priorities(self, channel_ids: Sequence[int]) -> dict[int, dict[int, int]]:
        """The non-empty `priority` of the channels' rows."""
        if not channel_ids:
            return {}
        rows = await self._session.execute(
            select(
                ChannelSourceRow.channel_id, ChannelSourceRow.source_id, ChannelSourceRow.priority
            ).where(
                ChannelSourceRow.channel_id.in_(sorted(set(channel_ids))),
                ChannelSourceRow.priority.is_not(None),
            )
        )
        found: dict[int, dict[int, int]] = defaultdict(dict)
        for channel_id, source_id, priority in rows.all():
            if priority is not None:
                found[channel_id][source_id] = priority
        return dict(found)

    async def set_priority(self, channel_id: int, source_id: int, priority: int) -> None:
        """Store the priority on the channel's row, making a `follow` row when it has none."""
        await self._upsert(channel_id, source_id, {"priority": priority}, relation=FOLLOW)

    async def own(self, channel_id: int, source_id: int, added_by: str | None) -> bool:
        """Insert (or turn an `unfollowed` row into) an `own` row."""
        existing = await self._relation(channel_id, source_id)
        if existing == OWN:
            return False
        await self._upsert(channel_id, source_id, {"relation": OWN, "added_by": added_by})
        return True

    async def disown(self, channel_id: int, source_id: int) -> bool:
        """Delete the channel's `own` row for the source."""
        return await self._delete(channel_id, source_id, OWN)

    async def disown_everywhere(self, source_id: int) -> int:
        """Delete every channel's `own` row for the source; how many there were."""
        removed = await self._session.scalars(
            delete(ChannelSourceRow)
            .where(ChannelSourceRow.source_id == source_id, ChannelSourceRow.relation == OWN)
            .returning(ChannelSourceRow.channel_id)
        )
        return len(list(removed))

    async def owners(self, source_id: int) -> int:
        """Channels with an `own` row for the source."""
        count = await self._session.scalar(
            select(func.count()).where(
                ChannelSourceRow.source_id == source_id, ChannelSourceRow.relation == OWN
            )
        )
        return int(count or 0)

    async def owned_count(self, channel_id: int) -> int:
        """The channel's `own` rows."""
        count = await self._session.scalar(
            select(func.count()).where(
                ChannelSourceRow.channel_id == channel_id, ChannelSourceRow.relation == OWN
            )
        )
        return int(count or 0)

    async def unfollow(self, channel_id: int, source_id: int) -> bool:
        """Make the channel's row `unfollowed` (its priority kept for a return); False when
        it was already, or when the source is the channel's own."""
        existing = await self._relation(channel_id, source_id)
        if existing in (UNFOLLOWED, OWN):
            return False
        await self._upsert(channel_id, source_id, {"relation": UNFOLLOWED})
        return True

    async def follow(self, channel_id: int, source_id: int) -> bool:
        """Turn the channel's `unfollowed` row back into a `follow` row."""
        changed = await self._session.scalar(
            update(ChannelSourceRow)
            .where(
                ChannelSourceRow.channel_id == channel_id,
                ChannelSourceRow.source_id == source_id,
                ChannelSourceRow.relation == UNFOLLOWED,
            )
            .values(relation=FOLLOW)
            .returning(ChannelSourceRow.source_id)
        )
        return changed is not None

    async def _upsert(
        self,
        channel_id: int,
        source_id: int,
        changes: dict[str, object],
        *,
        relation: str | None = None,
    ) -> None:
        """Set `changes` on the channel's row for the source, in one statement that inserts
        the row (with `relation`, else the relation `changes` gives) when there is none."""
        values = {"relation": relation, **changes} if relation else dict(changes)
        await self._session.execute(
            insert_for(self._session, ChannelSourceRow)
            .values(channel_id=channel_id, source_id=source_id, created_at=utcnow(), **values)
            .on_conflict_do_update(
                index_elements=[ChannelSourceRow.channel_id, ChannelSourceRow.source_id],
                set_=changes,
            )
        )

    async def _relation(self, channel_id: int, source_id: int) -> str | None:
        row = await self._session.get(ChannelSourceRow, (channel_id, source_id))
        return row.relation if row else None

    async def _delete(self, channel_id: int, source_id: int, relation: str) -> bool:
        deleted = await self._session.scalar(
            delete(ChannelSourceRow)
            .where(
                ChannelSourceRow.channel_id == channel_id,
                ChannelSourceRow.source_id == source_id,
                ChannelSourceRow.relation == relation,
            )
            .returning(ChannelSourceRow.source_id)
        )
        return deleted is not None
