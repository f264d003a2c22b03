"""What people say to the bot, in a platform-neutral form the command core understands."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from bot.domain.channels import Platform


@dataclass(frozen=True)
class IncomingMessage:
    """A message, command or mention addressed to the bot.

    `reply_to_message_id` is set when the user replied to one of the bot's messages (a
    Telegram reply, a Slack thread under a digest), so a question can be matched to the
    digest it is about. `event_id` is the platform's id for deduplicating replays.
    """

    platform: Platform
    chat_id: str
    user_id: str
    text: str
    message_id: str = ""
    thread_id: str | None = None
    reply_to_message_id: str | None = None
    is_private: bool = False
    event_id: str | None = None
    user_name: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Button:
    """A button under a reply; pressing it sends `command` as if the user had typed it."""

    label: str
    command: str


class MessageHandler(Protocol):
    """Receives every incoming message; the command core implements it."""

    async def handle(self, message: IncomingMessage) -> None:
        """Act on one message (reply through the adapters); must not raise for bad input."""
