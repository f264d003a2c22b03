"""A digest: the structured form every adapter renders from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.articles import Article, Summary, SummaryMethod
from bot.domain.languages import Lang


@dataclass(frozen=True)
class SourceLink:
    """A link to a stored article; digest links only ever come from stored source URLs."""

    title: str
    url: str
    article_id: int | None = None


@dataclass
class DigestItem:
    """One story: a headline, one to three sentences and every source that told it.

    `note` carries an honest caveat shown with the item (e.g. that an extract is untranslated).
    """

    headline: str
    body: str
    links: list[SourceLink]
    method: SummaryMethod
    article_ids: list[int] = field(default_factory=list)
    note: str | None = None
    #: The story this item tells; None for items of digests older than stories.
    story_id: int | None = None
    #: True when the story was sent to the channel before and comes back with new reports.
    is_update: bool = False
    #: The stored item's id (`digest_items.id`), which its 👍/👎 buttons name; None until stored.
    id: int | None = None


@dataclass
class Digest:
    """Up to eight items (a channel may choose up to 20) in one language, composed once per
    distinct selection of stories and delivered to every channel that selection serves."""

    lang: Lang
    title: str
    items: list[DigestItem]
    created_at: datetime
    period_start: datetime | None = None
    period_end: datetime | None = None
    style_note: str = ""
    prompt_hash: str = ""
    model: str = ""
    #: Further headlines after the items ("also"): titles and links only, no summary.
    also: list[SourceLink] = field(default_factory=list)
    id: int | None = None
    #: Where the digest can be read in a browser (DIGESTBOT_PUBLIC_URL); never stored.
    web_url: str | None = None

    #: Items a digest shows unless the channel chose another size (`/digest size N`).
    MAX_ITEMS = 8
    #: The largest size a channel may choose.
    LARGEST_SIZE = 20

    @property
    def is_extract(self) -> bool:
        """True when any item was extracted rather than written by the LLM (labelled in output)."""
        return any(item.method == "extract" for item in self.items)


@dataclass(frozen=True)
class StoryEntry:
    """A story chosen for a digest, as a composer receives it.

    `article` is the report the story is summarized from in the digest's language and
    `summary` that summary; `links` are the reports shown under the item, `article_ids` every
    report the item covers (for an update, only the new ones), `outlets` how many outlets
    reported what it covers.
    """

    story_id: int
    article: Article
    summary: Summary
    links: tuple[SourceLink, ...]
    article_ids: tuple[int, ...]
    is_update: bool = False
    outlets: int = 1
