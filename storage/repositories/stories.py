"""Stories, the articles that report them, and what each channel was sent of them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.articles import Article
from bot.domain.digests import Digest
from bot.domain.stories import Story, StoryCandidate, StoryReport, outlet_of, seen_at
from storage.models import ArticleRow, SentStoryRow, SourceRow, StoryRow
from storage.repositories._dialect import insert_for
from storage.repositories.articles import SqlArticleRepository, to_article
from storage.types import utcnow

#: Members loaded per query when stories are refreshed.
_CHUNK = 500


class SqlStoryRepository:
    """`StoryRepository` over SQLAlchemy.

    A story's counts, outlets, languages and first/last seen times are derived from its
    articles (`refresh`), never incremented in place, so two workers adding reports to one
    story at once cannot leave it wrong.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create(self, story: Story) -> Story:
        """Store a new story; returns it with its id."""
        row = StoryRow(
            title=story.title,
            first_seen_at=story.first_seen_at,
            last_seen_at=story.last_seen_at,
            article_count=story.article_count,
            representative_id=story.representative_id,
            languages=list(story.languages),
            outlets=list(story.outlets),
        )
        self._session.add(row)
        await self._session.flush()
        story.id = row.id
        return story

    async def get(self, story_id: int) -> Story | None:
        """The story with this id, or None."""
        row = await self._session.get(StoryRow, story_id)
        return _to_story(row) if row else None

    async def refresh(self, story_ids: Sequence[int]) -> None:
        """Recompute these stories' counts, outlets, languages and times from their articles.

        First and last seen are when reports were fetched: a story is in a digest's window
        when a report of it arrived in that window (ranking weighs publication times).
        """
        for start in range(0, len(story_ids), _CHUNK):
            chunk = sorted(set(story_ids[start : start + _CHUNK]))
            members: dict[int, list[tuple[int, str, str, datetime, str]]] = defaultdict(list)
            result = await self._session.execute(
                select(
                    ArticleRow.story_id,
                    ArticleRow.id,
                    ArticleRow.canonical_url,
                    ArticleRow.lang,
                    ArticleRow.fetched_at,
                    ArticleRow.published_at,
                    ArticleRow.title,
                )
                .where(ArticleRow.story_id.in_(chunk))
                .order_by(ArticleRow.id)
            )
            for story_id, article_id, url, lang, fetched, _, title in result.all():
                members[story_id or 0].append((article_id, url, lang, fetched, title))
            for story_id in chunk:
                reports = members.get(story_id)
                if not reports:
                    continue
                times = [when for _, _, _, when, _ in reports]
                await self._session.execute(
                    update(StoryRow)
                    .where(StoryRow.id == story_id)
                    .values(
                        article_count=len(reports),
                        first_seen_at=min(times),
                        last_seen_at=max(times),
                        languages=sorted({lang for _, _, lang, _, _ in reports}),
                        outlets=sorted({outlet_of(url) for _, url, _, _, _ in reports}),
                        representative_id=reports[0][0],
                        title=reports[0][4],
                    )
                )

    async def stories_of(self, article_ids: Sequence[int]) -> dict[int, int]:
        """{article id: story id} for those of these articles that have a story."""
        if not article_ids:
            return {}
        result = await self._session.execute(
            select(ArticleRow.id, ArticleRow.story_id).where(
                ArticleRow.id.in_(set(article_ids)), ArticleRow.story_id.is_not(None)
            )
        )
        return {article_id: story_id or 0 for article_id, story_id in result.all()}

    async def members_since(
        self, since: datetime, *, after_id: int = 0
    ) -> list[tuple[int, int, dict[str, float], datetime]]:
        """(article id, story id, story terms, seen at) of the original articles with a story
        fetched since `since`, oldest first: what rebuilds the story index after a restart."""
        result = await self._session.execute(
            select(
                ArticleRow.id,
                ArticleRow.story_id,
                ArticleRow.story_terms,
                ArticleRow.published_at,
                ArticleRow.fetched_at,
            )
            .where(
                ArticleRow.fetched_at >= since,
                ArticleRow.id > after_id,
                ArticleRow.story_id.is_not(None),
                ArticleRow.duplicate_of.is_(None),
            )
            .order_by(ArticleRow.id)
        )
        return [
            (article_id, story_id or 0, dict(terms or {}), seen_at(published, fetched))
            for article_id, story_id, terms, published, fetched in result.all()
        ]

    async def unassigned_since(self, since: datetime, *, limit: int = 5000) -> list[Article]:
        """Articles fetched since `since` that have no story yet (stored before stories
        existed, or whose assignment failed), oldest first; near-copies included."""
        rows = await self._session.scalars(
            select(ArticleRow)
            .where(ArticleRow.fetched_at >= since, ArticleRow.story_id.is_(None))
            .order_by(ArticleRow.id)
            .limit(limit)
        )
        return [to_article(row) for row in rows]

    async def assign(self, assignments: Sequence[tuple[int, int, dict[str, float]]]) -> None:
        """Set (article id, story id, story terms) on stored articles."""
        for article_id, story_id, terms in assignments:
            await self._session.execute(
                update(ArticleRow)
                .where(ArticleRow.id == article_id)
                .values(story_id=story_id, story_terms=terms or None)
            )

    async def candidates(self, since: datetime) -> list[StoryCandidate]:
        """Stories with a report fetched since `since`, each with all its reports."""
        stories = list(
            await self._session.scalars(
                select(StoryRow)
                .where(StoryRow.last_seen_at >= since)
                .order_by(StoryRow.last_seen_at.desc(), StoryRow.id.desc())
            )
        )
        by_story: dict[int, list[StoryReport]] = defaultdict(list)
        ids = [row.id for row in stories]
        for start in range(0, len(ids), _CHUNK):
            result = await self._session.execute(
                select(
                    ArticleRow.story_id,
                    ArticleRow.id,
                    ArticleRow.source_id,
                    ArticleRow.canonical_url,
                    ArticleRow.url,
                    ArticleRow.lang,
                    ArticleRow.title,
                    ArticleRow.published_at,
                    ArticleRow.fetched_at,
                    func.length(ArticleRow.text),
                    func.coalesce(SourceRow.priority, 0),
                    ArticleRow.duplicate_of,
                    ArticleRow.story_terms,
                )
                .outerjoin(SourceRow, SourceRow.id == ArticleRow.source_id)
                .where(ArticleRow.story_id.in_(ids[start : start + _CHUNK]))
                .order_by(ArticleRow.id)
            )
            rows = result.all()
            listed = await SqlArticleRepository(self._session).listed_by([row[1] for row in rows])
            for row in rows:
                story_id, article_id, source_id, canonical, url, lang, title = row[:7]
                published, fetched, length, priority, copy_of, terms = row[7:]
                by_story[story_id].append(
                    StoryReport(
                        article_id=article_id,
                        source_id=source_id,
                        outlet=outlet_of(canonical or url),
                        lang=lang,
                        title=title,
                        url=canonical or url,
                        seen_at=seen_at(published, fetched),
                        length=int(length or 0),
                        priority=int(priority),
                        copy_of=copy_of,
                        terms=terms or {},
                        listed_by=listed.get(article_id, frozenset()),
                    )
                )
        return [
            StoryCandidate(_to_story(row), tuple(by_story[row.id]))
            for row in stories
            if any(r.copy_of is None for r in by_story.get(row.id, ()))
        ]

    async def sent_to(
        self, channel_ids: Sequence[int], story_ids: Sequence[int]
    ) -> dict[int, dict[int, frozenset[int]]]:
        """{channel id: {story id: article ids sent}} for these channels and stories."""
        sent: dict[int, dict[int, frozenset[int]]] = defaultdict(dict)
        if not channel_ids or not story_ids:
            return sent
        stories = sorted(set(story_ids))
        for start in range(0, len(stories), _CHUNK):
            result = await self._session.execute(
                select(SentStoryRow.channel_id, SentStoryRow.story_id, SentStoryRow.article_ids)
                .where(SentStoryRow.story_id.in_(stories[start : start + _CHUNK]))
                .where(SentStoryRow.channel_id.in_(set(channel_ids)))
            )
            for channel_id, story_id, article_ids in result.all():
                sent[channel_id][story_id] = frozenset(article_ids)
        return sent

    async def record_sent(
        self, channel_id: int, digest: Digest, *, at: datetime | None = None
    ) -> None:
        """Remember which reports of which stories this digest gives the channel: one read
        for the digest, and a write only for stories whose sent reports change (a chat's
        digest in its second language changes nothing)."""
        covered = {item.story_id: set(item.article_ids) for item in digest.items if item.story_id}
        if not covered:
            return
        result = await self._session.execute(
            select(SentStoryRow.story_id, SentStoryRow.article_ids).where(
                SentStoryRow.channel_id == channel_id, SentStoryRow.story_id.in_(covered)
            )
        )
        before = {story_id: set(ids) for story_id, ids in result.all()}
        when = at or utcnow()
        for story_id, article_ids in covered.items():
            known = before.get(story_id, set())
            if story_id in before and article_ids <= known:
                continue
            values: dict[str, Any] = {
                "channel_id": channel_id,
                "story_id": story_id,
                "article_ids": sorted(known | article_ids),
                "digest_id": digest.id,
                "sent_at": when,
            }
            await self._session.execute(
                insert_for(self._session, SentStoryRow)
                .values(values)
                .on_conflict_do_update(
                    index_elements=[SentStoryRow.channel_id, SentStoryRow.story_id],
                    set_={k: v for k, v in values.items() if k not in ("channel_id", "story_id")},
                )
            )


def _to_story(row: StoryRow) -> Story:
    return Story(
        id=row.id,
        title=row.title,
        first_seen_at=row.first_seen_at,
        last_seen_at=row.last_seen_at,
        article_count=row.article_count,
        representative_id=row.representative_id,
        languages=list(row.languages or []),
        outlets=list(row.outlets or []),
    )
