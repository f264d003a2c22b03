"""A channel's 👍/👎 as a ranking boost: stories like the ones it liked weigh more for it,
stories like the ones it disliked less, never enough to hide big news.

A vote speaks about two things: the sources of the voted item (an item told by one outlet
says a lot about that outlet, one told by five says little about each, so a vote is shared
among its item's sources) and its story's salient terms (the heaviest few of its reports'
story terms, `bot.stories.terms`). A story's net is the mean of its sources' nets plus, for
each vote, the vote times how much the story's salient terms resemble the voted story's
(cosine). Every vote's weight halves every `HALF_LIFE`, so tastes can change.

The net becomes a factor through a saturating curve, `MAX_FACTOR ** tanh(net / SATURATION)`:
always within [1/2, 2]; one vote scales a story by ×0.77 to ×1.3 at most (a vote on the very
story, from its only outlet, counts twice: source and terms), and only many votes the same
way approach the bounds. So one 👎 cannot drop a big story below a small one, while a
channel that keeps voting one outlet down sees it sink.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.stories import StoryCandidate, salient
from bot.domain.votes import VoteSignal

#: A vote's weight halves for every this much of its age.
HALF_LIFE = timedelta(days=14)
#: Votes older than this are not read at all (their weight is below 1/16).
WINDOW = timedelta(days=60)
#: The net at which the factor has gone three quarters of the way to its bound (tanh(1)).
SATURATION = 5.0
#: The factor stays within [1/MAX_FACTOR, MAX_FACTOR].
MAX_FACTOR = 2.0
#: Contributions smaller than this are no reason (for "why").
NEGLIGIBLE = 0.01


@dataclass(frozen=True)
class VoteEffect:
    """What a channel's votes do to one story: the factor, the net it comes from (split into
    its source and term parts), and the votes that caused it with what each contributed,
    biggest first."""

    factor: float = 1.0
    net: float = 0.0
    source_net: float = 0.0
    term_net: float = 0.0
    causes: tuple[tuple[VoteSignal, float], ...] = ()


def factor_of(net: float) -> float:
    """A net of (weighted) votes as a score factor, bounded to [1/MAX_FACTOR, MAX_FACTOR]."""
    return float(MAX_FACTOR ** math.tanh(net / SATURATION))


class VoteBoost:
    """`StoryBoost` from a channel's recent votes, as of `now`."""

    def __init__(self, votes: Iterable[VoteSignal], now: datetime) -> None:
        self._votes: list[tuple[VoteSignal, float, dict[str, float]]] = []
        self._sources: dict[int, float] = defaultdict(float)
        self._terms: dict[str, float] = defaultdict(float)
        for vote in votes:
            weight = vote.value * weight_of(vote, now)
            if weight == 0:
                continue
            unit = salient(vote.terms)
            self._votes.append((vote, weight, unit))
            for source in vote.source_ids:
                self._sources[source] += weight / len(vote.source_ids)
            for term, value in unit.items():
                self._terms[term] += weight * value

    def __bool__(self) -> bool:
        return bool(self._votes)

    def factor(self, candidate: StoryCandidate) -> float:
        """The candidate's score factor from the channel's votes (1 without any)."""
        if not self._votes:
            return 1.0
        sources = {r.source_id for r in candidate.reports if r.source_id is not None}
        unit = candidate.salient_terms
        source_net = _mean(self._sources.get(s, 0.0) for s in sources)
        term_net = sum(value * self._terms.get(term, 0.0) for term, value in unit.items())
        return factor_of(source_net + term_net)

    def effect(self, source_ids: Collection[int], terms: Mapping[str, float]) -> VoteEffect:
        """What the votes do to a story of these sources and (summed) story terms, and which
        votes did it: what `why` tells a channel."""
        unit = salient(terms)
        sources = set(source_ids)
        causes: list[tuple[VoteSignal, float]] = []
        source_net = term_net = 0.0
        for vote, weight, voted in self._votes:
            shared = len(sources & vote.source_ids)
            by_source = weight * shared / len(vote.source_ids) / len(sources) if shared else 0.0
            by_terms = weight * sum(v * voted.get(t, 0.0) for t, v in unit.items())
            source_net += by_source
            term_net += by_terms
            if abs(by_source + by_terms) >= NEGLIGIBLE:
                causes.append((vote, by_source + by_terms))
        causes.sort(key=lambda cause: (-abs(cause[1]), cause[0].item_id))
        net = source_net + term_net
        return VoteEffect(factor_of(net), net, source_net, term_net, tuple(causes))


def weight_of(vote: VoteSignal, now: datetime) -> float:
    """How much a vote still counts: 1 when new, halving every `HALF_LIFE`."""
    age = max(timedelta(0), now - vote.at)
    return float(0.5 ** (age / HALF_LIFE)) if age <= WINDOW else 0.0


def _mean(values: Iterable[float]) -> float:
    found: Sequence[float] = list(values)
    return sum(found) / len(found) if found else 0.0
