"""Secrets never reach the log, even at DEBUG where every client logs its request URLs."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Iterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.redact import SecretRedactor, install_redaction
from bot.adapters.slack import SlackAdapter
from bot.adapters.slack_events import SlackSocketMode
from bot.adapters.telegram import TelegramAdapter
from bot.adapters.telegram_updates import TelegramUpdates
from bot.domain.channels import Channel
from bot.errors import DeliveryError
from tests.adapters import slack_recorded as recorded
from tests.adapters.conftest import SLACK_TOKEN
from tests.adapters.receivers import RecordingHandler
from tests.adapters.samples import tricky_digest
from tests.conftest import TELEGRAM_TOKEN, fast_pacer
from tests.fakes.slack_server import FakeSlackServer
from tests.fakes.telegram_server import FakeTelegramServer


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """Everything logged anywhere, at DEBUG, through a root handler like the bot's own."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


async def test_tokens_never_appear_in_debug_logs_of_real_sends(debug_log: io.StringIO) -> None:
    install_redaction([TELEGRAM_TOKEN, SLACK_TOKEN])
    async with FakeTelegramServer(TELEGRAM_TOKEN) as telegram_fake:
        telegram = TelegramAdapter(
            TELEGRAM_TOKEN, base_url=telegram_fake.base_url, pacer=fast_pacer()
        )
        await telegram.send_digest(Channel("telegram", "42"), tricky_digest())
        telegram_fake.inject_fault(43, "server_error")
        with pytest.raises(DeliveryError):
            await telegram.send_text(Channel("telegram", "43"), "fails")
        await telegram.aclose()
    async with FakeSlackServer(SLACK_TOKEN) as slack_fake:
        slack = SlackAdapter(SLACK_TOKEN, base_url=slack_fake.base_url, pacer=fast_pacer())
        await slack.send_digest(Channel("slack", "C1"), tricky_digest())

    log = debug_log.getvalue()
    assert "sendMessage" in log and "chat.postMessage" in log  # the URLs were logged
    assert "[redacted]" in log
    assert TELEGRAM_TOKEN not in log
    assert TELEGRAM_TOKEN.split(":")[1] not in log
    assert SLACK_TOKEN not in log


def test_token_shaped_strings_are_redacted_even_when_not_configured(
    debug_log: io.StringIO,
) -> None:
    install_redaction([])
    logger = logging.getLogger("tests.redact")
    logger.info(
        "url %s", "https://api.telegram.org/bot123456:AAEabcdefghijklmnopqrstuvwxyz012345/getMe"
    )
    logger.info("slack xoxb-11-22-abcdef app xapp-1-A0-xyz key sk-abcdefghijklmnopqrstuv")
    log = debug_log.getvalue()
    assert "AAEabcdef" not in log and "xoxb-11" not in log
    assert "xapp-1" not in log and "sk-abcdef" not in log
    assert log.count("[redacted]") == 4


def test_known_secrets_in_tracebacks_are_redacted(debug_log: io.StringIO) -> None:
    install_redaction(["plain-signing-secret"])
    try:
        raise RuntimeError("request to https://x/plain-signing-secret failed")
    except RuntimeError:
        logging.getLogger("tests.redact").exception("sending failed")
    log = debug_log.getvalue()
    assert "plain-signing-secret" not in log
    assert "RuntimeError: request to https://x/[redacted] failed" in log


def test_installing_twice_extends_the_one_filter() -> None:
    handler = logging.NullHandler()
    logging.getLogger().addHandler(handler)
    try:
        first = install_redaction(["one"])
        second = install_redaction(["two"])
        assert sum(isinstance(f, SecretRedactor) for f in handler.filters) == 1
        assert first is second
        assert first.redact("one two three") == "[redacted] [redacted] three"
    finally:
        logging.getLogger().removeHandler(handler)


async def test_tokens_never_appear_in_debug_logs_of_receiving(debug_log: io.StringIO) -> None:
    install_redaction([TELEGRAM_TOKEN, SLACK_TOKEN, recorded.APP_TOKEN])
    handler = RecordingHandler()
    async with FakeTelegramServer(TELEGRAM_TOKEN) as telegram_fake:
        telegram = TelegramAdapter(TELEGRAM_TOKEN, base_url=telegram_fake.base_url)
        updates = TelegramUpdates(telegram.bot, handler, poll_timeout=1)
        stop = asyncio.Event()
        polling = asyncio.create_task(updates.run_polling(stop))
        telegram_fake.push_message(1001, "/help")
        await handler.wait_for(1)
        stop.set()
        await polling
        await telegram.aclose()
    async with FakeSlackServer(SLACK_TOKEN, app_token=recorded.APP_TOKEN) as slack_fake:
        client = AsyncWebClient(token=SLACK_TOKEN, base_url=slack_fake.base_url)
        socket = SlackSocketMode(handler, app_token=recorded.APP_TOKEN, web_client=client)
        stop = asyncio.Event()
        running = asyncio.create_task(socket.run(stop))
        await slack_fake.wait_for_ack(
            slack_fake.push_envelope("events_api", recorded.event_callback(recorded.app_mention()))
        )
        stop.set()
        await running

    log = debug_log.getvalue()
    assert "getUpdates" in log and "apps.connections.open" in log
    for secret in (TELEGRAM_TOKEN, TELEGRAM_TOKEN.split(":")[1], SLACK_TOKEN, recorded.APP_TOKEN):
        assert secret not in log
