"""Where digests go: channels, their subscriptions, deliveries, conversations and admins."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from bot.domain.languages import LangChoice

Platform = Literal["telegram", "slack", "console", "file", "webhook"]
DeliveryStatus = Literal["pending", "sending", "sent", "failed"]


@dataclass
class Channel:
    """A Telegram chat, a Slack channel, the console, a Markdown file or a webhook URL."""

    platform: Platform
    address: str
    title: str = ""
    language: LangChoice = "both"
    timezone: str = "Asia/Kolkata"
    style_note: str = ""
    active: bool = True
    inactive_reason: str | None = None
    id: int | None = None
    created_at: datetime | None = None
    #: How many stories its digests show at most (`/digest size N`).
    digest_size: int = 8

    @property
    def key(self) -> str:
        """`platform:address`, the form used on the command line and in DIGESTBOT_ADMINS."""
        return f"{self.platform}:{self.address}"


@dataclass
class Subscription:
    """A channel's wish to receive digests: languages, a schedule and a time zone."""

    channel_id: int
    languages: LangChoice = "both"
    schedule: str = "daily 08:00"
    timezone: str = "Asia/Kolkata"
    active: bool = True
    paused_reason: str | None = None
    last_slot_at: datetime | None = None
    id: int | None = None


#: How long a sender owns a delivery it claimed: past this, a `sending` row is presumed left
#: behind by a crashed process and another sender takes it over.
DELIVERY_LEASE = timedelta(minutes=5)


@dataclass
class Delivery:
    """One digest to one channel, moving pending → sending → sent or failed; survives restarts.

    `message_ids` holds every message the platform acknowledged so far and `parts_sent` how
    many parts of the digest they cover, so a retry after a failure on part k resumes at k.
    `claimed_at` starts the sender's lease (see `DELIVERY_LEASE`).
    """

    digest_id: int
    channel_id: int
    status: DeliveryStatus = "pending"
    attempts: int = 0
    last_error: str | None = None
    message_ids: list[str] = field(default_factory=list)
    next_attempt_at: datetime | None = None
    sent_at: datetime | None = None
    parts_sent: int = 0
    claimed_at: datetime | None = None
    id: int | None = None


@dataclass
class ConversationTurn:
    """A question and the bot's answer, linked to the channel and (when a reply) the digest."""

    channel_id: int
    user_id: str
    question: str
    answer: str
    lang: str
    digest_id: int | None = None
    thread_id: str | None = None
    cited_article_ids: list[int] = field(default_factory=list)
    id: int | None = None
    created_at: datetime | None = None


@dataclass
class AuditEntry:
    """Who did what, where and when: written for every admin action."""

    actor: str
    action: str
    channel_id: int | None = None
    detail: str = ""
    id: int | None = None
    created_at: datetime | None = None
