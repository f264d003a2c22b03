"""What the web console reads that no aggregate's repository answers: listings and counts.

The console only reads through `ConsoleReadModel` (its writes go through the services), so
its queries are shaped for pages, not for the domain's aggregates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True)
class ChannelLabel:
    """A channel as the console names it: its title, else platform:address."""

    id: int
    platform: str
    name: str


@dataclass(frozen=True)
class DigestListing:
    """One line of the archive: a digest, how many items, where it went."""

    id: int
    title: str
    lang: str
    created_at: datetime
    items: int
    channels: tuple[str, ...] = ()


@dataclass(frozen=True)
class DigestDeliveryView:
    """Where a digest was delivered, and how that went."""

    channel: str
    status: str
    attempts: int
    sent_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class Votes:
    """👍 and 👎 on one digest item, summed over channels."""

    up: int = 0
    down: int = 0


@dataclass(frozen=True)
class Failure:
    """Something that went wrong recently: a delivery given up, or a source failing."""

    kind: str
    what: str
    error: str
    at: datetime | None


@dataclass(frozen=True)
class QueueCounts:
    """The delivery queue by status."""

    pending: int = 0
    sending: int = 0
    failed_today: int = 0


@dataclass
class SourceActivity:
    """Articles a source brought per UTC day, oldest day first."""

    days: list[date] = field(default_factory=list)
    counts: dict[int, list[int]] = field(default_factory=dict)


class ConsoleReadModel(Protocol):
    """The console's read-only queries; every method opens and closes its own transaction."""

    async def channels(self) -> list[ChannelLabel]:
        """Every channel, for the archive's filter and for naming deliveries."""

    async def digests(
        self,
        *,
        channel_id: int | None = None,
        lang: str | None = None,
        story_ids: Sequence[int] | None = None,
        before: int | None = None,
        limit: int = 50,
    ) -> list[DigestListing]:
        """Digests newest first, optionally only those delivered to a channel, in a
        language, telling one of `story_ids` (a search), or older than digest `before`."""

    async def stories_of_articles(self, article_ids: Sequence[int]) -> list[int]:
        """The stories these articles belong to (a search's hits become digest items)."""

    async def deliveries_of(self, digest_id: int) -> list[DigestDeliveryView]:
        """Where one digest was delivered, by channel."""

    async def votes_of(self, digest_id: int) -> dict[int, Votes]:
        """👍/👎 per item position of one digest."""

    async def queue(self, since: datetime) -> QueueCounts:
        """Deliveries waiting or in flight, and those given up since `since`."""

    async def failures(self, since: datetime, *, limit: int = 20) -> list[Failure]:
        """Deliveries given up and sources failing since `since`, newest first."""

    async def source_activity(self, since: date, until: date) -> SourceActivity:
        """Articles per source per UTC day from `since` to `until` (both included)."""
