"""Assigning articles to stories as they are stored, and catching up on those that have none.

One `StoryAssigner` lives as long as the process: its index of the window's stories is built
from the database once and then only brought up to date (articles other workers stored since),
so a poll that stores a few articles pays for those, not for the whole window again.
Near-copies join their original's story; everything else is matched against the index, which
joins an article to a story only when it is close to the story as a whole.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.domain.articles import Article
from bot.domain.repositories import UnitOfWork, UnitOfWorkFactory
from bot.domain.stories import Story, seen_at
from bot.stories.index import DEFAULT_WINDOW, StoryIndex
from bot.stories.terms import story_terms

log = logging.getLogger(__name__)

#: Articles without a story assigned per transaction when catching up.
PENDING_BATCH = 500


class StoryAssigner:
    """Puts each new article into a story; holds the window's story index between polls."""

    def __init__(self, *, window: timedelta = DEFAULT_WINDOW) -> None:
        self.window = window
        self._index: StoryIndex | None = None
        #: The highest article id read from the database into the index.
        self._read_up_to = 0
        #: Ids above `_read_up_to` that this process put into the index itself.
        self._own: set[int] = set()

    def invalidate(self) -> None:
        """Forget the index (after a failed transaction left stories in it that were never
        stored); the next assignment builds it again from the database."""
        self._index = None
        self._read_up_to = 0
        self._own.clear()

    async def assign(self, uow: UnitOfWork, articles: Sequence[Article], now: datetime) -> set[int]:
        """Set `story_id` and `story_terms` on articles about to be stored; returns the ids of
        the stories they joined or started (refresh those once the articles are stored).

        Articles whose `duplicate_of` names an original join that original's story (one
        stored before, or one of `articles` that has an id already).
        """
        index = await self._catch_up(uow, now)
        touched: set[int] = set()
        started: dict[int, int] = {}
        for article in articles:
            if article.duplicate_of is not None:
                continue
            article.story_terms = story_terms(article.title, article.text)
            at = seen_at(article.published_at, article.fetched_at or now)
            match = index.match(article.story_terms, at)
            if match is not None:
                story_id = match.story_id
            else:
                fetched = article.fetched_at or now
                story = await uow.stories.create(
                    Story(first_seen_at=fetched, last_seen_at=fetched, title=article.title)
                )
                assert story.id is not None
                story_id = story.id
            index.add(story_id, article.story_terms, at)
            article.story_id = story_id
            touched.add(story_id)
            if article.id is not None:
                started[article.id] = story_id
        copies = [a for a in articles if a.duplicate_of is not None]
        stored = [a.duplicate_of for a in copies if a.duplicate_of not in started]
        known = await uow.stories.stories_of([i for i in stored if i is not None])
        for article in copies:
            assert article.duplicate_of is not None
            article.story_id = started.get(article.duplicate_of) or known.get(article.duplicate_of)
            if article.story_id is not None:
                touched.add(article.story_id)
        return touched

    def remember(self, articles: Sequence[Article]) -> None:
        """Note the ids of stored articles this process put into the index, so catching up
        with the database does not add them a second time."""
        self._own.update(a.id for a in articles if a.id is not None and a.id > self._read_up_to)

    async def assign_pending(self, uow_factory: UnitOfWorkFactory, now: datetime) -> int:
        """Give a story to every article of the window that has none (stored before stories
        existed, or by a poll whose assignment failed); returns how many got one."""
        assigned = 0
        while True:
            async with uow_factory() as uow:
                pending = await uow.stories.unassigned_since(now - self.window, limit=PENDING_BATCH)
                if not pending:
                    return assigned
                try:
                    touched = await self.assign(uow, pending, now)
                    await uow.stories.assign(_assignments(pending))
                    await uow.stories.refresh(sorted(touched))
                    await uow.commit()
                except Exception:
                    self.invalidate()
                    raise
            self.remember(pending)
            done = sum(1 for a in pending if a.story_id is not None)
            assigned += done
            if done == 0:
                # Near-copies of originals that have no story either: nothing more to do.
                log.warning("%d articles could not be given a story", len(pending))
                return assigned
            if len(pending) < PENDING_BATCH:
                return assigned

    async def _catch_up(self, uow: UnitOfWork, now: datetime) -> StoryIndex:
        """The index, built on first use and brought up to date with the database since."""
        if self._index is None:
            self._index = StoryIndex(window=self.window)
            self._read_up_to = 0
            self._own.clear()
        index = self._index
        rows = await uow.stories.members_since(now - self.window, after_id=self._read_up_to)
        for article_id, story_id, terms, at in rows:
            if article_id not in self._own and terms:
                index.add(story_id, terms, at)
            self._read_up_to = max(self._read_up_to, article_id)
        self._own = {i for i in self._own if i > self._read_up_to}
        index.forget_before(now - self.window)
        return index


def _assignments(articles: Sequence[Article]) -> list[tuple[int, int, dict[str, float]]]:
    return [
        (a.id, a.story_id, a.story_terms)
        for a in articles
        if a.id is not None and a.story_id is not None
    ]
