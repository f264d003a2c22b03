"""Slack payloads in the shapes Slack sends them (trimmed recordings), for the receivers."""

from __future__ import annotations

from typing import Any

BOT_USER = "U0BOT"
APP_TOKEN = "xapp-1-A0TEST-1234-fakeappleveltoken"
DIGEST_TS = "1767225600.000100"


def event_callback(event: dict[str, Any], *, event_id: str = "Ev0001") -> dict[str, Any]:
    """An Events API body around `event`, authorized for the bot user."""
    return {
        "token": "unused-verification-token",
        "team_id": "T0TEST",
        "api_app_id": "A0TEST",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1767225700,
        "authorizations": [
            {
                "team_id": "T0TEST",
                "user_id": BOT_USER,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }


def app_mention(text: str = f"<@{BOT_USER}> what did DeepSeek release?") -> dict[str, Any]:
    return {
        "type": "app_mention",
        "user": "U0ASHA",
        "text": text,
        "ts": "1767225700.000200",
        "channel": "C0NEWS",
        "event_ts": "1767225700.000200",
    }


def thread_reply(parent_user: str = BOT_USER) -> dict[str, Any]:
    return {
        "type": "message",
        "user": "U0ASHA",
        "text": "क्या यह सच है?",
        "ts": "1767225800.000300",
        "thread_ts": DIGEST_TS,
        "parent_user_id": parent_user,
        "channel": "C0NEWS",
        "channel_type": "channel",
        "event_ts": "1767225800.000300",
    }


def direct_message(text: str = "sources") -> dict[str, Any]:
    return {
        "type": "message",
        "user": "U0ASHA",
        "text": text,
        "ts": "1767225900.000400",
        "channel": "D0ASHA",
        "channel_type": "im",
        "event_ts": "1767225900.000400",
    }


def bot_message() -> dict[str, Any]:
    return {
        "type": "message",
        "subtype": "bot_message",
        "bot_id": "B0BOT",
        "text": "Today's digest",
        "ts": DIGEST_TS,
        "channel": "C0NEWS",
        "channel_type": "channel",
    }


def slash_command(text: str = "subscribe hi") -> dict[str, str]:
    return {
        "token": "unused-verification-token",
        "team_id": "T0TEST",
        "team_domain": "digest-test",
        "channel_id": "C0NEWS",
        "channel_name": "news",
        "user_id": "U0ASHA",
        "user_name": "asha",
        "command": "/digest",
        "text": text,
        "api_app_id": "A0TEST",
        "response_url": "https://hooks.slack.com/commands/T0TEST/1/abc",
        "trigger_id": "1337.42.abcdef",
    }


def block_actions(value: str = "/digest") -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": "U0ASHA", "username": "asha", "team_id": "T0TEST"},
        "api_app_id": "A0TEST",
        "container": {"type": "message", "message_ts": DIGEST_TS, "channel_id": "C0NEWS"},
        "trigger_id": "1337.43.abcdef",
        "channel": {"id": "C0NEWS", "name": "news"},
        "actions": [
            {
                "action_id": "more",
                "block_id": "b1",
                "type": "button",
                "value": value,
                "action_ts": "1767226000.000500",
            }
        ],
    }
