"""Receiving from Slack: signed HTTP requests to the real endpoint, and Socket Mode envelopes."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from aiohttp.test_utils import TestServer
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack_events import EVENTS_PATH, SlackHttpReceiver, SlackSocketMode
from bot.errors import ConfigError
from tests.adapters import slack_recorded as recorded
from tests.adapters.conftest import SLACK_TOKEN
from tests.adapters.receivers import RecordingHandler
from tests.fakes.slack_server import FakeSlackServer

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def signed(body: bytes, *, secret: str = SIGNING_SECRET, age: float = 0) -> dict[str, str]:
    """The headers Slack would send with `body`, signed `age` seconds ago."""
    timestamp = str(int(time.time() - age))
    base = b"v0:" + timestamp.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}"}


class Slack:
    """Posts to the receiver as Slack does: JSON events, form-encoded commands and actions."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def event(self, body: dict[str, Any], **signing: Any) -> httpx.Response:
        raw = json.dumps(body).encode()
        headers = {"Content-Type": "application/json", **signed(raw, **signing)}
        return await self.client.post(EVENTS_PATH, content=raw, headers=headers)

    async def form(self, fields: dict[str, str], **signing: Any) -> httpx.Response:
        raw = urlencode(fields).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", **signed(raw, **signing)}
        return await self.client.post(EVENTS_PATH, content=raw, headers=headers)


@pytest.fixture
def handler() -> RecordingHandler:
    return RecordingHandler()


@pytest.fixture
async def slack(handler: RecordingHandler) -> AsyncIterator[Slack]:
    receiver = SlackHttpReceiver(handler, signing_secret=SIGNING_SECRET)
    server = TestServer(receiver.app(), host="127.0.0.1")
    await server.start_server()
    async with httpx.AsyncClient(base_url=str(server.make_url("/"))) as client:
        yield Slack(client)
    await receiver.dispatch.drain()
    await server.close()


async def test_the_url_verification_challenge_is_answered(slack: Slack) -> None:
    response = await slack.event({"type": "url_verification", "challenge": "3eZbrw1aB"})
    assert response.status_code == 200 and response.json() == {"challenge": "3eZbrw1aB"}


async def test_a_mention_is_handed_over_with_its_event_id(
    slack: Slack, handler: RecordingHandler
) -> None:
    response = await slack.event(recorded.event_callback(recorded.app_mention()))

    assert response.status_code == 200
    [message] = await handler.wait_for(1)
    assert (message.platform, message.chat_id, message.user_id) == ("slack", "C0NEWS", "U0ASHA")
    assert message.event_id == "slack:Ev0001" and message.extra == {"mentioned": "true"}
    assert message.thread_id == "1767225700.000200" and message.reply_to_message_id is None


@pytest.mark.parametrize(
    "signing",
    [
        {"secret": "not-the-signing-secret"},
        {"age": 6 * 60},  # a replay of a request signed six minutes ago
        {"age": -6 * 60},
    ],
)
async def test_a_forged_or_replayed_request_gets_401(
    slack: Slack, handler: RecordingHandler, signing: dict[str, Any]
) -> None:
    response = await slack.event(recorded.event_callback(recorded.app_mention()), **signing)
    assert response.status_code == 401
    await asyncio.sleep(0.05)
    assert handler.messages == []


async def test_a_request_with_a_tampered_body_or_no_signature_gets_401(slack: Slack) -> None:
    raw = json.dumps(recorded.event_callback(recorded.app_mention())).encode()
    headers = signed(raw)
    tampered = raw.replace(b"DeepSeek", b"DeepFake")
    assert (
        await slack.client.post(EVENTS_PATH, content=tampered, headers=headers)
    ).status_code == 401
    assert (await slack.client.post(EVENTS_PATH, content=raw)).status_code == 401
    headers["X-Slack-Request-Timestamp"] = "yesterday"
    assert (await slack.client.post(EVENTS_PATH, content=raw, headers=headers)).status_code == 401


async def test_slow_handling_does_not_delay_the_acknowledgement() -> None:
    slow = RecordingHandler(delay=3.5)
    receiver = SlackHttpReceiver(slow, signing_secret=SIGNING_SECRET)
    server = TestServer(receiver.app(), host="127.0.0.1")
    await server.start_server()
    async with httpx.AsyncClient(base_url=str(server.make_url("/"))) as client:
        started = time.monotonic()
        response = await Slack(client).event(recorded.event_callback(recorded.app_mention()))
        acknowledged = time.monotonic() - started
        await slow.wait_for(1)
    await server.close()
    assert response.status_code == 200 and acknowledged < 1.0


async def test_thread_replies_under_a_digest_and_direct_messages_are_for_the_bot(
    slack: Slack, handler: RecordingHandler
) -> None:
    await slack.event(recorded.event_callback(recorded.thread_reply(), event_id="Ev1"))
    await slack.event(recorded.event_callback(recorded.direct_message(), event_id="Ev2"))

    reply, direct = sorted(await handler.wait_for(2), key=lambda m: m.event_id or "")
    assert reply.reply_to_message_id == recorded.DIGEST_TS == reply.thread_id
    assert not reply.is_private and reply.text == "क्या यह सच है?"
    assert direct.is_private and direct.chat_id == "D0ASHA" and direct.thread_id is None


async def test_other_talk_and_the_bots_own_messages_are_ignored(
    slack: Slack, handler: RecordingHandler
) -> None:
    for n, event in enumerate(
        [
            recorded.thread_reply(parent_user="U0SOMEONE"),
            recorded.bot_message(),
            {**recorded.thread_reply(), "text": f"<@{recorded.BOT_USER}> again"},
        ]
    ):
        response = await slack.event(recorded.event_callback(event, event_id=f"Ev{n}"))
        assert response.status_code == 200
    await asyncio.sleep(0.1)
    assert handler.messages == []


async def test_the_slash_command_becomes_the_sub_command(
    slack: Slack, handler: RecordingHandler
) -> None:
    await slack.form(recorded.slash_command("subscribe hi"))
    await slack.form({**recorded.slash_command(""), "trigger_id": "1337.99.x"})

    texts = sorted(m.text for m in await handler.wait_for(2))
    assert texts == ["/help", "/subscribe hi"]
    assert handler.messages[0].extra["response_url"].startswith("https://hooks.slack.com/")


async def test_a_button_click_is_handed_over_as_its_value(
    slack: Slack, handler: RecordingHandler
) -> None:
    await slack.form({"payload": json.dumps(recorded.block_actions("/sources"))})

    [message] = await handler.wait_for(1)
    assert (message.text, message.reply_to_message_id) == ("/sources", recorded.DIGEST_TS)


def test_http_mode_without_a_signing_secret_is_refused_with_the_variable_named() -> None:
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        SlackHttpReceiver(RecordingHandler(), signing_secret="")


async def test_socket_mode_acknowledges_each_envelope_and_hands_over_its_message() -> None:
    handler = RecordingHandler(delay=0.5)
    async with FakeSlackServer(SLACK_TOKEN, app_token=recorded.APP_TOKEN) as fake:
        web_client = AsyncWebClient(token=SLACK_TOKEN, base_url=fake.base_url)
        socket = SlackSocketMode(handler, app_token=recorded.APP_TOKEN, web_client=web_client)
        stop = asyncio.Event()
        running = asyncio.create_task(socket.run(stop))

        mention = fake.push_envelope("events_api", recorded.event_callback(recorded.app_mention()))
        command = fake.push_envelope("slash_commands", recorded.slash_command("lang en"))
        await fake.wait_for_ack(mention)
        await fake.wait_for_ack(command)
        assert handler.messages == []  # acknowledged before the (slow) handling finished

        messages = await handler.wait_for(2)
        stop.set()
        await asyncio.wait_for(running, 5)
    assert sorted(m.text for m in messages) == [
        "/lang en",
        f"<@{recorded.BOT_USER}> what did DeepSeek release?",
    ]
