"""The bot on fake Telegram by long polling, with the real router and the answerer on the
fake OpenAI server: `send` and `press` return once the bot handled the update."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.adapters.pacing import Pacer, PacingPolicy, Rate
from bot.adapters.platform_admins import TelegramChatAdmins
from bot.adapters.telegram import TelegramAdapter
from bot.adapters.telegram_updates import TelegramUpdates
from bot.commands.registry import all_commands
from bot.commands.router import CommandRouter
from bot.domain.access import AccessPolicy
from bot.domain.repositories import UnitOfWorkFactory
from bot.llm.prompts import PromptStore
from bot.sources.reader import WebSourceReader
from tests.answers.conftest import answerer_for
from tests.commands.offline import offline_deps
from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.telegram_server import FakeTelegramServer, SentMessage, TelegramLimits

TOKEN = "7012345678:AAF-telegram_bot_tests_token_for_fakes"
FAST = Rate(200, 1.0)
ADMIN, MEMBER_ID = 4242, 1001


@dataclass
class Bot:
    """The bot on fake Telegram: `send` and `press` return once the bot handled the update."""

    telegram: FakeTelegramServer
    llm: FakeOpenAIServer
    updates: TelegramUpdates
    pushed: int = 0

    async def send(
        self, chat: int, text: str, *, user: int = MEMBER_ID, chat_type: str = "supergroup"
    ) -> None:
        self.telegram.push_message(chat, text, user_id=user, chat_type=chat_type)
        await self._handled()

    async def press(self, message: SentMessage, data: str, *, user: int = ADMIN) -> None:
        self.telegram.press_button(message, data, user_id=user)
        await self._handled()

    async def admin_says(self, text: str) -> str:
        before = len(self.telegram.messages_to(ADMIN))
        await self.send(ADMIN, text, user=ADMIN, chat_type="private")
        return "\n".join(m.plain for m in self.telegram.messages_to(ADMIN)[before:])

    def texts(self, chat: int) -> list[str]:
        return [m.plain for m in self.telegram.messages_to(chat)]

    async def _handled(self) -> None:
        self.pushed += 1
        dispatch = self.updates.dispatch
        async with asyncio.timeout(10):
            while dispatch.handled + dispatch.crashed < self.pushed:
                await asyncio.sleep(0.02)
        assert dispatch.crashed == 0


@asynccontextmanager
async def telegram_bot(
    uow_factory: UnitOfWorkFactory,
    policy: AccessPolicy,
    admins: frozenset[str] = frozenset({f"telegram:{ADMIN}"}),
) -> AsyncIterator[Bot]:
    limits = TelegramLimits(overall=FAST, per_chat=FAST, per_group=FAST)
    async with (
        FakeTelegramServer(TOKEN, limits=limits) as fake,
        FakeOpenAIServer() as llm,
    ):
        pacer = Pacer(PacingPolicy(per_chat=FAST, overall=FAST, per_group=FAST))
        telegram = TelegramAdapter(TOKEN, base_url=fake.base_url, pacer=pacer)
        answerer, client = answerer_for(llm, uow_factory, PromptStore.load())
        reader = WebSourceReader()
        deps = offline_deps(
            uow_factory,
            reader,
            {"telegram": telegram},
            admin_keys=admins,
            platform_admins={"telegram": TelegramChatAdmins(telegram.bot)},
            answerer=answerer,
            access=policy,
        )
        updates = TelegramUpdates(telegram.bot, CommandRouter(deps, all_commands()), poll_timeout=1)
        stop = asyncio.Event()
        polling = asyncio.create_task(updates.run_polling(stop))
        try:
            yield Bot(fake, llm, updates)
        finally:
            stop.set()
            await asyncio.wait_for(polling, 5)
            await client.aclose()
            await reader.aclose()
            await telegram.aclose()
