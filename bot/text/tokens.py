"""Words of Hindi and English text, and the content words among them."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.text.scripts import DEVANAGARI_CHARS
from bot.text.stopwords import STOPWORDS

#: Letters, digits, underscores and Devanagari vowel signs, as one character class: the
#: regex engine runs a single class in a tight loop, an alternation character by character.
#: Underscores are turned into spaces first, so words are letters and digits only.
_WORD = re.compile(rf"[\w{DEVANAGARI_CHARS}]+")


def words(text: str) -> list[str]:
    """The words of the text, case-folded, in order; dandas and punctuation separate them."""
    return list(_words(text))


@lru_cache(maxsize=8)
def _words(text: str) -> tuple[str, ...]:
    """Remembered for the last few texts: ingest asks for the words of each article twice
    (language detection, then the SimHash), and splitting a long text costs more than the
    lookup, which compares the very same string object."""
    text = text.replace("_", " ")
    folded = text.casefold()
    if len(folded) == len(text):
        # No character folded into several (ß, İ): folding first gives the same words.
        return tuple(_WORD.findall(folded))
    return tuple(w.casefold() for w in _WORD.findall(text))


def content_words(text: str) -> list[str]:
    """The words that carry meaning: no stopwords, no single letters, no bare numbers."""
    return [w for w in words(text) if len(w) > 1 and w not in STOPWORDS and not w.isdigit()]
