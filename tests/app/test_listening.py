"""`digestbot run` hears chat: a real service process, fake Telegram and Slack over real HTTP.

The process long-polls the fake Telegram Bot API with python-telegram-bot and holds a Socket
Mode websocket to the fake Slack with slack_sdk, exactly as it would against the platforms.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.adapters import slack_recorded as recorded
from tests.fakes.slack_server import FakeSlackServer, SlackLimits
from tests.fakes.telegram_server import FakeTelegramServer

TELEGRAM_TOKEN = "7012345678:AAF-listening_test_token_for_the_fake"
SLACK_TOKEN = "xoxb-listening-test-token"
PRIVATE_CHAT = 555
GROUP = -100777
GROUP_ADMIN, GROUP_MEMBER = 2002, 2003


@dataclass
class Running:
    telegram: FakeTelegramServer
    slack: FakeSlackServer
    process: asyncio.subprocess.Process
    port: int
    log: Path


#: The service says which port it bound: it asks for any free one, as a port picked here
#: could be taken by another process before the service starts.
_BOUND = re.compile(r"health on port (\d+)")


async def _eventually(check: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    async with asyncio.timeout(timeout):
        while not check():
            await asyncio.sleep(0.05)
    assert check(), what


async def _start_service(
    env: dict[str, str], cwd: Path
) -> tuple[asyncio.subprocess.Process, int, Path]:
    """`digestbot init`, then `digestbot run` on any free port with its output in a file:
    the process, the port it bound and the file."""
    init = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "init", env=env, cwd=cwd
    )
    assert await init.wait() == 0
    log = cwd / "run.log"
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=env | {"DIGESTBOT_HTTP_PORT": "0"},
            cwd=cwd,
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
        )

    def bound() -> bool:
        return process.returncode is not None or bool(_BOUND.search(log.read_text("utf-8")))

    await _eventually(bound, "the service never said which port it bound")
    found = _BOUND.search(log.read_text("utf-8"))
    assert found is not None, log.read_text("utf-8")
    return process, int(found.group(1)), log


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    async with (
        FakeTelegramServer(TELEGRAM_TOKEN) as telegram,
        FakeSlackServer(
            SLACK_TOKEN, app_token=recorded.APP_TOKEN, limits=SlackLimits(per_channel=None)
        ) as slack,
    ):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SLACK_"))}
        env |= {
            "DIGESTBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
            "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
            "TELEGRAM_API_BASE_URL": telegram.base_url,
            "SLACK_BOT_TOKEN": SLACK_TOKEN,
            "SLACK_APP_TOKEN": recorded.APP_TOKEN,
            "SLACK_API_BASE_URL": slack.base_url,
            # These tests are about hearing chat; tests/app/test_access_service.py gates it.
            "DIGESTBOT_ACCESS": "open",
        }
        process, port, log = await _start_service(env, tmp_path)
        try:
            yield Running(telegram, slack, process, port, log)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()


async def test_a_telegram_user_subscribes_through_long_polling(running: Running) -> None:
    telegram = running.telegram
    telegram.push_message(PRIVATE_CHAT, "/subscribe en")

    await _eventually(lambda: bool(telegram.messages_to(PRIVATE_CHAT)), "no reply to /subscribe")
    assert "Subscribed (en, daily 08:00)" in telegram.messages_to(PRIVATE_CHAT)[0].plain


async def test_group_admins_are_recognised_through_get_chat_member(running: Running) -> None:
    telegram = running.telegram
    telegram.set_member_status(GROUP, GROUP_ADMIN, "administrator")
    telegram.push_message(GROUP, "/stats", user_id=GROUP_MEMBER, chat_type="supergroup")
    await _eventually(lambda: len(telegram.messages_to(GROUP)) == 1, "no reply to a member")
    telegram.push_message(GROUP, "/stats", user_id=GROUP_ADMIN, chat_type="supergroup")
    await _eventually(lambda: len(telegram.messages_to(GROUP)) == 2, "no reply to the admin")

    refused, allowed = (m.plain for m in telegram.messages_to(GROUP))
    assert "Only admins can use /stats" in refused
    assert "Only admins" not in allowed
    assert "getChatMember" in telegram.calls


async def test_a_slack_slash_command_over_socket_mode_is_answered(running: Running) -> None:
    slack = running.slack
    envelope = slack.push_envelope("slash_commands", recorded.slash_command("help"))

    await slack.wait_for_ack(envelope, timeout=20)
    await _eventually(lambda: bool(slack.posts_to("C0NEWS")), "no answer to /digest help")
    assert "subscribe" in slack.posts_to("C0NEWS")[0].text


async def test_the_service_is_ready_once_telegram_is_polled_and_the_slack_socket_is_open(
    running: Running,
) -> None:
    import aiohttp

    port = running.port

    async def ready() -> bool:
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{port}/readyz") as response,
        ):
            return response.status == 200

    async with asyncio.timeout(20):
        while True:
            try:
                if await ready():
                    break
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    assert "getUpdates" in running.telegram.calls


async def test_sigterm_stops_the_listeners_and_the_process_exits_zero(running: Running) -> None:
    telegram = running.telegram
    telegram.push_message(PRIVATE_CHAT, "/help")
    await _eventually(lambda: bool(telegram.messages_to(PRIVATE_CHAT)), "no reply to /help")

    running.process.send_signal(signal.SIGTERM)
    await asyncio.wait_for(running.process.wait(), 10)
    log = running.log.read_text("utf-8")
    assert running.process.returncode == 0, log
    assert "telegram: long polling" in log
    assert "slack: Socket Mode" in log
    assert TELEGRAM_TOKEN.split(":")[1] not in log


async def test_webhook_mode_registers_the_url_and_refuses_a_forged_update(tmp_path: Path) -> None:
    import aiohttp

    secret = "webhook_secret_for_tests"
    async with FakeTelegramServer(TELEGRAM_TOKEN) as telegram:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SLACK_"))}
        env |= {
            "DIGESTBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
            "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
            "TELEGRAM_API_BASE_URL": telegram.base_url,
            "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/hooks/telegram",
            "TELEGRAM_WEBHOOK_SECRET": secret,
            "DIGESTBOT_ACCESS": "open",
        }
        process, port, log = await _start_service(env, tmp_path)
        try:
            await _eventually(lambda: telegram.webhook_url is not None, "webhook not registered")
            assert telegram.webhook_url == "https://bot.example.org/hooks/telegram"
            update = {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "date": 1767225600,
                    "chat": {"id": PRIVATE_CHAT, "type": "private"},
                    "from": {"id": 1001, "is_bot": False, "first_name": "Asha"},
                    "text": "/help",
                },
            }
            url = f"http://127.0.0.1:{port}/hooks/telegram"
            async with aiohttp.ClientSession() as session:
                forged = await session.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
                )
                genuine = await session.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}
                )
            assert (forged.status, genuine.status) == (401, 200)
            await _eventually(lambda: bool(telegram.messages_to(PRIVATE_CHAT)), "no reply")
            assert len(telegram.messages_to(PRIVATE_CHAT)) == 1
            assert "getUpdates" not in telegram.calls
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 10)
            assert process.returncode == 0, log.read_text("utf-8")
