"""Grouping articles that tell the same story, without a model.

Each article is reduced to its salient terms: the content words it repeats most (title
counted thrice), each folded to a consonant skeleton so that DeepSeek, डीपसीक and डीपसेक
are one term, and a Hindi report meets an English one on the names they share. A term's
weight is its share of the article's salient mentions, so the name a story is about
weighs more than a word it happens to use. Two articles whose weighted terms overlap
enough are the same story; groups are the connected components of that relation.

On the reference corpus (five Hindi articles on DeepSeek) related pairs overlap by 0.17 to
0.36 and unrelated articles (monsoon, cricket) by at most 0.03, hence the 0.12 threshold.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.domain.articles import Article, Summary
from bot.text.stopwords import NEWS_FILLER
from bot.text.tokens import content_words
from bot.text.translit import MIN_SKELETON, skeleton

Entry = tuple[Article, Summary]

#: How many of an article's terms count as salient.
SALIENT_TERMS = 20
#: The title's words are counted this many times: a headline names the story.
TITLE_WEIGHT = 3
#: Only the start of long articles is read: the story is named early.
MAX_CHARS = 6000
#: Two articles are one story when their weighted salient terms overlap this much.
MIN_OVERLAP = 0.12

_EPOCH = datetime.min.replace(tzinfo=UTC)


def group_related(entries: Sequence[Entry]) -> list[list[Entry]]:
    """Entries grouped by story, biggest group first, then the group with the newest article.

    Within a group the newest article comes first. Every entry is in exactly one group.
    """
    terms = [salient_terms(article) for article, _ in entries]
    parent = list(range(len(entries)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(entries)):
        for j in range(i + 1, len(entries)):
            if same_story(terms[i], terms[j]):
                parent[root(i)] = root(j)
    groups: dict[int, list[Entry]] = {}
    for i, entry in enumerate(entries):
        groups.setdefault(root(i), []).append(entry)
    ordered = [sorted(group, key=lambda e: _when(e[0]), reverse=True) for group in groups.values()]
    ordered.sort(key=lambda group: (len(group), _when(group[0][0])), reverse=True)
    return ordered


def salient_terms(article: Article) -> dict[str, float]:
    """The article's most repeated content-word skeletons (title weighted), with their shares."""
    counts: Counter[str] = Counter()
    for text, weight in ((article.title, TITLE_WEIGHT), (article.text[:MAX_CHARS], 1)):
        for word in content_words(text):
            if word in NEWS_FILLER:
                continue
            key = skeleton(word)
            if len(key) >= MIN_SKELETON and not key.isdigit():
                counts[key] += weight
    top = counts.most_common(SALIENT_TERMS)
    total = sum(count for _, count in top)
    return {term: count / total for term, count in top}


def overlap(a: dict[str, float], b: dict[str, float]) -> float:
    """How much weight two articles' salient terms share: 0 (nothing) to 1 (the same)."""
    return sum(min(weight, b[term]) for term, weight in a.items() if term in b)


def same_story(a: dict[str, float], b: dict[str, float]) -> bool:
    """True when two articles' salient terms overlap enough to be one story."""
    return overlap(a, b) >= MIN_OVERLAP


def _when(article: Article) -> datetime:
    moment = article.published_at or article.fetched_at
    if moment is None:
        return _EPOCH
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
