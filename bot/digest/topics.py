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
from dataclasses import dataclass, field
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


@dataclass
class StoryMatcher:
    """Matches phrases against the stories of one selection; each article is read once."""

    texts: Mapping[int, tuple[str, str]]
    _articles: dict[int, ArticleWords] = field(default_factory=dict)
    _found: dict[tuple[int, str], bool] = field(default_factory=dict)

    def matching(self, candidate: StoryCandidate, phrases: Sequence[Phrase]) -> list[str]:
        """The phrases (as typed) that one of the candidate's reports matches."""
        return [p.text for p in phrases if self._story_has(candidate, p)]

    def _story_has(self, candidate: StoryCandidate, phrase: Phrase) -> bool:
        return any(self.article_has(r.article_id, phrase) for r in candidate.reports)

    def article_has(self, article_id: int, phrase: Phrase) -> bool:
        """Whether the phrase stands in the article's title or text (remembered)."""
        key = (article_id, phrase.text.lower())
        found = self._found.get(key)
        if found is None:
            article = self._articles.get(article_id)
            if article is None:
                title, text = self.texts.get(article_id, ("", ""))
                article = self._articles[article_id] = ArticleWords(_normal(f"{title}\n{text}"))
            found = self._found[key] = article.has(phrase)
        return found


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

    def factor(self, candidate: StoryCandidate) -> float:
        """0 for a muted story (or, with `only`, one of no topic), TOPIC_FIRST for a topic's."""
        if self.mutes and self.matcher.matching(candidate, self.mutes):
            return 0.0
        if self.topics and self.matcher.matching(candidate, self.topics):
            return TOPIC_FIRST
        return 0.0 if self.only and self.topics else 1.0

    def topics_of(self, candidate: StoryCandidate) -> list[str]:
        """The channel's topics the story matches (to explain why it was shown)."""
        return self.matcher.matching(candidate, self.topics)
