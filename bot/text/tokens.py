"""Words of Hindi and English text, and the content words among them."""

from __future__ import annotations

import re

from bot.text.scripts import DEVANAGARI_CHARS
from bot.text.stopwords import STOPWORDS

#: Letters, digits, underscores and Devanagari vowel signs, as one character class: the
#: regex engine runs a single class in a tight loop, an alternation character by character.
#: Underscores are turned into spaces first, so words are letters and digits only.
_WORD = re.compile(rf"[\w{DEVANAGARI_CHARS}]+")


def words(text: str) -> list[str]:
    """The words of the text, case-folded, in order; dandas and punctuation separate them."""
    text = text.replace("_", " ")
    folded = text.casefold()
    if len(folded) == len(text):
        # No character folded into several (ß, İ): folding first gives the same words.
        return _WORD.findall(folded)
    return [w.casefold() for w in _WORD.findall(text)]


def content_words(text: str) -> list[str]:
    """The words that carry meaning: no stopwords, no single letters, no bare numbers."""
    return [w for w in words(text) if len(w) > 1 and w not in STOPWORDS and not w.isdigit()]
