"""A digest: the structured form every adapter renders from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.articles import SummaryMethod
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


@dataclass
class Digest:
    """Up to eight items in one language, composed once and delivered to many channels."""

    lang: Lang
    title: str
    items: list[DigestItem]
    created_at: datetime
    period_start: datetime | None = None
    period_end: datetime | None = None
    style_note: str = ""
    prompt_hash: str = ""
    model: str = ""
    id: int | None = None

    MAX_ITEMS = 8

    @property
    def is_extract(self) -> bool:
        """True when any item was extracted rather than written by the LLM (labelled in output)."""
        return any(item.method == "extract" for item in self.items)
