"""`digestbot run` with the production default (approval): a real process, fake Telegram and a
fake OpenAI server. An unknown group gets only the notice and costs no LLM call; once the
admin presses Approve, the same question is answered with the model."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from bot.domain.repositories import UnitOfWorkFactory
from storage.db import make_engine
from storage.uow import make_uow_factory
from tests.answers.library import DEEPSEEK, store
from tests.app.test_listening import _eventually, _start_service
from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.telegram_server import FakeTelegramServer

TOKEN = "7012345678:AAF-access_service_token_for_the_fake"
ADMIN, MEMBER, GROUP = 4242, 1001, -100555
QUESTION = "/ask Which model did DeepSeek release?"


async def _store_articles(database_url: str) -> None:
    engine = make_engine(database_url)
    factory: UnitOfWorkFactory = make_uow_factory(engine)
    await store(factory, [DEEPSEEK])
    await engine.dispose()


async def test_an_unapproved_group_gets_only_the_notice_until_the_admin_approves(
    tmp_path: Path,
) -> None:
    database_url = f"sqlite:///{tmp_path / 'bot.db'}"
    async with FakeTelegramServer(TOKEN) as telegram, FakeOpenAIServer() as llm:
        ours = ("OPENAI_", "SLACK_", "TELEGRAM_", "DIGESTBOT_")
        env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
        env |= {
            "DIGESTBOT_DATABASE_URL": database_url,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": telegram.base_url,
            "OPENAI_API_KEY": "sk-test-access",
            "OPENAI_BASE_URL": llm.base_url,
            "DIGESTBOT_ADMINS": f"telegram:{ADMIN}",
        }
        process, _, log = await _start_service(env, tmp_path)
        try:
            await _store_articles(database_url)
            for text in (QUESTION, "/digest", "/subscribe en", "/sources"):
                telegram.push_message(GROUP, text, user_id=MEMBER, chat_type="supergroup")
            # The admin's own private chat is always served. Messages are handled concurrently,
            # so the answer to /help may come before the request to approve the group.
            telegram.push_message(ADMIN, "/help", user_id=ADMIN)
            await _eventually(
                lambda: any("Commands you can use" in m.plain for m in telegram.messages_to(ADMIN)),
                "the admin's /help was not answered",
            )
            # Both go to the admin's private chat, paced at one message a second.
            await _eventually(
                lambda: any(m.buttons for m in telegram.messages_to(ADMIN)),
                "the admin was not asked to approve the group",
            )
            await asyncio.sleep(1.0)

            [notice] = telegram.messages_to(GROUP)
            assert "waiting for an admin to approve it" in notice.plain
            assert llm.calls == 0, "a gated chat must not cost an LLM call"
            [request] = [m for m in telegram.messages_to(ADMIN) if m.buttons]
            assert "A new chat asks to use the bot: telegram:-100555" in request.plain

            telegram.press_button(request, "/approve telegram:-100555", user_id=ADMIN)
            await _eventually(lambda: len(telegram.messages_to(GROUP)) == 2, "no welcome")
            telegram.push_message(GROUP, QUESTION, user_id=MEMBER, chat_type="supergroup")
            await _eventually(lambda: len(telegram.messages_to(GROUP)) == 3, "no answer")

            assert "This chat may use the bot now" in telegram.messages_to(GROUP)[1].plain
            assert "[1]" in telegram.messages_to(GROUP)[2].plain
            assert llm.calls >= 1
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 10)
        assert process.returncode == 0, log.read_text("utf-8")
