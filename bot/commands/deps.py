"""What commands may use: the services' edges, limits and the admin policy."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from bot.adapters.base import ChatAdapter
from bot.domain.access import AccessPolicy
from bot.domain.messages import IncomingMessage
from bot.domain.repositories import UnitOfWorkFactory
from bot.services.publish import DigestMaker
from bot.sources.base import SourceReader
from bot.summarize.answers import Answerer


class PlatformAdmins(Protocol):
    """A platform's own notion of admin: a Telegram group's administrators, Slack's admins."""

    async def is_admin(self, message: IncomingMessage) -> bool:
        """True when the platform says the sender administers this chat or workspace."""


class ExternalChats(Protocol):
    """Whether a chat is shared with people outside the organization (Slack Connect)."""

    async def is_external(self, message: IncomingMessage) -> bool:
        """True when the chat `message` came from is shared with another organization, or
        when that cannot be told (letting a chat in on an error is not safe)."""


@dataclass
class RateLimiter:
    """At most `limit` uses per `per_seconds` per key, in a sliding window (in-process)."""

    limit: int
    per_seconds: float
    _hits: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))

    def allow(self, key: str, now: float | None = None) -> bool:
        """Record a use and say whether it is within the limit."""
        moment = time.monotonic() if now is None else now
        hits = self._hits[key]
        while hits and moment - hits[0] >= self.per_seconds:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(moment)
        return True


@dataclass
class CommandDeps:
    """Built once by the composition root and shared by every command."""

    uow_factory: UnitOfWorkFactory
    reader: SourceReader
    maker: DigestMaker
    adapters: Mapping[str, ChatAdapter]
    admin_keys: frozenset[str] = frozenset()
    default_timezone: str = "Asia/Kolkata"
    platform_admins: Mapping[str, PlatformAdmins] = field(default_factory=dict)
    #: Per platform, who tells a chat shared with another organization (see `AccessPolicy`).
    external_chats: Mapping[str, ExternalChats] = field(default_factory=dict)
    answerer: Answerer | None = None
    user_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(5, 60.0))
    source_add_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(10, 3600.0))
    max_sources_per_chat: int = 50
    max_message_chars: int = 2000
    #: Who may use the bot; the safe default (approval) unless the operator chose otherwise.
    access: AccessPolicy = field(default_factory=AccessPolicy)
