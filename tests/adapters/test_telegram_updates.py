"""Receiving from Telegram: long polling through the fake Bot API, and the webhook endpoint."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiohttp.test_utils import TestServer

from bot.adapters.telegram import TelegramAdapter
from bot.adapters.telegram_updates import SECRET_HEADER, TelegramUpdates
from bot.domain.channels import Channel
from bot.errors import ConfigError
from tests.adapters.receivers import RecordingHandler
from tests.fakes.telegram_server import FakeTelegramServer

SECRET = "webhook-secret_0123456789"


@pytest.fixture
async def polling(
    telegram: TelegramAdapter,
) -> AsyncIterator[tuple[TelegramUpdates, RecordingHandler]]:
    handler = RecordingHandler()
    updates = TelegramUpdates(telegram.bot, handler, poll_timeout=1)
    stop = asyncio.Event()
    task = asyncio.create_task(updates.run_polling(stop))
    yield updates, handler
    stop.set()
    await asyncio.wait_for(task, 5)


async def test_a_private_command_is_received_by_long_polling(
    polling: tuple[TelegramUpdates, RecordingHandler], telegram_fake: FakeTelegramServer
) -> None:
    _, handler = polling
    telegram_fake.push_message(1001, "/subscribe hi", user_id=1001)

    [message] = await handler.wait_for(1)

    assert (message.platform, message.chat_id, message.user_id) == ("telegram", "1001", "1001")
    assert message.text == "/subscribe hi" and message.is_private
    assert message.reply_to_message_id is None
    assert message.thread_id == message.message_id
    assert message.event_id and message.event_id.startswith("telegram:update:")
    assert "getUpdates" in telegram_fake.calls and "deleteWebhook" in telegram_fake.calls


async def test_a_reply_to_a_digest_in_a_group_points_at_the_digest_message(
    polling: tuple[TelegramUpdates, RecordingHandler],
    telegram: TelegramAdapter,
    telegram_fake: FakeTelegramServer,
) -> None:
    _, handler = polling
    [digest_message] = await telegram.send_text(Channel("telegram", "-5001"), "Today's digest")
    telegram_fake.push_message(
        -5001, "क्या यह सच है?", user_id=1002, reply_to=int(digest_message), chat_type="supergroup"
    )

    [message] = await handler.wait_for(1)

    assert message.chat_id == "-5001" and not message.is_private
    assert message.reply_to_message_id == digest_message
    assert message.text == "क्या यह सच है?"


async def test_commands_for_other_bots_and_messages_from_bots_are_not_handed_over(
    polling: tuple[TelegramUpdates, RecordingHandler], telegram_fake: FakeTelegramServer
) -> None:
    _, handler = polling
    telegram_fake.push_message(-5002, "/help@other_bot", chat_type="supergroup")
    telegram_fake.push_update(
        {
            "message": {
                **private_message("hello"),
                "from": {"id": 5, "is_bot": True, "first_name": "B"},
            }
        }
    )
    telegram_fake.push_message(-5002, "/help@digest_bot", chat_type="supergroup")

    [message] = await handler.wait_for(1)
    await asyncio.sleep(0.2)

    assert [m.text for m in handler.messages] == ["/help@digest_bot"]
    assert message.chat_id == "-5002"


async def test_a_mention_of_the_bot_is_marked(
    polling: tuple[TelegramUpdates, RecordingHandler], telegram_fake: FakeTelegramServer
) -> None:
    _, handler = polling
    text = "@digest_bot what happened today?"
    message_json = {
        **private_message(text),
        "chat": {"id": -5003, "type": "group"},
        "entities": [{"type": "mention", "offset": 0, "length": 11}],
    }
    telegram_fake.push_update({"message": message_json})

    [message] = await handler.wait_for(1)

    assert message.extra == {"mentioned": "true"} and not message.is_private


def private_message(text: str, *, message_id: int = 900) -> dict[str, Any]:
    """A message as Telegram sends it in an update (recorded shape)."""
    return {
        "message_id": message_id,
        "date": 1767225600,
        "chat": {"id": 1003, "type": "private", "first_name": "Asha"},
        "from": {"id": 1003, "is_bot": False, "first_name": "Asha", "language_code": "hi"},
        "text": text,
    }


@pytest.fixture
async def webhook(
    telegram: TelegramAdapter,
) -> AsyncIterator[tuple[httpx.AsyncClient, RecordingHandler]]:
    handler = RecordingHandler()
    updates = TelegramUpdates(telegram.bot, handler)
    await updates.identify()
    server = TestServer(updates.webhook_app(secret_token=SECRET), host="127.0.0.1")
    await server.start_server()
    async with httpx.AsyncClient(base_url=str(server.make_url("/"))) as client:
        yield client, handler
    await updates.dispatch.drain()
    await server.close()


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x"])
async def test_the_webhook_refuses_a_request_without_the_secret_token(
    webhook: tuple[httpx.AsyncClient, RecordingHandler], secret: str | None
) -> None:
    client, handler = webhook
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    update = {"update_id": 1, "message": private_message("/help")}

    response = await client.post("/telegram", json=update, headers=headers)

    assert response.status_code == 401
    await asyncio.sleep(0.05)
    assert handler.messages == []


async def test_the_webhook_hands_over_an_update_with_the_right_secret(
    webhook: tuple[httpx.AsyncClient, RecordingHandler],
) -> None:
    client, handler = webhook
    update = {"update_id": 77, "message": private_message("/digest")}

    response = await client.post("/telegram", json=update, headers={SECRET_HEADER: SECRET})

    assert response.status_code == 200
    [message] = await handler.wait_for(1)
    assert (message.text, message.chat_id, message.event_id) == (
        "/digest",
        "1003",
        "telegram:update:77",
    )


async def test_the_webhook_rejects_a_body_that_is_not_an_update(
    webhook: tuple[httpx.AsyncClient, RecordingHandler],
) -> None:
    client, _ = webhook
    response = await client.post("/telegram", content=b"not json", headers={SECRET_HEADER: SECRET})
    assert response.status_code == 400


async def test_setting_the_webhook_registers_the_secret(
    telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    updates = TelegramUpdates(telegram.bot, RecordingHandler())
    await updates.set_webhook("https://bot.example/telegram", secret_token=SECRET)
    assert telegram_fake.webhook_url == "https://bot.example/telegram"
    with pytest.raises(ConfigError, match="webhook secret"):
        updates.webhook_app(secret_token="has spaces")
