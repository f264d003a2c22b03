"""Stories: the reports of one event, kept together from ingest to the digest.

An article joins a story when it is stored (see `bot.services.stories`); a digest ranks and
picks stories, not articles, so one event told by twenty outlets is one item, and what a
channel was already sent is known per story.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from urllib.parse import urlsplit


@dataclass
class Story:
    """One event as reported so far: when reports of it were first and last fetched, by whom,
    in which languages.

    `representative_id` is the report the story was started by; a digest picks the report it
    summarizes per language (see `bot.digest.ranking.representative`).
    """

    first_seen_at: datetime
    last_seen_at: datetime
    title: str = ""
    article_count: int = 0
    representative_id: int | None = None
    languages: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    id: int | None = None


@dataclass(frozen=True)
class StoryReport:
    """One article of a story, as ranking sees it: who told it, when, how long."""

    article_id: int
    source_id: int | None
    outlet: str
    lang: str
    title: str
    url: str
    seen_at: datetime
    length: int = 0
    #: The priority an admin gave the article's source (`source priority ID N`), 0 by default.
    priority: int = 0
    #: The original this report nearly copies (syndication): it counts for the outlets that
    #: carried the story, but is neither summarized nor linked, and brings no update.
    copy_of: int | None = None
    #: The terms that identify its event (`bot.stories.terms`): how central it is to its story.
    terms: Mapping[str, float] = field(default_factory=dict)
    #: Other sources that listed the article after `source_id` brought it (it is stored once).
    listed_by: frozenset[int] = frozenset()

    def seen_by(self, source_ids: Collection[int]) -> bool:
        """Whether a channel following `source_ids` reads this report: one of them brought or
        listed it, or its source is gone."""
        return (
            self.source_id is None
            or self.source_id in source_ids
            or not self.listed_by.isdisjoint(source_ids)
        )

    def priority_for(self, priorities: Mapping[int, int]) -> int:
        """Its priority for a channel with these weights of its own: the highest of the
        channel's weights for the sources that brought or listed it, else the source's."""
        if not priorities:
            return self.priority
        own = [
            priorities[s]
            for s in (self.source_id, *self.listed_by)
            if s is not None and s in priorities
        ]
        return max(own) if own else self.priority


@dataclass(frozen=True)
class StoryCandidate:
    """A story a digest may show, with its reports (near-copies marked `copy_of`)."""

    story: Story
    reports: tuple[StoryReport, ...]

    @property
    def story_id(self) -> int:
        """The stored story's id."""
        assert self.story.id is not None, "candidates come from stored stories"
        return self.story.id

    def only_from(
        self, source_ids: Collection[int], priorities: Mapping[int, int] | None = None
    ) -> StoryCandidate | None:
        """The story as a channel following `source_ids` sees it; None when it sees none of it.

        Reports no followed source brought or listed are left out (a report whose source is
        gone stays). A
        near-copy whose original is left out stands for itself: the channel reads its source.
        `priorities` are the channel's own weights of sources, put on their reports.
        """
        kept = [r for r in self.reports if r.seen_by(source_ids)]
        if not kept:
            return None
        own = priorities or {}
        if len(kept) == len(self.reports) and all(r.priority_for(own) == r.priority for r in kept):
            return self
        ids = {r.article_id for r in kept}
        reports = tuple(
            replace(
                r,
                copy_of=r.copy_of if r.copy_of is None or r.copy_of in ids else None,
                priority=r.priority_for(own),
            )
            for r in kept
        )
        seen = StoryCandidate(self.story, reports)
        # What the story is about does not change with who sees it: its salient terms (of all
        # its reports) are worked out once, not once per channel that sees part of it.
        seen.__dict__["salient_terms"] = self.salient_terms
        return seen

    @cached_property
    def salient_terms(self) -> dict[str, float]:
        """What the story is about, to compare it with another (one a channel voted on): the
        heaviest `SALIENT_TERMS` terms of its original reports, summed, as a unit vector.
        Worked out once per candidate, however many channels rank it."""
        summed: dict[str, float] = {}
        for report in self.reports:
            if report.copy_of is None:
                for term, weight in report.terms.items():
                    summed[term] = summed.get(term, 0.0) + weight
        return salient(summed)


#: How many of a story's heaviest terms say what it is about (`salient`).
SALIENT_TERMS = 8


def salient(terms: Mapping[str, float], *, size: int = SALIENT_TERMS) -> dict[str, float]:
    """The heaviest `size` terms as a unit vector (empty when there are none)."""
    top = heapq.nsmallest(size, terms.items(), key=lambda tw: (-tw[1], tw[0]))
    norm = math.sqrt(sum(w * w for _, w in top if w > 0))
    return {t: w / norm for t, w in top if w > 0} if norm else {}


def outlet_of(url: str) -> str:
    """The outlet behind a URL: its host without `www.` (two feeds of one site are one outlet)."""
    host = (urlsplit(url).hostname or "").casefold()
    return host.removeprefix("www.") or url


def seen_at(published: datetime | None, fetched: datetime) -> datetime:
    """When a report counts as seen: its publication time, unless that is later than when it
    was fetched (a feed's clock or a wrong date), and the fetch time when it has none."""
    return min(published, fetched) if published is not None else fetched
