"""A fake Telegram Bot API server on 127.0.0.1, for driving the real python-telegram-bot.

It parses HTML like Telegram (refusing unknown or unbalanced tags and bare `<`, `>`, `&`),
measures length in UTF-16 units after parsing, enforces flood limits with 429 and
`retry_after`, injects faults per chat, and records every accepted message with its plain
text and entities so a test can read a digest back.

Usage:
    async with FakeTelegramServer(TOKEN) as fake:
        bot = telegram.Bot(TOKEN, base_url=fake.base_url)
        await bot.send_message(chat_id=42, text="<b>hi</b>", parse_mode="HTML")
        assert fake.messages_to("42")[0].plain == "hi"
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.adapters.pacing import Rate
from tests.fakes.telegram_html import Entity, EntityParseError, entity_text, parse_html, utf16_len


@dataclass(frozen=True)
class TelegramLimits:
    """The flood limits the fake enforces; lower them to test pacing in a second or two."""

    overall: Rate | None = field(default_factory=lambda: Rate(30, 1.0))
    per_chat: Rate | None = field(default_factory=lambda: Rate(1, 1.0))
    per_group: Rate | None = field(default_factory=lambda: Rate(20, 60.0))


Fault = Literal["blocked", "kicked", "migrated", "cant_parse", "chat_not_found", "server_error"]

_FAULTS: dict[str, tuple[int, str]] = {
    "blocked": (403, "Forbidden: bot was blocked by the user"),
    "kicked": (403, "Forbidden: bot was kicked from the group chat"),
    "migrated": (400, "Bad Request: group chat was upgraded to a supergroup chat"),
    "cant_parse": (
        400,
        "Bad Request: can't parse entities: Unsupported start tag at byte offset 0",
    ),
    "chat_not_found": (400, "Bad Request: chat not found"),
    "server_error": (500, "Internal Server Error"),
}


@dataclass
class SentMessage:
    """A message the fake accepted, as sent and as Telegram would display it."""

    chat_id: str
    message_id: int
    text: str
    plain: str
    entities: list[Entity]
    parse_mode: str | None
    reply_to: int | None
    link_preview_disabled: bool
    edited: bool = False
    #: The inline keyboard, row by row: (label, callback data) per button.
    buttons: list[list[tuple[str, str]]] = field(default_factory=list)

    def links(self) -> list[tuple[str, str]]:
        """(visible text, URL) of every link, in order."""
        return [
            (entity_text(self.plain, e), e.url or "")
            for e in self.entities
            if e.type == "text_link"
        ]


@dataclass
class _Fault:
    kind: Fault
    times: int | None
    migrate_to: int
    after: int = 0


class _ApiError(Exception):
    def __init__(self, status: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


@dataclass
class _Windows:
    sent: dict[str, deque[float]] = field(default_factory=dict)

    def wait_time(self, key: str, rate: Rate | None, now: float) -> float:
        if rate is None:
            return 0.0
        window = self.sent.setdefault(key, deque(maxlen=rate.count))
        if len(window) < rate.count:
            return 0.0
        return max(0.0, window[0] + rate.per_seconds - now)

    def record(self, key: str, rate: Rate | None, now: float) -> None:
        if rate is not None:
            self.sent.setdefault(key, deque(maxlen=rate.count)).append(now)


class FakeTelegramServer:
    """The Bot API methods the bot uses, served on a random local port."""

    def __init__(
        self, token: str, *, limits: TelegramLimits | None = None, username: str = "digest_bot"
    ) -> None:
        self.token = token
        self.limits = limits or TelegramLimits()
        self.bot_user = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "Digest",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.messages: list[SentMessage] = []
        self.calls: list[str] = []
        self.too_many_requests = 0
        self.webhook_url: str | None = None
        self.last_query_id = ""
        self._faults: dict[str, _Fault] = {}
        self._members: dict[tuple[str, str], str] = {}
        self._presses: set[str] = set()
        self.answered_presses: list[str] = []
        #: Query id → the text a press was answered with ("" for none), as the presser saw it.
        self.press_answers: dict[str, str] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._windows = _Windows()
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/bot{token}/{method}", self._handle)
        self._server = TestServer(app, host="127.0.0.1")

    @property
    def base_url(self) -> str:
        """What python-telegram-bot takes as `base_url` (it appends the token)."""
        return f"http://127.0.0.1:{self._server.port}/bot"

    async def __aenter__(self) -> FakeTelegramServer:
        await self._server.start_server()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._new_update.set()
        await self._server.close()

    def messages_to(self, chat_id: str | int) -> list[SentMessage]:
        """Accepted messages to one chat, in order."""
        return [m for m in self.messages if m.chat_id == str(chat_id)]

    def inject_fault(
        self,
        chat_id: str | int,
        kind: Fault,
        *,
        times: int | None = None,
        migrate_to: int = -1001234567890,
        after: int = 0,
    ) -> None:
        """Make sends to this chat fail, always or `times` times, once `after` sends passed."""
        self._faults[str(chat_id)] = _Fault(kind, times, migrate_to, after)

    def set_member_status(self, chat_id: str | int, user_id: str | int, status: str) -> None:
        """What getChatMember answers: creator, administrator, member, left, kicked."""
        self._members[(str(chat_id), str(user_id))] = status

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue a raw update for getUpdates; returns its update_id."""
        update = {**update, "update_id": next(self._update_ids)}
        self._updates.append(update)
        self._new_update.set()
        return int(update["update_id"])

    def push_message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int = 1001,
        reply_to: int | None = None,
        chat_type: str = "private",
    ) -> int:
        """Queue a text message from a user, optionally a reply to one of the bot's messages."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": chat_type},
            "from": {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"},
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to is not None:
            original = next(m for m in self.messages if m.message_id == reply_to)
            message["reply_to_message"] = self._message_json(original)
        return self.push_update({"message": message})

    def press_button(self, message: SentMessage, data: str, *, user_id: int = 1001) -> int:
        """Queue a user's press of an inline button under one of the bot's messages."""
        assert any(data == d for row in message.buttons for _, d in row), "no such button"
        query_id = self.last_query_id = f"cq-{next(self._message_ids)}"
        self._presses.add(query_id)
        query = {
            "id": query_id,
            "from": {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"},
            "message": self._message_json(message),
            "chat_instance": "1",
            "data": data,
        }
        return self.push_update({"callback_query": query})

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.calls.append(method)
        if request.match_info["token"] != self.token:
            return _error(_ApiError(401, "Unauthorized"))
        params = await _params(request)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return _error(_ApiError(404, "Not Found: method not found"))
        try:
            result = await handler(params)
        except _ApiError as exc:
            return _error(exc)
        return web.json_response({"ok": True, "result": result})

    async def _api_getMe(self, params: dict[str, Any]) -> Any:
        return self.bot_user

    async def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        chat = str(params["chat_id"])
        parse_mode = params.get("parse_mode")
        self._check_fault(chat, parse_mode)
        plain, entities = _parse(str(params.get("text", "")), parse_mode)
        self._check_limits(chat)
        reply = _json(params.get("reply_parameters")) or {}
        preview = _json(params.get("link_preview_options")) or {}
        message = SentMessage(
            chat_id=chat,
            message_id=next(self._message_ids),
            text=str(params["text"]),
            plain=plain,
            entities=entities,
            parse_mode=parse_mode,
            reply_to=reply.get("message_id") or _int(params.get("reply_to_message_id")),
            link_preview_disabled=bool(preview.get("is_disabled")),
            buttons=_keyboard(_json(params.get("reply_markup"))),
        )
        self.messages.append(message)
        return self._message_json(message)

    async def _api_editMessageText(self, params: dict[str, Any]) -> Any:
        chat, message_id = str(params.get("chat_id")), _int(params.get("message_id"))
        found = [m for m in self.messages_to(chat) if m.message_id == message_id]
        if not found:
            raise _ApiError(400, "Bad Request: message to edit not found")
        plain, entities = _parse(str(params.get("text", "")), params.get("parse_mode"))
        message = found[0]
        message.text, message.plain, message.entities = str(params["text"]), plain, entities
        message.parse_mode, message.edited = params.get("parse_mode"), True
        return self._message_json(message)

    async def _api_getChatMember(self, params: dict[str, Any]) -> Any:
        key = (str(params.get("chat_id")), str(params.get("user_id")))
        status = self._members.get(key, "member")
        member: dict[str, Any] = {
            "status": status,
            "user": {"id": int(key[1]), "is_bot": False, "first_name": f"User{key[1]}"},
        }
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update({flag: True for flag in _ADMIN_RIGHTS})
            member["can_be_edited"] = member["is_anonymous"] = False
        elif status == "kicked":
            member["until_date"] = 0
        return member

    async def _api_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = _int(params.get("offset")) or 0
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates and (timeout := float(params.get("timeout") or 0)) > 0:
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), timeout)
        limit = _int(params.get("limit")) or 100
        return self._updates[:limit]

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._presses:
            raise _ApiError(400, "Bad Request: query is too old and response timeout expired")
        text = str(params.get("text") or "")
        if utf16_len(text) > 200:
            raise _ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._presses.discard(query_id)  # a query is answered once
        self.answered_presses.append(query_id)
        self.press_answers[query_id] = text
        return True

    async def _api_setWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook_url = str(params.get("url") or "") or None
        return True

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook_url = None
        return True

    def _check_fault(self, chat: str, parse_mode: str | None) -> None:
        fault = self._faults.get(chat)
        if fault is None or (fault.kind == "cant_parse" and parse_mode is None):
            return
        if fault.after > 0:
            fault.after -= 1
            return
        if fault.times is not None:
            fault.times -= 1
            if fault.times <= 0:
                del self._faults[chat]
        status, description = _FAULTS[fault.kind]
        if fault.kind == "migrated":
            raise _ApiError(status, description, migrate_to_chat_id=fault.migrate_to)
        raise _ApiError(status, description)

    def _check_limits(self, chat: str) -> None:
        now = time.monotonic()
        group = self.limits.per_group if chat.startswith("-") else None
        checks = [("*", self.limits.overall), (chat, self.limits.per_chat), (f"g{chat}", group)]
        wait = max(self._windows.wait_time(key, rate, now) for key, rate in checks)
        if wait > 0:
            self.too_many_requests += 1
            seconds = max(1, math.ceil(wait))
            raise _ApiError(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds)
        for key, rate in checks:
            self._windows.record(key, rate, now)

    def _message_json(self, message: SentMessage) -> dict[str, Any]:
        chat_id = _int(message.chat_id) or -1
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "supergroup" if chat_id < 0 else "private"},
            "from": self.bot_user,
            "text": message.plain,
        }
        if message.entities:
            data["entities"] = [
                {k: v for k, v in vars(e).items() if v is not None} for e in message.entities
            ]
        return data


def _keyboard(markup: Any) -> list[list[tuple[str, str]]]:
    """An inline keyboard as (label, callback data) rows; Telegram caps data at 64 bytes and
    a keyboard at 100 buttons."""
    if not isinstance(markup, dict):
        return []
    if sum(len(row) for row in markup.get("inline_keyboard") or []) > 100:
        raise _ApiError(400, "Bad Request: reply markup is too long")
    rows = []
    for row in markup.get("inline_keyboard") or []:
        buttons = [(str(b["text"]), str(b.get("callback_data") or "")) for b in row]
        if any(len(data.encode()) > 64 for _, data in buttons):
            raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        rows.append(buttons)
    return rows


_ADMIN_RIGHTS = [
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
]


def _parse(text: str, parse_mode: str | None) -> tuple[str, list[Entity]]:
    if parse_mode and parse_mode.upper() == "HTML":
        try:
            plain, entities = parse_html(text)
        except EntityParseError as exc:
            raise _ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
    else:
        plain, entities = text, []
    if not plain.strip():
        raise _ApiError(400, "Bad Request: message text is empty")
    if utf16_len(plain) > 4096:
        raise _ApiError(400, "Bad Request: message is too long")
    return plain, entities


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        data = await request.json()
        return dict(data) if isinstance(data, dict) else {}
    form = await request.post()
    return {key: value for key, value in form.items() if isinstance(value, str)} | dict(
        request.query
    )


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _error(exc: _ApiError) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": exc.status, "description": exc.description}
    if exc.parameters:
        body["parameters"] = exc.parameters
    return web.json_response(body, status=exc.status)
