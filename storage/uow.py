"""The unit of work: one session and one transaction shared by every repository."""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Self

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session

from bot.domain.channels import Worker
from bot.domain.public_links import DigestLinks
from bot.domain.repositories import (
    AdminRepository,
    ArticleRepository,
    AuditLog,
    ChannelRepository,
    ConversationRepository,
    DeliveryRepository,
    DigestRepository,
    FollowRepository,
    SourceRepository,
    StoredAnswerRepository,
    StoryRepository,
    SummaryRepository,
    TopicRepository,
    UnitOfWorkFactory,
    UsageRepository,
    VoteRepository,
)
from storage.events import forget_events_before, remember_event
from storage.repositories import (
    SqlAdminRepository,
    SqlArticleRepository,
    SqlAuditLog,
    SqlChannelRepository,
    SqlConversationRepository,
    SqlDeliveryRepository,
    SqlDigestRepository,
    SqlFollowRepository,
    SqlSourceRepository,
    SqlStoredAnswers,
    SqlStoryRepository,
    SqlSummaryRepository,
    SqlTopicRepository,
    SqlUsageRepository,
    SqlVoteRepository,
)


class RepositorySession(Session):
    """A session whose reads always return what the database holds now.

    Repositories write with single UPDATE/INSERT ... ON CONFLICT statements that bypass the
    identity map, so every ORM read refreshes the objects it loads instead of reusing them.
    """


@event.listens_for(RepositorySession, "do_orm_execute")
def _read_fresh(state: ORMExecuteState) -> None:
    if state.is_select:
        state.update_execution_options(populate_existing=True)


class SqlUnitOfWork:
    """`UnitOfWork` over an `async_sessionmaker`: `async with uow: ...; await uow.commit()`."""

    sources: SourceRepository
    articles: ArticleRepository
    summaries: SummaryRepository
    digests: DigestRepository
    channels: ChannelRepository
    deliveries: DeliveryRepository
    conversations: ConversationRepository
    admins: AdminRepository
    audit: AuditLog
    usage: UsageRepository
    stories: StoryRepository
    answers: StoredAnswerRepository
    follows: FollowRepository
    topics: TopicRepository
    votes: VoteRepository

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        worker: Worker | None = None,
        digest_links: DigestLinks | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._worker = worker
        self._digest_links = digest_links
        self._session: AsyncSession | None = None

    async def __aenter__(self) -> Self:
        """Open a session; the transaction begins with the first statement."""
        if self._session is not None:
            raise RuntimeError("this unit of work is already in use; make a new one per block")
        session = self._session = self._session_factory()
        self.sources = SqlSourceRepository(session)
        self.articles = SqlArticleRepository(session)
        self.summaries = SqlSummaryRepository(session)
        self.digests = SqlDigestRepository(session, self._digest_links)
        self.channels = SqlChannelRepository(session)
        self.deliveries = SqlDeliveryRepository(session, self._worker)
        self.conversations = SqlConversationRepository(session)
        self.admins = SqlAdminRepository(session)
        self.audit = SqlAuditLog(session)
        self.usage = SqlUsageRepository(session)
        self.stories = SqlStoryRepository(session)
        self.answers = SqlStoredAnswers(session)
        self.follows = SqlFollowRepository(session)
        self.topics = SqlTopicRepository(session)
        self.votes = SqlVoteRepository(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed and release the connection."""
        session, self._session = self._session, None
        if session is not None:
            try:
                await session.rollback()
            finally:
                await session.close()

    async def commit(self) -> None:
        """Make everything done in this block durable."""
        await self.session.commit()

    async def rollback(self) -> None:
        """Discard everything done since the last commit."""
        await self.session.rollback()

    async def remember_event(self, event_id: str) -> bool:
        """Record a platform event id; False when it was seen before (ignore the event)."""
        return await remember_event(self.session, event_id)

    async def forget_events_before(self, before: datetime) -> int:
        """Drop remembered event ids older than `before`; returns how many."""
        return await forget_events_before(self.session, before)

    @property
    def session(self) -> AsyncSession:
        """The open session, for storage code that needs SQL beyond the repositories."""
        if self._session is None:
            raise RuntimeError("use the unit of work inside `async with uow:`")
        return self._session


class SqlUnitOfWorkFactory:
    """Makes a fresh `SqlUnitOfWork` per block, all sharing one engine's connection pool.

    `worker` is the process the units of work act for: their delivery claims name it.
    `digest_links` gives the digests they load a "read in browser" address.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        worker: Worker | None = None,
        digest_links: DigestLinks | None = None,
    ) -> None:
        self.engine = engine
        self.worker = worker
        self.digest_links = digest_links
        self._session_factory = async_sessionmaker(
            engine, expire_on_commit=False, sync_session_class=RepositorySession
        )

    def __call__(self) -> SqlUnitOfWork:
        """A new, not yet entered unit of work."""
        return SqlUnitOfWork(self._session_factory, self.worker, self.digest_links)


def make_uow_factory(
    engine: AsyncEngine, worker: Worker | None = None, *, digest_links: DigestLinks | None = None
) -> UnitOfWorkFactory:
    """The `UnitOfWorkFactory` services take, over this engine, working for `worker`; with
    `digest_links`, loaded digests carry their public address."""
    return SqlUnitOfWorkFactory(engine, worker, digest_links)
