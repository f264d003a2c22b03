"""Language detection for Hindi and English by script, with a function-word check.

No model and no network: the share of Devanagari letters decides the script, and a handful
of the commonest Hindi or English words confirms the language, so Marathi or French text is
not silently called Hindi or English. Latin proper nouns inside Hindi (DeepSeek, GPT) barely
move the share, so such articles stay `hi`.
"""

from __future__ import annotations

from typing import Literal

from bot.text.scripts import count_scripts
from bot.text.stopwords import word_set
from bot.text.tokens import words

DetectedLang = Literal["hi", "en", "mixed", "unknown"]

#: Below this many letters there is too little text to say anything.
MIN_LETTERS = 12
#: A script holding at least this share of the letters makes the text that language.
DOMINANT_SHARE = 0.75
#: Each script holding at least this share makes the text mixed.
MIXED_SHARE = 0.25
#: With at least this many words, the language's function words must appear.
CONFIRM_AFTER_WORDS = 12

_HINDI_FUNCTION_WORDS = word_set("है हैं था थे थी की के का को में से पर और ने यह वह भी नहीं तो ही एक लिए कि")
_ENGLISH_FUNCTION_WORDS = word_set(
    "the and of to in is are was were for on with that this it as by from be has have"
)


def detect_language(text: str, *, title: str = "") -> DetectedLang:
    """`hi`, `en`, `mixed` when both scripts carry substantial text, else `unknown`.

    A `title` counts as a line before the text (kept apart so that the text's own words,
    which the SimHash needs next, are split only once).
    """
    counts, tail = count_scripts(text), count_scripts(title)
    devanagari = counts.devanagari + tail.devanagari
    latin = counts.latin + tail.latin
    letters = counts.letters + tail.letters
    if letters < MIN_LETTERS:
        return "unknown"
    if devanagari / letters >= DOMINANT_SHARE:
        return "hi" if _confirmed(title, text, _HINDI_FUNCTION_WORDS) else "unknown"
    if latin / letters >= DOMINANT_SHARE:
        return "en" if _confirmed(title, text, _ENGLISH_FUNCTION_WORDS) else "unknown"
    if devanagari / letters >= MIXED_SHARE and latin / letters >= MIXED_SHARE:
        return "mixed"
    return "unknown"


def _confirmed(title: str, text: str, function_words: frozenset[str]) -> bool:
    tokens = words(title) + words(text) if title else words(text)
    if len(tokens) < CONFIRM_AFTER_WORDS:
        return True
    hits = sum(map(function_words.__contains__, tokens))
    return hits >= max(1, len(tokens) // 50)
