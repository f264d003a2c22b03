"""Which script a character belongs to: the small facts every text module relies on."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: Devanagari letters, signs and digits (not the dandas), as a regex character-class body.
DEVANAGARI_CHARS = "\u0900-\u0963\u0966-\u097f\ua8e0-\ua8ff"
#: One letter of any script, Devanagari vowel signs included, as a regex.
LETTER = rf"(?:[^\W\d_]|[{DEVANAGARI_CHARS}])"
#: One letter or digit of any script, as a regex.
WORD_CHAR = rf"(?:[^\W_]|[{DEVANAGARI_CHARS}])"

_DEVANAGARI_RANGES = ((0x0900, 0x097F), (0xA8E0, 0xA8FF))
#: Runs of Devanagari characters (as `is_devanagari` counts them), of Latin letters (as
#: `is_latin_letter` counts them: below U+0250, alphabetic) and of letters of other scripts.
_DEVANAGARI_RUN = re.compile(f"[{DEVANAGARI_CHARS}]+")
_LATIN_RUN = re.compile("[A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+")
_OTHER_LETTER_RUN = re.compile(
    rf"[^\W\d_{DEVANAGARI_CHARS}A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+"
)
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


@dataclass(frozen=True)
class ScriptCounts:
    """How many characters of a text are Devanagari, Latin letters and other letters."""

    devanagari: int
    latin: int
    other: int

    @property
    def letters(self) -> int:
        """All three together."""
        return self.devanagari + self.latin + self.other


#: Bytes that are not an ASCII letter, and bytes that do not start a multi-byte character
#: (for `bytes.translate(None, delete)`, which counts in C what is left).
_NOT_ASCII_LETTER = bytes(b for b in range(256) if not (65 <= b <= 90 or 97 <= b <= 122))
_NOT_UTF8_LEAD = bytes(range(0xC0))
#: UTF-8 prefixes that count characters: the Devanagari block (U+0900-U+097F), its dandas,
#: and the non-letters Hindi news is full of: U+2000-U+203F (dashes, quotes, joiners), the
#: no-break space and the rupee sign.
_DEVANAGARI_BLOCK = (b"\xe0\xa4", b"\xe0\xa5")
_DANDA_BYTES = (b"\xe0\xa5\xa4", b"\xe0\xa5\xa5")
_KNOWN_NON_LETTERS = (b"\xe2\x80", b"\xc2\xa0", b"\xe2\x82\xb9")


def count_scripts(text: str) -> ScriptCounts:
    """Counts per script, done in C: a per-character Python loop costs milliseconds on every
    article ingested.

    Most Hindi and English text holds only ASCII, the Devanagari block and a few known
    non-letters; its UTF-8 bytes are counted with `bytes.count`. Anything else (accented
    Latin, other scripts) is counted by the regex engine.
    """
    data = text.encode("utf-8", "surrogatepass")
    block = sum(map(data.count, _DEVANAGARI_BLOCK))
    known = sum(map(data.count, _KNOWN_NON_LETTERS))
    if len(data.translate(None, _NOT_UTF8_LEAD)) == block + known:
        return ScriptCounts(
            devanagari=block - sum(map(data.count, _DANDA_BYTES)),
            latin=len(data.translate(None, _NOT_ASCII_LETTER)),
            other=0,
        )
    return _count_scripts_by_regex(text)


def _count_scripts_by_regex(text: str) -> ScriptCounts:
    return ScriptCounts(
        devanagari=sum(map(len, _DEVANAGARI_RUN.findall(text))),
        latin=sum(map(len, _LATIN_RUN.findall(text))),
        # `[^\W\d_]` also takes numerals such as ½ or ²: keep only the alphabetic ones.
        other=sum(
            len(run) if run.isalpha() else sum(ch.isalpha() for ch in run)
            for run in _OTHER_LETTER_RUN.findall(text)
        ),
    )
