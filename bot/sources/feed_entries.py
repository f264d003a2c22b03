"""What a parsed feed is made of, shared by the XML and the JSON Feed parsers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

#: A body shorter than this (in characters of text) is taken for a teaser.
TEASER_CHARS = 400
_TEASER_ENDINGS = (
    "…",
    "...",
    "[…]",
    "[...]",
    "read more",
    "continue reading",
    "और पढ़ें",
    "आगे पढ़ें",
    "पूरी खबर पढ़ें",
)


@dataclass
class FeedEntry:
    """One item of a feed, its body as plain text; `needs_full_text` marks a teaser."""

    url: str
    title: str
    content: str
    published_at: datetime | None = None
    author: str | None = None
    tags: list[str] = field(default_factory=list)
    image_url: str | None = None
    summary: str | None = None
    needs_full_text: bool = False


@dataclass
class ParsedFeed:
    """A feed's own title and link, and its entries in the order the feed lists them."""

    title: str | None
    link: str | None
    entries: list[FeedEntry]


def is_teaser(text: str) -> bool:
    """True when a body is too short or ends like a teaser ("…", "Read more", "और पढ़ें")."""
    stripped = text.strip().rstrip("»→ ").lower()
    return len(stripped) < TEASER_CHARS or stripped.endswith(_TEASER_ENDINGS)
