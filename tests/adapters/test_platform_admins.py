"""The platforms' own admins, asked live through the fake servers and cached briefly."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient
from telegram import Bot

from bot.adapters.platform_admins import SlackWorkspaceAdmins, TelegramChatAdmins
from bot.domain.messages import IncomingMessage
from tests.fakes.slack_server import FakeSlackServer
from tests.fakes.telegram_server import FakeTelegramServer

TELEGRAM_TOKEN = "7012345678:AAF-platform_admins_test_token"
SLACK_TOKEN = "xoxb-platform-admins-test"


def _telegram(user: int, chat: str = "-100555", *, private: bool = False) -> IncomingMessage:
    return IncomingMessage("telegram", chat, str(user), "/stats", is_private=private)


async def test_group_creators_and_administrators_are_admins_members_are_not() -> None:
    async with FakeTelegramServer(TELEGRAM_TOKEN) as fake:
        fake.set_member_status("-100555", 1, "creator")
        fake.set_member_status("-100555", 2, "administrator")
        fake.set_member_status("-100555", 3, "member")
        admins = TelegramChatAdmins(Bot(TELEGRAM_TOKEN, base_url=fake.base_url))
        answers = [await admins.is_admin(_telegram(user)) for user in (1, 2, 3)]
    assert answers == [True, True, False]


async def test_an_answer_is_cached_so_a_burst_costs_one_call() -> None:
    async with FakeTelegramServer(TELEGRAM_TOKEN) as fake:
        fake.set_member_status("-100555", 2, "administrator")
        admins = TelegramChatAdmins(Bot(TELEGRAM_TOKEN, base_url=fake.base_url))
        for _ in range(5):
            assert await admins.is_admin(_telegram(2))
    assert fake.calls.count("getChatMember") == 1


async def test_a_private_chat_has_no_platform_admin_and_costs_no_call() -> None:
    async with FakeTelegramServer(TELEGRAM_TOKEN) as fake:
        admins = TelegramChatAdmins(Bot(TELEGRAM_TOKEN, base_url=fake.base_url))
        assert not await admins.is_admin(_telegram(2, "2", private=True))
    assert "getChatMember" not in fake.calls


async def test_slack_workspace_admins_are_admins_and_unknown_users_are_not() -> None:
    async with FakeSlackServer(SLACK_TOKEN) as fake:
        fake.add_user("U0BOSS", "boss", is_admin=True)
        fake.add_user("U0ASHA", "asha")
        admins = SlackWorkspaceAdmins(AsyncWebClient(token=SLACK_TOKEN, base_url=fake.base_url))

        def message(user: str) -> IncomingMessage:
            return IncomingMessage("slack", "C0NEWS", user, "/stats")

        answers = [await admins.is_admin(message(u)) for u in ("U0BOSS", "U0ASHA", "U0GHOST")]
    assert answers == [True, False, False]
