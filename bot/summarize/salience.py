"""What an article is about: its central names, its figures and the terms its paragraphs share.

A reader of a news summary wants the facts: who, how much, what was claimed. Those are the
words an article keeps coming back to (a name in paragraph after paragraph), the figures it
reports, and the names it spells with capitals, in Latin letters inside Hindi, or with
digits (K2, A100). A word used in one paragraph only is colour, not a fact. Words are folded
by their consonant skeleton, so DeepSeek, डीपसीक and डीपसेक are one name.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from bot.text.scripts import LETTER, count_scripts
from bot.text.stopwords import NEWS_FILLER
from bot.text.tokens import content_words
from bot.text.translit import MIN_SKELETON, skeleton

#: A figure as written: 4.6, 10,000, 82%, 3-9, 500B (not the digits of a name such as K2
#: or Qwen2.5). A lone digit is more often a count or an ordinal than a reported figure.
_FIGURE = re.compile(rf"(?<![\d.,]|{LETTER})(?:\d+(?:[.,:-]\d+)+|\d\d+|\d(?=\s*%))")
#: A word written with a capital, in Latin letters, or mixing letters and digits.
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[.-][A-Za-z0-9]+)*")
#: What ends the text before a word that starts a sentence.
_BEFORE_SENTENCE = '.!?।:"“‘(\n'

#: What a name adds to its word's weight: a name is a fact even when it is mentioned once.
NAME_WEIGHT = 2.0
#: What a figure adds; a year (2025) adds half, being more often context than the news.
FIGURE_WEIGHT = 2.0
#: What a word of the title adds: the headline states the article's claim.
TITLE_WEIGHT = 2.0
#: Weight per paragraph a shared word appears in, before its specificity is counted.
SHARED_WEIGHT = 0.3
#: A word found in one paragraph only counts as this share of a paragraph: colour, not a fact.
LONE_SHARE = 0.2

_YEAR = re.compile(r"#(?:19|20)\d\d")

Terms = frozenset[str]


def sentence_terms(sentence: str) -> Terms:
    """The sentence's content words folded by spelling, and its figures (as `#4.6`).

    Words of reporting (said, told reporters, this week) are left out: every article has them.
    """
    keys = {term_key(word) for word in content_words(sentence) if word not in NEWS_FILLER}
    keys.update("#" + figure.replace(",", "") for figure in _FIGURE.findall(sentence))
    return frozenset(keys)


@lru_cache(maxsize=8192)
def term_key(word: str) -> str:
    """The word folded by spelling (`story_key`); a short skeleton with a digit is kept, as
    letters and digits together are distinctive however short (K2 and के2 are one name)."""
    key = skeleton(word)
    return key if len(key) >= MIN_SKELETON or any(ch.isdigit() for ch in key) else word


def name_keys(text: str) -> set[str]:
    """Keys of the words `text` spells as names.

    A word mixing letters and digits (K2, o1, A100), a word with a capital inside it (DeepSeek,
    GPU) and a capitalised word that does not start a sentence (Moonshot). Inside Hindi text,
    where sentences do not start with capitals, every capitalised Latin word. Folding by
    skeleton carries a name to its Devanagari spellings (DeepSeek, डीपसीक).
    """
    counts = count_scripts(text)
    in_hindi = counts.devanagari > counts.latin
    names: set[str] = set()
    for match in _LATIN_WORD.finditer(text):
        word = match.group()
        has_digit = any(ch.isdigit() for ch in word)
        inner_capital = any(ch.isupper() for ch in word[1:])
        capital = word[0].isupper() and (in_hindi or not _starts_sentence(text, match.start()))
        if has_digit or inner_capital or capital:
            names.update(term_key(w) for w in content_words(word))
    return names


def _starts_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 8) : start].rstrip(" ")
    return not before or before[-1] in _BEFORE_SENTENCE


def term_weights(
    paragraphs: Sequence[Sequence[Terms]], *, names: set[str], title: Terms
) -> dict[str, float]:
    """How much each term says about the article, from its paragraphs' sentences' terms.

    A word weighs more the more paragraphs use it, times the square of its specificity
    (the inverse frequency over sentences, from 1 for a word of one sentence to nearly 0 for
    a word of all), so that the words every sentence uses (AI, model) fall to almost nothing
    while the ones the article comes back to stand out. Names, figures and the title's words
    add a fixed weight on top: they are the facts a reader needs even when said once. With
    fewer than three paragraphs, sentences stand in for them.
    """
    sentences = [terms for paragraph in paragraphs for terms in paragraph]
    units = [frozenset().union(*paragraph) for paragraph in paragraphs]
    if len(units) < 3:
        units = sentences
    spread = Counter(term for unit in units for term in unit)
    used_in = Counter(term for terms in sentences for term in terms)
    everywhere = math.log(len(sentences) + 1)
    weights: dict[str, float] = {}
    for term, count in spread.items():
        specificity = math.log((len(sentences) + 1) / used_in[term]) / everywhere
        weight = SHARED_WEIGHT * (count if count > 1 else LONE_SHARE) * specificity**2
        if term.startswith("#"):
            weight += FIGURE_WEIGHT / 2 if _YEAR.fullmatch(term) else FIGURE_WEIGHT
        elif term in names:
            weight += NAME_WEIGHT
        if term in title:
            weight += TITLE_WEIGHT
        weights[term] = weight
    return weights
