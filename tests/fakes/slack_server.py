"""A fake Slack Web API on 127.0.0.1, for driving the real slack_sdk client.

It validates Block Kit like Slack (at most 50 blocks, section text ≤ 3,000, header ≤ 150,
`msg_blocks_too_long` past ~12,000 characters of block text), rate-limits each channel with
HTTP 429 and `Retry-After`, injects faults per channel, and records every accepted message.

Usage:
    async with FakeSlackServer(TOKEN) as fake:
        client = AsyncWebClient(token=TOKEN, base_url=fake.base_url)
        await client.chat_postMessage(channel="C1", text="hi")
        assert fake.posts_to("C1")[0].text == "hi"
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import math
import re
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.adapters.pacing import Rate

MAX_BLOCKS = 50
SECTION_MAX = 3000
HEADER_MAX = 150
BLOCKS_TEXT_MAX = 12_000

SlackFault = Literal[
    "channel_not_found", "not_in_channel", "is_archived", "invalid_auth", "account_inactive"
]

_LINK = re.compile(r"<([^|>]+)\|([^>]*)>")


def mrkdwn_to_text(text: str) -> str:
    """What a reader sees of mrkdwn source: link titles shown, escapes undone.

    Emphasis markers are left in place: Slack has no escape for them, so they cannot be told
    apart from literal characters here.
    """
    return html.unescape(_LINK.sub(lambda m: m.group(2), text))


def mrkdwn_links(text: str) -> list[tuple[str, str]]:
    """(title, URL) of every `<url|title>` link, escapes undone."""
    return [(html.unescape(m.group(2)), html.unescape(m.group(1))) for m in _LINK.finditer(text)]


def block_texts(block: dict[str, Any]) -> list[str]:
    """The text objects' contents of a block, in order."""
    if block.get("type") == "context":
        return [str(element.get("text", "")) for element in block.get("elements", [])]
    text = block.get("text")
    return [str(text.get("text", ""))] if isinstance(text, dict) else []


@dataclass
class SlackPost:
    """A message the fake accepted."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None
    edited: bool = False

    def links(self) -> list[tuple[str, str]]:
        """(title, URL) of every link in the blocks (or the text when there are none)."""
        sources = [t for block in self.blocks for t in block_texts(block)] or [self.text]
        return [link for text in sources for link in mrkdwn_links(text)]


class _SlackError(Exception):
    def __init__(self, error: str, status: int = 200, headers: dict[str, str] | None = None):
        super().__init__(error)
        self.error = error
        self.status = status
        self.headers = headers or {}


@dataclass
class _Fault:
    error: SlackFault
    times: int | None


@dataclass
class SlackLimits:
    """Posts per channel the fake allows; lower or raise it to test pacing quickly."""

    per_channel: Rate | None = field(default_factory=lambda: Rate(1, 1.0))


class FakeSlackServer:
    """auth.test, chat.postMessage, chat.update, users.info and conversations.info.

    Given an `app_token`, also Socket Mode: apps.connections.open hands out the URL of a
    local websocket that sends what `push_envelope` queues and records the acknowledgements.
    """

    def __init__(
        self, token: str, *, limits: SlackLimits | None = None, app_token: str | None = None
    ) -> None:
        self.token = token
        self.app_token = app_token
        self.socket_acks: list[str] = []
        self._envelopes: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._envelope_ids = itertools.count(1)
        self._acked = asyncio.Condition()
        self.limits = limits or SlackLimits()
        self.posts: list[SlackPost] = []
        #: chat.postEphemeral calls: (channel, user, text), what only that user saw.
        self.ephemerals: list[tuple[str, str, str]] = []
        self.calls: list[str] = []
        self.rate_limited = 0
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self._faults: dict[str, _Fault] = {}
        self._sent: dict[str, deque[float]] = {}
        self._ts = itertools.count(1)
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle)
        app.router.add_get("/socket", self._socket)
        self._server = TestServer(app, host="127.0.0.1")

    @property
    def base_url(self) -> str:
        """What slack_sdk takes as `base_url`."""
        return f"http://127.0.0.1:{self._server.port}/api/"

    async def __aenter__(self) -> FakeSlackServer:
        await self._server.start_server()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._server.close()

    def posts_to(self, channel: str) -> list[SlackPost]:
        """Accepted messages in one channel, in order."""
        return [post for post in self.posts if post.channel == channel]

    def inject_fault(self, channel: str, error: SlackFault, *, times: int | None = None) -> None:
        """Make posts to this channel fail with `error`, always or the next `times` times."""
        self._faults[channel] = _Fault(error, times)

    def add_user(self, user_id: str, name: str, *, is_admin: bool = False) -> None:
        """A user users.info knows about."""
        self.users[user_id] = {
            "id": user_id,
            "name": name,
            "real_name": name,
            "is_admin": is_admin,
            "is_owner": False,
            "is_bot": False,
            "tz": "Asia/Kolkata",
            "profile": {"display_name": name, "real_name": name},
        }

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.calls.append(method)
        params = await _params(request)
        try:
            expected = self.app_token if method == "apps.connections.open" else self.token
            if request.headers.get("Authorization") != f"Bearer {expected}":
                raise _SlackError("invalid_auth")
            handler = getattr(self, "_api_" + method.replace(".", "_"), None)
            if handler is None:
                raise _SlackError("unknown_method", status=404)
            result = handler(params)
        except _SlackError as exc:
            return web.json_response(
                {"ok": False, "error": exc.error}, status=exc.status, headers=exc.headers
            )
        return web.json_response({"ok": True, **result})

    def push_envelope(self, kind: str, payload: dict[str, Any]) -> str:
        """Send a Socket Mode envelope (events_api, slash_commands, interactive); its id."""
        envelope_id = f"env-{next(self._envelope_ids)}"
        self._envelopes.put_nowait(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
            }
        )
        return envelope_id

    async def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> None:
        """Return once the client acknowledged the envelope."""
        async with asyncio.timeout(timeout), self._acked:
            await self._acked.wait_for(lambda: envelope_id in self.socket_acks)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_json({"type": "hello", "num_connections": 1})

        async def forward() -> None:
            while True:
                await socket.send_json(await self._envelopes.get())

        sender = asyncio.create_task(forward())
        try:
            async for frame in socket:
                data = json.loads(frame.data) if isinstance(frame.data, str) else {}
                if "envelope_id" in data:
                    async with self._acked:
                        self.socket_acks.append(str(data["envelope_id"]))
                        self._acked.notify_all()
        finally:
            sender.cancel()
        return socket

    def _api_apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": f"ws://127.0.0.1:{self._server.port}/socket"}

    def _api_auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://digest-test.slack.com/",
            "team": "Digest Test",
            "user": "digestbot",
            "team_id": "T0TEST",
            "user_id": "U0BOT",
            "bot_id": "B0BOT",
        }

    def _api_chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        self._check_fault(channel)
        text, blocks = _validated(params)
        self._check_rate(channel)
        post = SlackPost(channel, self._next_ts(), text, blocks, params.get("thread_ts"))
        self.posts.append(post)
        return {"channel": channel, "ts": post.ts, "message": {"text": text, "ts": post.ts}}

    def _api_chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, user = str(params.get("channel", "")), str(params.get("user", ""))
        self._check_fault(channel)
        if not user:
            raise _SlackError("user_not_found")
        text, _ = _validated(params)
        self.ephemerals.append((channel, user, text))
        return {"message_ts": self._next_ts()}

    def _api_chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        found = [post for post in self.posts_to(channel) if post.ts == ts]
        if not found:
            raise _SlackError("message_not_found")
        found[0].text, found[0].blocks = _validated(params)
        found[0].edited = True
        return {"channel": channel, "ts": ts, "text": found[0].text}

    def _api_users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(params.get("user", "")))
        if user is None:
            raise _SlackError("user_not_found")
        return {"user": user}

    def _api_conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        fault = self._faults.get(channel)
        if fault and fault.error == "channel_not_found":
            self._check_fault(channel)  # counts against the fault's `times`, like a post
        info = {"id": channel, "name": channel.lower(), "is_private": False, "is_member": True}
        info["is_archived"] = bool(fault and fault.error == "is_archived")
        return {"channel": self.channels.get(channel, info)}

    def _check_fault(self, channel: str) -> None:
        fault = self._faults.get(channel)
        if fault is None:
            return
        if fault.times is not None:
            fault.times -= 1
            if fault.times <= 0:
                del self._faults[channel]
        raise _SlackError(fault.error)

    def _check_rate(self, channel: str) -> None:
        rate = self.limits.per_channel
        if rate is None:
            return
        now = time.monotonic()
        window = self._sent.setdefault(channel, deque(maxlen=rate.count))
        if len(window) == rate.count and (wait := window[0] + rate.per_seconds - now) > 0:
            self.rate_limited += 1
            headers = {"Retry-After": str(max(1, math.ceil(wait)))}
            raise _SlackError("ratelimited", status=429, headers=headers)
        window.append(now)

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"


def _validated(params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    text = str(params.get("text") or "")
    blocks = params.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if not text and not blocks:
        raise _SlackError("no_text")
    if len(blocks) > MAX_BLOCKS:
        raise _SlackError("invalid_blocks")
    block_ids = [str(b["block_id"]) for b in blocks if b.get("block_id")]
    if len(set(block_ids)) != len(block_ids):
        raise _SlackError("invalid_blocks")
    total = 0
    for block in blocks:
        texts = block_texts(block)
        kind = block.get("type")
        if kind == "header" and (len(texts[0]) > HEADER_MAX or not texts[0]):
            raise _SlackError("invalid_blocks")
        if kind == "section" and (not texts or not texts[0] or len(texts[0]) > SECTION_MAX):
            raise _SlackError("invalid_blocks")
        if kind == "context" and not 1 <= len(texts) <= 10:
            raise _SlackError("invalid_blocks")
        if kind == "actions":
            _check_actions(block)
        total += sum(len(t) for t in texts)
    if total > BLOCKS_TEXT_MAX:
        raise _SlackError("msg_blocks_too_long")
    return text, list(blocks)


def _check_actions(block: dict[str, Any]) -> None:
    """Slack's limits on an actions block of buttons: 1 to 25 elements, labels of at most 75
    characters, values of at most 2,000, action ids unique within the block."""
    elements = block.get("elements") or []
    if not 1 <= len(elements) <= 25:
        raise _SlackError("invalid_blocks")
    ids = [str(e.get("action_id") or "") for e in elements]
    if len(set(ids)) != len(ids) or any(len(i) > 255 for i in ids):
        raise _SlackError("invalid_blocks")
    for element in elements:
        label = (element.get("text") or {}).get("text") or ""
        if not label or len(label) > 75 or len(str(element.get("value") or "")) > 2000:
            raise _SlackError("invalid_blocks")


async def _params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        body = await request.json()
        params.update(body if isinstance(body, dict) else {})
    elif request.can_read_body:
        form = await request.post()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return params
