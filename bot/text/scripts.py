"""Which script a character belongs to: the small facts every text module relies on."""

from __future__ import annotations

import unicodedata

#: Devanagari letters, signs and digits (not the dandas), as a regex character-class body.
DEVANAGARI_CHARS = "\u0900-\u0963\u0966-\u097f\ua8e0-\ua8ff"
#: One letter of any script, Devanagari vowel signs included, as a regex.
LETTER = rf"(?:[^\W\d_]|[{DEVANAGARI_CHARS}])"
#: One letter or digit of any script, as a regex.
WORD_CHAR = rf"(?:[^\W_]|[{DEVANAGARI_CHARS}])"

_DEVANAGARI_RANGES = ((0x0900, 0x097F), (0xA8E0, 0xA8FF))
_DANDAS = ("\u0964", "\u0965")


def is_devanagari(ch: str) -> bool:
    """True for Devanagari letters, vowel signs and digits; the dandas `।` `॥` are punctuation."""
    code = ord(ch)
    if ch in _DANDAS:
        return False
    return any(lo <= code <= hi for lo, hi in _DEVANAGARI_RANGES)


def is_latin_letter(ch: str) -> bool:
    """True for a letter of the Latin script (ASCII and accented)."""
    return ch.isalpha() and ord(ch) < 0x0250


def is_letter(ch: str) -> bool:
    """A letter or a combining mark (Devanagari vowel signs and the virama are marks)."""
    return unicodedata.category(ch)[0] in ("L", "M")
