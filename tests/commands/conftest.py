"""A chat with the bot: messages go through the router, replies come back from fake Telegram."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from bot.adapters.pacing import Pacer, PacingPolicy, Rate
from bot.adapters.telegram import TelegramAdapter
from bot.commands.registry import all_commands
from bot.commands.router import CommandRouter
from bot.domain.messages import IncomingMessage
from bot.domain.repositories import UnitOfWorkFactory
from bot.sources.reader import WebSourceReader
from tests.commands.offline import offline_deps
from tests.commands.slack_workspace import Workspace, slack_workspace
from tests.fakes.telegram_server import FakeTelegramServer, TelegramLimits
from tests.fakes.web_server import FakeWebServer

TOKEN = "7012345678:AAF-command_tests_token_for_the_fake_only"
ADMIN = 4242
FAST = Rate(200, 1.0)


@dataclass
class Chat:
    """One Telegram chat as a transcript: `await chat.say("/help")` returns the bot's reply."""

    router: CommandRouter
    fake: FakeTelegramServer
    chat_id: str = "555"
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def say(
        self,
        text: str,
        *,
        user: int = 1001,
        reply_to: str | None = None,
        event_id: str | None = None,
    ) -> str:
        before = len(self.fake.messages_to(self.chat_id))
        await self.router.handle(
            IncomingMessage(
                platform="telegram",
                chat_id=self.chat_id,
                user_id=str(user),
                text=text,
                message_id=str(next(self._ids)),
                reply_to_message_id=reply_to,
                is_private=not self.chat_id.startswith("-"),
                event_id=event_id,
            )
        )
        replies = self.fake.messages_to(self.chat_id)[before:]
        return "\n".join(m.plain for m in replies)


@pytest.fixture
async def web() -> AsyncIterator[FakeWebServer]:
    server = FakeWebServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def chat(uow_factory: UnitOfWorkFactory) -> AsyncIterator[Chat]:
    limits = TelegramLimits(overall=FAST, per_chat=FAST, per_group=FAST)
    async with FakeTelegramServer(TOKEN, limits=limits) as fake:
        pacer = Pacer(PacingPolicy(per_chat=FAST, overall=FAST, per_group=FAST))
        telegram = TelegramAdapter(TOKEN, base_url=fake.base_url, pacer=pacer)
        reader = WebSourceReader(allow_private_urls=True)  # feeds are on 127.0.0.1
        deps = offline_deps(
            uow_factory,
            reader,
            {"telegram": telegram},
            admin_keys=frozenset({f"telegram:{ADMIN}"}),
            default_timezone="Asia/Kolkata",
        )
        yield Chat(CommandRouter(deps, all_commands()), fake)
        await telegram.aclose()
        await reader.aclose()


@pytest.fixture
async def workspace(uow_factory: UnitOfWorkFactory) -> AsyncIterator[Workspace]:
    """A Slack channel under the production access default, Slack's admins as admins."""
    async with slack_workspace(uow_factory, workspace_admins=True) as running:
        yield running
