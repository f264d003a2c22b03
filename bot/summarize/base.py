"""The summarizer boundary."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from bot.domain.articles import Article, Summary
from bot.domain.digests import Digest, SourceLink, StoryEntry
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
    """Words the chosen stories of a digest; which stories, in which order, is decided before.

    Ranking and selection (`bot.digest.ranking`) choose the stories; a composer writes each
    one's item in order and may not add, drop or reorder stories, nor link anything but the
    entries' stored reports.
    """

    prompt_hash: str
    model: str

    async def compose(
        self,
        lang: Lang,
        stories: Sequence[StoryEntry],
        *,
        now: datetime,
        style_note: str = "",
        also: Sequence[SourceLink] = (),
    ) -> Digest:
        """One item per story, in the given order, then `also` as the digest's "also" list."""


class AnswerStore(Protocol):
    """Accepted model answers kept by the hash of the exact prompt, shared by every process,
    so asking the same thing again (another worker, a restart) costs no call."""

    async def get(self, key: str) -> dict[str, Any] | None:
        """The answer stored under `key`, or None."""

    async def put(self, key: str, purpose: str, answer: dict[str, Any]) -> None:
        """Keep an accepted answer; an answer already stored under `key` is kept instead."""
