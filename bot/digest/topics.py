"""Topics and mutes: which stories a channel wants first, and which never.

A phrase matches an article when its words stand in the title or text as whole words, in
order (निवेश never matches inside निवेशकों's neighbour निवेशक, and "AI" never inside
"said"); an English word also matches its plural. A name typed in one script also finds
the other: a phrase whose words all have a cross-script key (`cross_script_key`: DeepSeek
and डीपसीक are both `dpsk`) matches an article holding each of those keys in words of the
other script. A story matches when one of the reports the channel sees matches.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from bot.domain.stories import StoryCandidate
from bot.domain.topics import ChannelTopic
from bot.text.scripts import is_devanagari
from bot.text.translit import cross_script_key
from bot.text.words import WORD, WORD_CHAR

#: A story of one of the channel's topics scores this many times more: ahead of any story
#: without one, however big, while topics' stories keep their own order.
TOPIC_FIRST = 1e6


def _normal(text: str) -> str:
    return unicodedata.normalize("NFC", text).replace("\u200c", "").replace("\u200d", "")


def _is_hindi(word: str) -> bool:
    return any(is_devanagari(ch) for ch in word)


@dataclass(frozen=True)
class Phrase:
    """A topic or mute compiled for matching."""

    text: str

    @cached_property
    def words(self) -> tuple[str, ...]:
        """The phrase's words, lower-cased."""
        return tuple(w.lower() for w in WORD.findall(_normal(self.text)))

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The words in order as whole words, any non-word characters between them."""
        parts = [re.escape(w) for w in self.words]
        if parts and self.words[-1].isascii() and self.words[-1].isalpha():
            parts[-1] += "(?:s|es)?"
        between = rf"(?:(?!{WORD_CHAR}).)+"
        return re.compile(
            rf"(?<!{WORD_CHAR}){between.join(parts)}(?!{WORD_CHAR})", re.IGNORECASE | re.DOTALL
        )

    @cached_property
    def keys(self) -> tuple[tuple[str, bool], ...] | None:
        """(cross-script key, written in Devanagari) of each word; None when a word has none."""
        keys = [(cross_script_key(w), _is_hindi(w)) for w in self.words]
        if not keys or any(key is None for key, _ in keys):
            return None
        return tuple((key, hindi) for key, hindi in keys if key is not None)


@dataclass
class ArticleWords:
    """One article's title and text, with the cross-script keys of its words by script."""

    text: str

    @cached_property
    def keys(self) -> tuple[frozenset[str], frozenset[str]]:
        """(keys of its Latin words, keys of its Devanagari words)."""
        latin: set[str] = set()
        hindi: set[str] = set()
        for word in set(WORD.findall(self.text.lower())):
            key = cross_script_key(word)
            if key is not None:
                (hindi if _is_hindi(word) else latin).add(key)
        return frozenset(latin), frozenset(hindi)

    def has(self, phrase: Phrase) -> bool:
        """Whether the phrase stands in the article (see the module docstring)."""
        if not phrase.words:
            return False
        if phrase.pattern.search(self.text):
            return True
        if phrase.keys is None:
            return False
        latin, hindi = self.keys
        # Each word is looked for in the other script's words: DeepSeek among डीपसीक's keys.
        return all(key in (latin if word_is_hindi else hindi) for key, word_is_hindi in phrase.keys)


class StoryMatcher:
    """Matches phrases against the reports of one selection, however many channels ask.

    The reports' words are indexed once (word → reports, and cross-script key → reports of
    each script), so a phrase costs a few set intersections, and only the reports holding
    all its words are searched for the words in order. Answers are remembered per phrase.
    """

    def __init__(self, texts: Mapping[int, tuple[str, str]]) -> None:
        self.texts = texts
        self._normalized: dict[int, str] = {}
        self._found: dict[str, frozenset[int]] = {}
        self._words: dict[str, set[int]] | None = None
        self._keys: dict[tuple[str, bool], set[int]] | None = None

    def matching(self, candidate: StoryCandidate, phrases: Sequence[Phrase]) -> list[str]:
        """The phrases (as typed) that one of the candidate's reports matches."""
        return [p.text for p in phrases if self._story_has(candidate, p)]

    def _story_has(self, candidate: StoryCandidate, phrase: Phrase) -> bool:
        found = self.articles_with(phrase)
        return any(r.article_id in found for r in candidate.reports)

    def article_has(self, article_id: int, phrase: Phrase) -> bool:
        """Whether the phrase stands in the article's title or text."""
        return article_id in self.articles_with(phrase)

    def articles_with(self, phrase: Phrase) -> frozenset[int]:
        """The ids of the articles the phrase matches (see the module docstring)."""
        key = phrase.text.lower()
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = self._search(phrase)
        return found

    def _search(self, phrase: Phrase) -> frozenset[int]:
        if not phrase.words:
            return frozenset()
        words, keys = self._index()
        last = phrase.words[-1]
        endings = (last, f"{last}s", f"{last}es") if last.isascii() and last.isalpha() else (last,)
        holding = set().union(*(words.get(w, set()) for w in endings))
        for word in phrase.words[:-1]:
            holding &= words.get(word, set())
        # One word is found by the index alone; several must also stand in order.
        found = (
            holding
            if len(phrase.words) == 1
            else {i for i in holding if phrase.pattern.search(self._text(i))}
        )
        if phrase.keys is not None:
            across: set[int] | None = None
            for key, word_is_hindi in phrase.keys:
                # DeepSeek is looked for among the keys of Devanagari words, and back.
                postings = keys.get((key, not word_is_hindi), set())
                across = set(postings) if across is None else across & postings
            found |= across or set()
        return frozenset(found)

    def _text(self, article_id: int) -> str:
        text = self._normalized.get(article_id)
        if text is None:
            title, body = self.texts.get(article_id, ("", ""))
            text = self._normalized[article_id] = _normal(f"{title}\n{body}")
        return text

    def _index(self) -> tuple[dict[str, set[int]], dict[tuple[str, bool], set[int]]]:
        if self._words is None or self._keys is None:
            words: dict[str, set[int]] = {}
            keys: dict[tuple[str, bool], set[int]] = {}
            for article_id in self.texts:
                for word in set(WORD.findall(self._text(article_id).lower())):
                    words.setdefault(word, set()).add(article_id)
            for word, holders in words.items():
                if (key := cross_script_key(word)) is not None:
                    keys.setdefault((key, _is_hindi(word)), set()).update(holders)
            self._words, self._keys = words, keys
        return self._words, self._keys


@dataclass(frozen=True)
class TopicBoost:
    """A channel's topics and mutes as a `StoryBoost`: muted stories go, topics' stories lead,
    and with `only` nothing else is shown."""

    matcher: StoryMatcher
    topics: tuple[Phrase, ...] = ()
    mutes: tuple[Phrase, ...] = ()
    only: bool = False

    @staticmethod
    def of(matcher: StoryMatcher, topics: Collection[ChannelTopic], only: bool) -> TopicBoost:
        """The boost for a channel's stored topics and mutes."""
        return TopicBoost(
            matcher,
            topics=tuple(Phrase(t.phrase) for t in topics if t.kind == "topic"),
            mutes=tuple(Phrase(t.phrase) for t in topics if t.kind == "mute"),
            only=only,
        )

    @cached_property
    def _muted(self) -> frozenset[int]:
        return frozenset().union(*(self.matcher.articles_with(p) for p in self.mutes))

    @cached_property
    def _wanted(self) -> frozenset[int]:
        return frozenset().union(*(self.matcher.articles_with(p) for p in self.topics))

    def factor(self, candidate: StoryCandidate) -> float:
        """0 for a muted story (or, with `only`, one of no topic), TOPIC_FIRST for a topic's."""
        if self.mutes and any(r.article_id in self._muted for r in candidate.reports):
            return 0.0
        if self.topics and any(r.article_id in self._wanted for r in candidate.reports):
            return TOPIC_FIRST
        return 0.0 if self.only and self.topics else 1.0

    def topics_of(self, candidate: StoryCandidate) -> list[str]:
        """The channel's topics the story matches (to explain why it was shown)."""
        return self.matcher.matching(candidate, self.topics)
