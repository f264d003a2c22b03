"""Sources an admin added, and what a fetch of one produced."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

SourceKind = Literal["feed", "page", "sitemap", "file"]
#: The range of `Source.priority`: -4 (a quarter of the weight) to 4 (four times).
PRIORITY_RANGE = range(-4, 5)


def priority_problem(value: str) -> str | None:
    """Why `value` is not a source priority, with an example; None when it is one."""
    text = value.strip()
    number = text[1:] if text[:1] in "+-" else text
    if not number.isdigit() or int(text) not in PRIORITY_RANGE:
        low, high = PRIORITY_RANGE.start, PRIORITY_RANGE.stop - 1
        return (
            f"priority must be a whole number from {low} to {high} (0 is normal, 2 doubles a "
            f"source's weight in ranking, -2 halves it), e.g. 2; got {text or 'nothing'!r}"
        )
    return None


LangHint = Literal["auto", "hi", "en"]


@dataclass
class Source:
    """A feed, page or sitemap polled on its own interval; its health shows admins why it stalls."""

    url: str
    name: str
    kind: SourceKind = "feed"
    lang_hint: LangHint = "auto"
    poll_interval: timedelta = timedelta(minutes=30)
    enabled: bool = True
    id: int | None = None
    added_by: str | None = None
    channel_id: int | None = None
    last_polled_at: datetime | None = None
    last_success_at: datetime | None = None
    next_poll_at: datetime | None = None
    consecutive_failures: int = 0
    last_error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    created_at: datetime | None = None
    #: How much an admin trusts the source for ranking: each two steps double its weight.
    priority: int = 0
    #: Added by the operator (command line, OPML): every channel follows it unless it
    #: unfollows. A source added in a chat is that chat's own (`shared=False`).
    shared: bool = True


@dataclass(frozen=True)
class TextFingerprint:
    """A cleaned text's exact content hash and its 64-bit SimHash (see bot.text.similarity)."""

    content_hash: str
    simhash: int


@dataclass
class FetchedArticle:
    """One article as a source delivered it, cleaned, before it is stored or deduplicated.

    `fingerprint` is filled in where the text was cleaned (a parse worker), so that ingest,
    which stores on one thread, does not hash the text again; ingest computes it otherwise.
    """

    url: str
    title: str
    text: str
    lang: str = "unknown"
    published_at: datetime | None = None
    author: str | None = None
    canonical_url: str | None = None
    image_url: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    fingerprint: TextFingerprint | None = None


@dataclass
class SourceFetch:
    """The outcome of polling one source once: new articles, or `not_modified`, or an error."""

    source_url: str
    articles: list[FetchedArticle] = field(default_factory=list)
    title: str | None = None
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    #: Items left unread because their canonical URL was already stored (see `KnownUrls`).
    known: int = 0


@dataclass(frozen=True)
class FollowedSource:
    """A source as one channel sees it: followed or not, and whether it is the channel's own.

    A channel follows its own sources (added in its chat) and every shared source it did
    not unfollow; it sees the articles of those only.
    """

    source: Source
    own: bool
    followed: bool = True
    #: The channel's own ranking priority for the source; None: the source's.
    priority: int | None = None

    @property
    def weight(self) -> int:
        """The priority the channel's ranking uses."""
        return self.source.priority if self.priority is None else self.priority
