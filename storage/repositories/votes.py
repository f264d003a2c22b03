"""Votes on digest items: one per person, item and channel, replaced by a new one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.votes import Vote, VotedItem, VoteSignal
from storage.models import ArticleRow, DeliveryRow, DigestItemRow, DigestRow, VoteRow
from storage.repositories._dialect import insert_for
from storage.repositories.articles import SqlArticleRepository

#: Ids per IN (...) list, well under every database's parameter limit.
_CHUNK = 500


class SqlVoteRepository:
    """`VoteRepository` over SQLAlchemy; a vote is one atomic upsert on its unique key."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def item(self, channel_id: int, item_id: int) -> VotedItem | None:
        """The item, when its digest was delivered (or is queued) to the channel, else None;
        with the number of digests delivered to the channel since."""
        row = (
            await self._session.execute(
                select(DigestItemRow.id, DigestRow.id, DigestItemRow.headline, DigestRow.created_at)
                .join(DigestRow, DigestRow.id == DigestItemRow.digest_id)
                .join(
                    DeliveryRow,
                    (DeliveryRow.digest_id == DigestRow.id)
                    & (DeliveryRow.channel_id == channel_id),
                )
                .where(DigestItemRow.id == item_id)
            )
        ).first()
        if row is None:
            return None
        item, digest_id, headline, created_at = row
        later = await self._session.scalar(
            select(func.count())
            .select_from(DeliveryRow)
            .join(DigestRow, DigestRow.id == DeliveryRow.digest_id)
            .where(
                DeliveryRow.channel_id == channel_id,
                DeliveryRow.status == "sent",
                DigestRow.created_at > created_at,
            )
        )
        return VotedItem(item, digest_id, headline, created_at, int(later or 0))

    async def cast(self, vote: Vote, *, at: datetime) -> None:
        """Record the vote, replacing the person's earlier vote on the item in the channel.

        One INSERT ... ON CONFLICT DO UPDATE, so two presses racing (a double tap, two
        workers) leave exactly one row, holding the later value.
        """
        await self._session.execute(
            insert_for(self._session, VoteRow)
            .values(
                channel_id=vote.channel_id,
                item_id=vote.item_id,
                user_key=vote.user_key,
                value=vote.value,
                created_at=at,
                updated_at=at,
            )
            .on_conflict_do_update(
                index_elements=[VoteRow.item_id, VoteRow.channel_id, VoteRow.user_key],
                set_={"value": vote.value, "updated_at": at},
            )
        )

    async def counts(self, channel_id: int, item_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
        """(👍, 👎) per item in the channel, for the items that have any."""
        found: dict[int, tuple[int, int]] = {}
        for start in range(0, len(item_ids), _CHUNK):
            result = await self._session.execute(
                select(
                    VoteRow.item_id,
                    func.sum(case((VoteRow.value > 0, 1), else_=0)),
                    func.sum(case((VoteRow.value < 0, 1), else_=0)),
                )
                .where(
                    VoteRow.channel_id == channel_id,
                    VoteRow.item_id.in_(item_ids[start : start + _CHUNK]),
                )
                .group_by(VoteRow.item_id)
            )
            for item_id, ups, downs in result.all():
                found[item_id] = (int(ups or 0), int(downs or 0))
        return found

    async def recent(self, channel_id: int, since: datetime) -> list[VoteSignal]:
        """The channel's votes cast or changed since `since`, oldest first, each with the
        sources and summed story terms of the voted item's reports."""
        votes = (
            await self._session.execute(
                select(
                    VoteRow.item_id,
                    VoteRow.value,
                    VoteRow.updated_at,
                    DigestItemRow.story_id,
                    DigestItemRow.headline,
                    DigestItemRow.article_ids,
                )
                .join(DigestItemRow, DigestItemRow.id == VoteRow.item_id)
                .where(VoteRow.channel_id == channel_id, VoteRow.updated_at >= since)
                .order_by(VoteRow.updated_at, VoteRow.id)
            )
        ).all()
        article_ids = sorted({int(a) for *_, ids in votes for a in ids or []})
        sources: dict[int, int | None] = {}
        terms: dict[int, dict[str, float]] = {}
        for start in range(0, len(article_ids), _CHUNK):
            result = await self._session.execute(
                select(ArticleRow.id, ArticleRow.source_id, ArticleRow.story_terms).where(
                    ArticleRow.id.in_(article_ids[start : start + _CHUNK])
                )
            )
            for article_id, source_id, story_terms in result.all():
                sources[article_id] = source_id
                terms[article_id] = dict(story_terms or {})
        # A source that listed a voted article counts as one that carried it.
        listed = await SqlArticleRepository(self._session).listed_by(article_ids)
        signals = []
        for item_id, value, updated_at, story_id, headline, ids in votes:
            summed: dict[str, float] = defaultdict(float)
            for article_id in ids or []:
                for term, weight in terms.get(int(article_id), {}).items():
                    summed[term] += float(weight)
            signals.append(
                VoteSignal(
                    value=int(value),
                    at=updated_at,
                    item_id=item_id,
                    story_id=story_id,
                    headline=headline,
                    source_ids=frozenset(
                        s for a in ids or [] if (s := sources.get(int(a))) is not None
                    ).union(*(listed.get(int(a), ()) for a in ids or [])),
                    terms=dict(summed),
                )
            )
        return signals
