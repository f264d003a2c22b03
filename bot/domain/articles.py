"""Stored articles and their summaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from bot.domain.languages import Lang

SummaryMethod = Literal["llm", "extract"]


@dataclass
class Article:
    """A cleaned article as stored; `duplicate_of` links a near-copy to the original it repeats."""

    source_id: int | None
    url: str
    canonical_url: str
    title: str
    text: str
    lang: str
    content_hash: str
    simhash: int = 0
    published_at: datetime | None = None
    fetched_at: datetime | None = None
    author: str | None = None
    image_url: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    duplicate_of: int | None = None
    #: The story the article reports (see `bot.domain.stories`); near-copies share their original's.
    story_id: int | None = None
    #: The weighted terms that identify its event (`bot.stories.terms`), kept to rebuild the
    #: story index after a restart without reading every text again.
    story_terms: dict[str, float] = field(default_factory=dict)
    id: int | None = None


@dataclass
class Summary:
    """One article summarized in one language.

    `method` says whether an LLM wrote it or sentences were extracted; `untranslated` marks an
    extract that could not be written in the requested language, so the digest can say so
    instead of pretending. Prompt hash and model make re-summarization a deliberate act.
    """

    article_id: int
    lang: Lang
    headline: str
    text: str
    method: SummaryMethod
    content_hash: str
    prompt_name: str = ""
    prompt_hash: str = ""
    model: str = ""
    untranslated: bool = False
    flagged: str | None = None
    id: int | None = None
    created_at: datetime | None = None
