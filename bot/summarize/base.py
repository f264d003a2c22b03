"""The summarizer boundary."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.domain.articles import Article, Summary
from bot.domain.digests import Digest
from bot.domain.languages import Lang


class Summarizer(Protocol):
    """Summarizes one article in one language.

    `prompt_name`, `prompt_hash` and `model` identify what produced a summary: together with
    the article's content hash they are the cache key, so nothing is summarized twice. A
    summary is shared by every channel that wants the article in that language, so it takes
    no channel style note: the note shapes the digest at composition, never the summary.
    """

    prompt_name: str
    prompt_hash: str
    model: str

    async def summarize(self, article: Article, lang: Lang, *, style_note: str = "") -> Summary:
        """A headline and one to three sentences of the article, in `lang`.

        `style_note` is accepted for older callers and ignored by every summarizer.

        Raises SummarizerError when it cannot; the caller then falls back to the extract.
        """


class DigestComposer(Protocol):
    """Turns summarized articles into a digest: groups one story told by several sources."""

    prompt_hash: str
    model: str

    async def compose(
        self,
        lang: Lang,
        entries: Sequence[tuple[Article, Summary]],
        *,
        now: datetime,
        style_note: str = "",
    ) -> Digest:
        """At most `Digest.MAX_ITEMS` items, related articles grouped, links from `entries` only."""
