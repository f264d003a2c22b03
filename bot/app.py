"""The application container: everything a command or the service needs, built once.

`bot.bootstrap` builds it from the settings; the entry points (the service, chat commands,
the command line) receive it and never build edges themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.base import ChatAdapter
from bot.config import Settings
from bot.domain.channels import Worker
from bot.domain.repositories import UnitOfWorkFactory
from bot.services.stories import StoryAssigner
from bot.sources.base import SourceReader
from bot.summarize.answers import Answerer
from bot.summarize.base import DigestComposer, Summarizer

if TYPE_CHECKING:
    from bot.services.publish import DigestMaker


@dataclass
class App:
    """Everything a command or the service needs, built once from the settings."""

    settings: Settings
    engine: AsyncEngine
    uow_factory: UnitOfWorkFactory
    reader: SourceReader
    summarizer: Summarizer
    fallback: Summarizer
    composer: DigestComposer
    adapters: dict[str, ChatAdapter] = field(default_factory=dict)
    #: Writes grounded answers to questions with the LLM; None answers with extracts.
    answerer: Answerer | None = None
    #: Puts ingested articles into stories; its index of the window lives as long as the app.
    stories: StoryAssigner = field(default_factory=StoryAssigner)
    #: This process as a sender of deliveries, named by the claims of `uow_factory`; the
    #: service makes it present (`bot.scheduler.presence`). None: claims name no worker.
    worker: Worker | None = None

    @property
    def maker(self) -> DigestMaker:
        """The summarizing edges of a digest, with the configured time limit."""
        from datetime import timedelta

        from bot.services.publish import DigestMaker

        return DigestMaker(
            self.summarizer,
            self.fallback,
            self.composer,
            time_cap=timedelta(seconds=self.settings.digest_time_limit),
        )

    @property
    def admin_keys(self) -> frozenset[str]:
        """Admins from DIGESTBOT_ADMINS (those added from chat are read from the database)."""
        return self.settings.admin_keys

    async def aclose(self) -> None:
        """Close adapters, the reader and the database pool."""
        for adapter in self.adapters.values():
            await adapter.aclose()
        await self.reader.aclose()
        await self.engine.dispose()
