"""A consonant skeleton that lets Latin and Devanagari spellings of a name meet.

Scraped Hindi spells the same name several ways (डीपसीक, डीपसेक) and mixes in the Latin
original (DeepSeek). Vowels are where spellings disagree, so they are dropped and similar
consonants are folded together: all three become `dpsk`. Also Hindi loanwords meet their
English source (मॉडल and model are both `mdl`), and inflected forms share a key (करना,
करने). It is a matching key, not a transliteration: it is never shown to anyone.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from bot.text.scripts import is_devanagari

#: Keys shorter than this collide too often (कम, काम, कमी) to be used as keys.
MIN_SKELETON = 3
#: Search across scripts needs a longer key (digits aside): among all the words of an
#: archive, three consonants still join unrelated words (cost and कष्ट are both `kst`,
#: train and तरण both `trn`).
CROSS_SCRIPT_MIN = 4

_DEVANAGARI: dict[str, str] = {
    **dict.fromkeys("कख\u0958\u0959", "k"),
    **dict.fromkeys("गघ\u095a", "g"),
    **dict.fromkeys("चछ", "c"),
    **dict.fromkeys("जझ\u095b", "j"),
    **dict.fromkeys("टठ", "t"),
    **dict.fromkeys("डढ\u095c\u095d", "d"),
    **dict.fromkeys("तथ", "t"),
    **dict.fromkeys("दध", "d"),
    **dict.fromkeys("नणङञऩं", "n"),
    "प": "p",
    **dict.fromkeys("फ\u095e", "f"),
    **dict.fromkeys("बभ", "b"),
    "म": "m",
    **dict.fromkeys("रऱऋृ", "r"),
    **dict.fromkeys("लळ", "l"),
    "व": "v",
    **dict.fromkeys("शषस", "s"),
    "ह": "h",
}
_DEVANAGARI_DIGITS = {chr(0x0966 + d): str(d) for d in range(10)}

#: Latin spellings folded to the same consonant classes, longest first.
_LATIN_DIGRAPHS = (
    ("sch", "s"), ("ph", "f"), ("sh", "s"), ("ch", "c"), ("th", "t"), ("kh", "k"),
    ("gh", "g"), ("bh", "b"), ("dh", "d"), ("jh", "j"), ("ck", "k"), ("qu", "k"),
    ("ce", "se"), ("ci", "si"), ("cy", "sy"),
)  # fmt: skip
_LATIN_LETTERS = str.maketrans({"c": "k", "q": "k", "w": "v", "z": "j", "x": "ks"})
_LATIN_DROPPED = set("aeiouy")


def skeleton(word: str) -> str:
    """The word's consonant skeleton, e.g. DeepSeek, डीपसीक and डीपसेक all give `dpsk`."""
    out: list[str] = []
    if any(is_devanagari(ch) for ch in word):
        for ch in unicodedata.normalize("NFC", word):
            out.append(_DEVANAGARI.get(ch) or _DEVANAGARI_DIGITS.get(ch) or _latin_char(ch))
    else:
        folded = "".join(
            ch for ch in unicodedata.normalize("NFKD", word.casefold()) if ch.isalnum()
        )
        for before, after in _LATIN_DIGRAPHS:
            folded = folded.replace(before, after)
        folded = folded.translate(_LATIN_LETTERS)
        out = [ch for ch in folded if ch not in _LATIN_DROPPED]
    return _collapse("".join(out))


def story_key(word: str) -> str:
    """The skeleton when it is distinctive enough to match on, else the word itself."""
    key = skeleton(word)
    return key if len(key) >= MIN_SKELETON else word


@lru_cache(maxsize=1 << 16)
def cross_script_key(word: str) -> str | None:
    """The key under which `word` is found in the other script, or None when its skeleton is
    too short to tell words apart: DeepSeek and डीपसीक give `dpsk`, Thinking and थिंकिंग
    `tnkng`, K2 and के2 `k2` (letters with digits are distinctive however short); Kimi and
    किमी (`km`) and numbers, which both scripts already write alike, give None.

    Remembered for the most recent words: every stored article and every question is keyed
    word by word, and the words of the news repeat.
    """
    key = skeleton(word)
    if any(ch.isdigit() for ch in key):
        return key if len(key) >= 2 and not key.isdigit() else None
    return key if len(key) >= CROSS_SCRIPT_MIN else None


def _latin_char(ch: str) -> str:
    return ch.casefold() if ch.isascii() and ch.isalnum() and ch not in "aeiouyAEIOUY" else ""


def _collapse(key: str) -> str:
    return "".join(ch for i, ch in enumerate(key) if i == 0 or key[i - 1] != ch)
