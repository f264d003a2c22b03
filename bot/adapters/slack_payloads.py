"""Slack's payloads (Events API, slash commands, interactivity) as `IncomingMessage`s.

The same three payload kinds arrive over Socket Mode and over HTTP, so both receivers map
them here. The bot acts only when addressed: a mention, a direct message, a reply in a thread
under one of its own messages (a digest), `/digest <sub>` or a button it posted. Everything
else, including its own messages and edits, maps to nothing.
"""

from __future__ import annotations

import re
from typing import Any

from bot.domain.messages import IncomingMessage

#: `/digest subscribe hi` reaches the command core as `/subscribe hi`.
SLASH_COMMAND = "/digest"
_USER_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")


def incoming_from_event(
    body: dict[str, Any], *, bot_user_id: str | None = None
) -> IncomingMessage | None:
    """The message in an Events API `event_callback` body, or None when it is not for the bot.

    `bot_user_id` defaults to the one Slack names in the body's `authorizations`.
    """
    event = body.get("event")
    if not isinstance(event, dict):
        return None
    bot_user_id = bot_user_id or _authorized_user(body)
    user, text = event.get("user"), str(event.get("text") or "")
    if not user or user == bot_user_id or event.get("bot_id") or event.get("subtype"):
        return None
    ts, thread_ts = str(event.get("ts") or ""), event.get("thread_ts")
    in_thread = bool(thread_ts) and thread_ts != ts
    mentioned = bot_user_id is not None and bot_user_id in _USER_MENTION.findall(text)
    is_private = event.get("channel_type") == "im"
    if event.get("type") == "message" and not is_private:
        # A mention arrives again as `app_mention`; other channel talk is not for the bot.
        if mentioned or not (in_thread and event.get("parent_user_id") == bot_user_id):
            return None
    elif event.get("type") not in ("message", "app_mention"):
        return None
    return IncomingMessage(
        platform="slack",
        chat_id=str(event.get("channel") or ""),
        user_id=str(user),
        text=text,
        message_id=ts,
        thread_id=str(thread_ts) if thread_ts else (None if is_private else ts),
        reply_to_message_id=str(thread_ts) if in_thread else None,
        is_private=is_private,
        event_id=f"slack:{body['event_id']}" if body.get("event_id") else None,
        extra={"mentioned": "true"} if mentioned else {},
    )


def incoming_from_slash_command(fields: dict[str, str]) -> IncomingMessage | None:
    """`/digest <sub> <args>` as the command `/<sub> <args>`; a bare `/digest` asks for help."""
    if fields.get("command") != SLASH_COMMAND or not fields.get("user_id"):
        return None
    words = fields.get("text", "").strip()
    channel = fields.get("channel_id", "")
    extra = {"response_url": fields["response_url"]} if fields.get("response_url") else {}
    return IncomingMessage(
        platform="slack",
        chat_id=channel,
        user_id=fields["user_id"],
        text=f"/{words}" if words else "/help",
        is_private=fields.get("channel_name") == "directmessage" or channel.startswith("D"),
        event_id=f"slack:command:{fields['trigger_id']}" if fields.get("trigger_id") else None,
        user_name=fields.get("user_name", ""),
        extra=extra,
    )


def incoming_from_interaction(payload: dict[str, Any]) -> list[IncomingMessage]:
    """Each clicked button of a `block_actions` payload, its `value` taken as the command."""
    if payload.get("type") != "block_actions":
        return []
    user = payload.get("user") or {}
    channel = str((payload.get("channel") or {}).get("id") or "")
    container = payload.get("container") or {}
    message_ts = container.get("message_ts")
    thread_ts = container.get("thread_ts") or message_ts
    return [
        IncomingMessage(
            platform="slack",
            chat_id=channel,
            user_id=str(user.get("id") or ""),
            text=str(action["value"]),
            thread_id=str(thread_ts) if thread_ts else None,
            reply_to_message_id=str(message_ts) if message_ts else None,
            is_private=channel.startswith("D"),
            event_id=f"slack:action:{action.get('action_ts') or payload.get('trigger_id')}",
            user_name=str(user.get("username") or ""),
        )
        for action in payload.get("actions") or []
        if action.get("value") and user.get("id") and channel
    ]


def incoming_from_socket_request(
    kind: str, payload: dict[str, Any], *, bot_user_id: str | None = None
) -> list[IncomingMessage]:
    """What one Socket Mode envelope (`events_api`, `slash_commands`, `interactive`) holds."""
    if kind == "events_api":
        message = incoming_from_event(payload, bot_user_id=bot_user_id)
        return [message] if message else []
    if kind == "slash_commands":
        command = incoming_from_slash_command({k: str(v) for k, v in payload.items()})
        return [command] if command else []
    if kind == "interactive":
        return incoming_from_interaction(payload)
    return []


def _authorized_user(body: dict[str, Any]) -> str | None:
    for authorization in body.get("authorizations") or []:
        if authorization.get("is_bot") and authorization.get("user_id"):
            return str(authorization["user_id"])
    return None
