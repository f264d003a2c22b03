"""Which story a new article belongs to, decided as it arrives, without chaining.

Grouping by pairwise overlap joins two stories as soon as one article of each shares a few
words: on a busy day everything ends in one group. Here a story is its centroid (the sum
of its articles' unit term vectors) and a new article joins the story whose centroid it is
closest to, by TF-IDF cosine with document frequencies of the window, or starts a new one.
A word or two shared with one member of a big story barely moves that story's centroid, so
it cannot pull an unrelated article in; and the centroid is compared by direction, not
size, so twenty reports pull no harder than two.

Cost per article: the inverted index maps each term to the stories holding it and their
summed weight, so one pass over the article's postings gives every candidate's dot product
(terms held by too many stories are skipped there: they cannot tell stories apart); only the
few best candidates, ranked by that dot over the story's norm, get the exact cosine. Adding
is a handful of dictionary updates, so after a restart the index is rebuilt by adding the
window's articles again in order.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

DEFAULT_WINDOW = timedelta(hours=48)
#: Cosine to a story's centroid needed to join it, the middle of the plateau (0.24 to 0.26)
#: found on the tuning half of the labelled days (bench/stories.py): below it related events
#: of the same people merge, above it reports telling one event in other words split.
#: A stricter threshold for joining a one-article story was tried there and only lost recall.
DEFAULT_THRESHOLD = 0.25
#: A term held by more stories than this is skipped when collecting candidates.
MAX_POSTINGS = 100
#: Candidates that get the exact similarity.
CANDIDATES = 5
#: Idf is smoothed as if this many more articles were known: a young index has no df yet.
PRIOR_DOCS = 20


@dataclass(frozen=True)
class StoryMatch:
    """The story an article joins and how close it was to the story's centroid."""

    story_id: int
    similarity: float


@dataclass
class _Story:
    """One story: when it was last seen, how many members contain each term (their share of
    the document frequencies), the sum of its members' unit vectors (the postings hold the
    same sums term by term) and that sum's squared norm."""

    last_seen: datetime
    members: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    sums: dict[str, float] = field(default_factory=dict)
    raw_norm_sq: float = 0.0


class StoryIndex:
    """Incremental story assignment over a sliding time window, without chaining."""

    def __init__(
        self, *, window: timedelta = DEFAULT_WINDOW, threshold: float = DEFAULT_THRESHOLD
    ) -> None:
        self.window = window
        self.threshold = threshold
        self._stories: dict[int, _Story] = {}
        self._postings: dict[str, dict[int, float]] = {}
        self._df: dict[str, int] = {}
        self._docs = 0

    def __len__(self) -> int:
        return len(self._stories)

    def add(self, story_id: int, terms: Mapping[str, float], at: datetime) -> None:
        """Record an article as a member of `story_id` (an existing story or a new id the
        caller made): updates the story's centroid, its last-seen time, the inverted index and
        document frequencies."""
        story = self._stories.get(story_id)
        if story is None:
            story = self._stories[story_id] = _Story(last_seen=at)
        elif at > story.last_seen:
            story.last_seen = at
        story.members += 1
        self._docs += 1
        positive = {term: weight for term, weight in terms.items() if weight > 0}
        if not positive:
            return
        norm = math.sqrt(sum(w * w for w in positive.values()))
        counts, sums, df, postings = story.counts, story.sums, self._df, self._postings
        cross = 0.0
        for term, weight in positive.items():
            unit = weight / norm
            old = sums.get(term, 0.0)
            cross += old * unit
            sums[term] = old + unit
            postings.setdefault(term, {})[story_id] = old + unit
            counts[term] = counts.get(term, 0) + 1
            df[term] = df.get(term, 0) + 1
        story.raw_norm_sq += 2 * cross + 1.0

    def match(self, terms: Mapping[str, float], at: datetime) -> StoryMatch | None:
        """The story this article belongs to: the best story whose centroid similarity (TF-IDF
        cosine) reaches the threshold and that was last seen within `window` of `at`; None
        means: start a new story."""
        log_docs, log, df = math.log(self._docs + PRIOR_DOCS), math.log, self._df
        idfs = {term: log_docs - log(df.get(term, 0) + 1) for term in terms}
        vector = {term: w * idfs[term] for term, w in terms.items() if w > 0}
        norm = math.sqrt(sum(v * v for v in vector.values()))
        if not norm:
            return None
        dots: dict[int, float] = {}
        for term, value in vector.items():
            holders = self._postings.get(term)
            if holders and len(holders) <= MAX_POSTINGS:
                weight = value * idfs[term]
                for story_id, total in holders.items():
                    dots[story_id] = dots.get(story_id, 0.0) + weight * total
        stories = self._stories
        ranked = heapq.nlargest(
            2 * CANDIDATES, dots, key=lambda sid: dots[sid] / math.sqrt(stories[sid].raw_norm_sq)
        )
        current = [s for s in ranked if abs(at - stories[s].last_seen) <= self.window]
        best: StoryMatch | None = None
        for story_id in current[:CANDIDATES]:
            similarity = self._cosine(vector, norm, stories[story_id], idfs, log_docs)
            if similarity >= self.threshold and (best is None or similarity > best.similarity):
                best = StoryMatch(story_id, round(similarity, 4))
        return best

    def forget_before(self, moment: datetime) -> int:
        """Drop stories last seen before `moment` (and their postings); returns how many."""
        old = [sid for sid, story in self._stories.items() if story.last_seen < moment]
        for story_id in old:
            story = self._stories.pop(story_id)
            self._docs -= story.members
            for term, count in story.counts.items():
                if self._df[term] > count:
                    self._df[term] -= count
                else:
                    del self._df[term]
                holders = self._postings[term]
                del holders[story_id]
                if not holders:
                    del self._postings[term]
        return len(old)

    def _cosine(
        self,
        vector: Mapping[str, float],
        norm: float,
        story: _Story,
        idfs: dict[str, float],
        log_docs: float,
    ) -> float:
        """Exact cosine between the article's TF-IDF vector and the story's TF-IDF centroid;
        `idfs` is the idf of each term seen so far in this match, filled in as it goes."""
        df, log = self._df, math.log
        dot = centroid_sq = 0.0
        for term, total in story.sums.items():
            idf = idfs.get(term)
            if idf is None:
                idf = idfs[term] = log_docs - log(df[term] + 1)
            value = total * idf
            centroid_sq += value * value
            mine = vector.get(term)
            if mine:
                dot += mine * value
        return dot / (norm * math.sqrt(centroid_sq)) if centroid_sq > 0 else 0.0
