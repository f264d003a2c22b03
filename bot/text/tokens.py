"""Words of Hindi and English text, and the content words among them."""

from __future__ import annotations

import re

from bot.text.scripts import WORD_CHAR
from bot.text.stopwords import STOPWORDS

#: Letters, digits and Devanagari vowel signs; dandas and punctuation separate words.
_WORD = re.compile(rf"{WORD_CHAR}+")


def words(text: str) -> list[str]:
    """The words of the text, case-folded, in order."""
    return [w.casefold() for w in _WORD.findall(text)]


def content_words(text: str) -> list[str]:
    """The words that carry meaning: no stopwords, no single letters, no bare numbers."""
    return [w for w in words(text) if len(w) > 1 and w not in STOPWORDS and not w.isdigit()]
