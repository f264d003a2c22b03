"""Where digests go: channels, their subscriptions, deliveries, conversations and admins."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from bot.domain.languages import LangChoice

Platform = Literal["telegram", "slack", "console", "file", "webhook"]
DeliveryStatus = Literal["pending", "sending", "sent", "failed"]
ChatAccess = Literal["allowed", "pending", "denied"]


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
    #: Show only stories that match one of its topics (`/topics only on`).
    topics_only: bool = False
    #: Whether the chat may use the bot: allowed, pending (an admin's decision) or denied.
    access: ChatAccess = "allowed"
    #: When the chat was told it waits for an admin (the notice goes out once).
    access_noticed_at: datetime | None = None

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
#: behind by a crashed process and another sender takes it over. It is the backstop: the
#: claims of a `Worker` known to be dead return at once (see `Worker`).
DELIVERY_LEASE = timedelta(minutes=5)
#: The first key of the PostgreSQL advisory lock a live worker holds ("dwkr"); the second
#: is its id. Claims read it from `pg_locks`, so it is part of the schema's contract.
WORKER_LOCK_CLASS = 0x64776B72


def new_worker_id() -> int:
    """A random positive 31-bit id: fits an INTEGER column and an advisory lock key."""
    return secrets.randbelow(2**31 - 1) + 1


@dataclass(eq=False)
class Worker:
    """One sending process, as its delivery claims name it (`Delivery.claimed_by`).

    A worker is `alive` once the other senders can tell whether it still runs: on
    PostgreSQL while it holds the advisory lock (`WORKER_LOCK_CLASS`, `id`) on a session of
    its own, which PostgreSQL frees when the process dies, even by `kill -9`; on SQLite,
    where one `digestbot run` serves a file, from its start. Only an alive worker puts its
    id on its claims, so a claim with the id of a worker that is gone is taken over at the
    next pass instead of after `DELIVERY_LEASE`, while a claim without one (a command-line
    run) keeps the lease. A live worker's claims stay its own until the lease runs out.
    """

    id: int = field(default_factory=new_worker_id)
    alive: bool = False


@dataclass
class Delivery:
    """One digest to one channel, moving pending → sending → sent or failed; survives restarts.

    `message_ids` holds every message the platform acknowledged so far and `parts_sent` how
    many parts of the digest they cover, so a retry after a failure on part k resumes at k.
    `claimed_at` starts the sender's lease (see `DELIVERY_LEASE`) and `claimed_by` names the
    `Worker` that holds the claim (None: a claimer that names none, under the lease alone).
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
    claimed_by: int | None = None
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
