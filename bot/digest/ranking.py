"""Which stories a channel's digest shows, in which order: the editorial judgement, in code.

A story scores by the outlets that reported it (each weighted by the priority an admin gave
its source), a little by how many reports it has, and decays with the age of its newest
report, so the biggest news of the day leads and yesterday's big story yields to today's.
A story the channel was already sent comes back only when it grew, marked as an update and
scored mostly by its new outlets. A channel's own taste (topics, mutes, votes) plugs in as
`StoryBoost`s that multiply a story's score; a factor of 0 removes the story.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.digests import Digest
from bot.domain.stories import StoryCandidate, StoryReport

#: A story's score halves for every this much age of its newest report.
HALF_LIFE = timedelta(hours=18)
#: In an update, outlets that reported the story before count this much of a new one.
UPDATE_OLD_SHARE = 0.25
#: Reports beyond one per outlet add a little: ln(1 + reports) times this.
REPORTS_WEIGHT = 0.25
#: Headlines listed after the items ("also"), titles and links only.
ALSO_SIZE = 5
#: Links shown under one item at most (the item still covers every report).
MAX_LINKS = 6
#: A report shorter than this (a teaser) is summarized only when a story has nothing longer.
SUBSTANTIAL_MIN_CHARS = 400


class StoryBoost(Protocol):
    """A channel's own reason to weigh a story more or less (its topics, mutes, votes)."""

    def factor(self, candidate: StoryCandidate) -> float:
        """Multiplies the story's score: 1 leaves it, 0 removes it from the digest."""


@dataclass(frozen=True)
class ChannelTaste:
    """What a channel's ranking depends on besides the stories themselves."""

    #: Story id → ids of the reports already sent to the channel.
    sent: Mapping[int, frozenset[int]] = field(default_factory=dict)
    #: Items its digests show at most.
    size: int = Digest.MAX_ITEMS
    #: Headlines in the "also" list after them.
    also: int = ALSO_SIZE
    boosts: Sequence[StoryBoost] = ()


@dataclass(frozen=True)
class Pick:
    """A story chosen for a digest: the reports its item covers and why it ranks where it does."""

    candidate: StoryCandidate
    #: Every report the item covers: the whole story, or for an update only the new ones.
    reports: tuple[StoryReport, ...]
    score: float
    is_update: bool = False

    @property
    def story_id(self) -> int:
        """The chosen story's id."""
        return self.candidate.story_id

    @property
    def outlets(self) -> list[str]:
        """The distinct outlets among the covered reports, heaviest source first."""
        return list(dict.fromkeys(r.outlet for r in _by_weight(self.reports)))


@dataclass(frozen=True)
class Selection:
    """A channel's digest-to-be: the items in order, then the "also" headlines."""

    picks: tuple[Pick, ...] = ()
    also: tuple[Pick, ...] = ()

    @property
    def key(self) -> tuple[object, ...]:
        """Equal for selections that make the same digest, so channels can share one."""
        return (
            tuple(
                (p.story_id, p.is_update, tuple(r.article_id for r in p.reports))
                for p in self.picks
            ),
            tuple(p.story_id for p in self.also),
        )

    def __bool__(self) -> bool:
        return bool(self.picks)


def source_weight(priority: int) -> float:
    """A source's weight from its priority: 1 by default, doubled every two steps up."""
    return float(2 ** (priority / 2))


def story_score(
    reports: Sequence[StoryReport], now: datetime, *, earlier: Sequence[StoryReport] = ()
) -> float:
    """How big the news is: weighted outlets (earlier ones at `UPDATE_OLD_SHARE`), a little
    for the number of reports, halved for every `HALF_LIFE` of age of the newest report."""
    if not reports:
        return 0.0
    weights = _outlet_weights(reports)
    earlier_weights = {o: w for o, w in _outlet_weights(earlier).items() if o not in weights}
    size = sum(weights.values()) + UPDATE_OLD_SHARE * sum(earlier_weights.values())
    size += REPORTS_WEIGHT * math.log1p(len(reports) + len(earlier))
    age = max(timedelta(0), now - max(r.seen_at for r in reports))
    return float(size * 0.5 ** (age / HALF_LIFE))


def select(candidates: Sequence[StoryCandidate], taste: ChannelTaste, now: datetime) -> Selection:
    """The channel's items (at most `taste.size`, biggest first) and its "also" headlines.

    A story sent before is left out unless it has reports the channel has not seen: then it
    is an update covering only those. Near-copies (syndication) count for the outlets that
    carried a story, but a new near-copy alone is no update.
    """
    ranked: list[Pick] = []
    for candidate in candidates:
        sent = taste.sent.get(candidate.story_id, frozenset())
        fresh = tuple(r for r in candidate.reports if r.article_id not in sent)
        if not any(r.copy_of is None for r in fresh):
            continue
        earlier = tuple(r for r in candidate.reports if r.article_id in sent)
        score = story_score(fresh, now, earlier=earlier)
        for boost in taste.boosts:
            score *= boost.factor(candidate)
        if score <= 0:
            continue
        ranked.append(Pick(candidate, fresh, score, is_update=bool(earlier)))
    ranked.sort(key=lambda p: (-p.score, -_newest(p).timestamp(), -p.story_id))
    size = max(1, taste.size)
    return Selection(tuple(ranked[:size]), tuple(ranked[size : size + max(0, taste.also)]))


def representative(
    reports: Sequence[StoryReport], lang: str, *, summarized: Collection[int] = ()
) -> StoryReport:
    """The report a story is summarized from in `lang`: one written in it if any, one already
    `summarized` in it if any (a story keeps its summary as reports arrive, and costs no new
    call), from the heaviest source, with enough text to summarize, the most central to the
    story (closest to what its reports say together), the earliest among equals; never a
    near-copy when an original is there."""
    originals = [r for r in reports if r.copy_of is None] or list(reports)
    centrality = _centrality(originals)
    return min(
        originals,
        key=lambda r: (
            r.lang != lang,
            r.article_id not in summarized,
            -r.priority,
            r.length < SUBSTANTIAL_MIN_CHARS,
            -round(centrality[r.article_id], 3),
            r.seen_at,
            r.article_id,
        ),
    )


def shown_reports(pick: Pick, first: StoryReport) -> list[StoryReport]:
    """The reports linked under an item, at most `MAX_LINKS`: `first` (the representative),
    then one per further outlet by source weight, then other reports of those outlets
    (near-copies are not linked: they say the same)."""
    ordered = _by_weight([r for r in pick.reports if r.copy_of is None])
    outlets = {first.outlet}
    shown = [first]
    for report in ordered:
        if report.outlet not in outlets:
            outlets.add(report.outlet)
            shown.append(report)
    shown += [r for r in ordered if r not in shown]
    return shown[:MAX_LINKS]


def _centrality(reports: Sequence[StoryReport]) -> dict[int, float]:
    """How close each report's terms are to the sum of all the reports' (unit) term vectors."""
    units = []
    total: dict[str, float] = {}
    for report in reports:
        norm = math.sqrt(sum(w * w for w in report.terms.values())) or 1.0
        unit = {term: w / norm for term, w in report.terms.items()}
        units.append(unit)
        for term, value in unit.items():
            total[term] = total.get(term, 0.0) + value
    return {
        report.article_id: sum(v * total[t] for t, v in unit.items())
        for report, unit in zip(reports, units, strict=True)
    }


def _outlet_weights(reports: Sequence[StoryReport]) -> dict[str, float]:
    weights: dict[str, float] = {}
    for report in reports:
        weights[report.outlet] = max(
            weights.get(report.outlet, 0.0), source_weight(report.priority)
        )
    return weights


def _by_weight(reports: Sequence[StoryReport]) -> list[StoryReport]:
    return sorted(reports, key=lambda r: (-r.priority, r.seen_at, r.article_id))


def _newest(pick: Pick) -> datetime:
    return max(r.seen_at for r in pick.reports)
