"""A cheap guard against invented facts: figures, dates and names must come from the source.

A summary is unfaithful when it states a number, a money amount, a month or weekday, or a
Latin-script name that its article does not contain. Numbers are compared by value, so
`४.३ ट्रिलियन`, `4.3 trillion` and `4.3 लाख करोड़` agree, `1,332` equals `1332`, and a
rounded figure (`5.6 million` for `$5.576 million`) passes while a changed scale does not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_NUKTA = "\u093c"


def _fold(word: str) -> str:
    return unicodedata.normalize("NFC", word).replace(_NUKTA, "").casefold()


def _table(entries: dict[str, float]) -> dict[str, float]:
    return {_fold(key): value for key, value in entries.items()}


SCALES = _table(
    {
        "hundred": 1e2, "thousand": 1e3, "lakh": 1e5, "lakhs": 1e5, "lac": 1e5,
        "million": 1e6, "mn": 1e6, "crore": 1e7, "crores": 1e7, "billion": 1e9, "bn": 1e9,
        "trillion": 1e12, "tn": 1e12,
        "सौ": 1e2, "हज़ार": 1e3, "हजार": 1e3, "लाख": 1e5, "मिलियन": 1e6, "करोड़": 1e7,
        "अरब": 1e9, "बिलियन": 1e9, "खरब": 1e11, "ट्रिलियन": 1e12,
    }
)  # fmt: skip
NUMBER_WORDS = _table(
    {
        "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
        "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
        "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90, "dozen": 12,
        "दो": 2, "तीन": 3, "चार": 4, "पांच": 5, "पाँच": 5, "छह": 6, "छः": 6, "सात": 7,
        "आठ": 8, "नौ": 9, "दस": 10, "बारह": 12, "पंद्रह": 15, "बीस": 20, "तीस": 30,
        "चालीस": 40, "पचास": 50, "डेढ़": 1.5, "ढाई": 2.5,
    }
)  # fmt: skip
#: Words that mean 1 only in front of a scale ("one billion", "एक अरब"); alone they are "a".
_ONE_WORDS = frozenset({"one", "a", "an", "एक"})
MONTHS = _table(
    {
        "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
        "july": 7, "august": 8, "september": 9, "october": 10, "november": 11,
        "december": 12, "jan": 1, "feb": 2, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
        "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
        "जनवरी": 1, "फ़रवरी": 2, "मार्च": 3, "अप्रैल": 4, "मई": 5, "जून": 6, "जुलाई": 7,
        "अगस्त": 8, "सितंबर": 9, "सितम्बर": 9, "अक्टूबर": 10, "अक्तूबर": 10,
        "नवंबर": 11, "नवम्बर": 11, "दिसंबर": 12, "दिसम्बर": 12,
    }
)  # fmt: skip
WEEKDAYS = _table(
    {
        "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5,
        "saturday": 6, "sunday": 7,
        "सोमवार": 1, "मंगलवार": 2, "बुधवार": 3, "गुरुवार": 4, "बृहस्पतिवार": 4,
        "शुक्रवार": 5, "शनिवार": 6, "रविवार": 7,
    }
)  # fmt: skip

#: Capitalized words checked elsewhere (as figures or dates), not as names.
_NOT_NAMES = (MONTHS, WEEKDAYS, NUMBER_WORDS, SCALES, _ONE_WORDS)

_TOKEN = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{2,3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"|(?P<word>[A-Za-z]+|[\u0900-\u0963\u0970-\u097f]+)"
)
_IDENTIFIER = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]+-?\d[A-Za-z0-9.]*(?:-[A-Za-z0-9]+)*")
_NAME = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Za-z0-9]*(?:[-'’.][A-Za-z0-9]+)*")
_SENTENCE_START = re.compile(r"(?:^|[.!?।॥:\"“]\s*)$")


@dataclass(frozen=True)
class Quantity:
    """A figure as written (`text`) and its value; `mantissa` is the figure before any scale."""

    text: str
    value: float
    mantissa: float
    decimals: int
    scaled: bool

    def matches(self, other: float, *, against_mantissa: bool = False) -> bool:
        """True when `other` rounds to this figure at the precision it was written with."""
        unit = self.value / self.mantissa if self.mantissa else 1.0
        tolerance = 0.5 * 10.0**-self.decimals * unit + 1e-9 * abs(self.value)
        if against_mantissa:
            tolerance = 0.5 * 10.0**-self.decimals
            return abs(other - self.mantissa) <= tolerance
        return abs(other - self.value) <= tolerance


@dataclass(frozen=True)
class _SourceFacts:
    """What a source offers as evidence; computed once per source text (see `_facts_of`)."""

    quantities: tuple[Quantity, ...]
    calendar: dict[str, frozenset[float]]
    name_haystack: str
    latin: bool


@lru_cache(maxsize=64)
def _facts_of(source_text: str) -> _SourceFacts:
    """An article is checked against several summaries (each language, each retry, the
    digest), so its figures and names are extracted once, not per check."""
    source = _prepare(source_text)
    return _SourceFacts(
        quantities=tuple(quantities(source)),
        calendar={
            kind: frozenset(number for _, number in _calendar_words(source, table))
            for kind, table in (("month", MONTHS), ("weekday", WEEKDAYS))
        },
        name_haystack=" " + _name_key(source) + " ",
        latin=_latin_share(source) >= 0.5,
    )


def check_faithful(summary_text: str, source_text: str) -> list[str]:
    """Every figure, date and detectable name of the summary that the source lacks, as messages.

    An empty list means nothing was found wrong, not that the summary is proven right.
    """
    summary = _prepare(summary_text)
    facts = _facts_of(source_text)
    violations: list[str] = []
    source_quantities = facts.quantities
    for quantity in quantities(summary):
        found = any(quantity.matches(s.value) for s in source_quantities) or (
            not quantity.scaled
            and any(quantity.matches(s.mantissa, against_mantissa=True) for s in source_quantities)
        )
        if not found:
            violations.append(f"the figure {quantity.text!r} is not in the article")
    for kind, table in (("month", MONTHS), ("weekday", WEEKDAYS)):
        for word, number in _calendar_words(summary, table):
            if number not in facts.calendar[kind]:
                violations.append(f"the {kind} {word!r} is not in the article")
    violations += [
        f"the name {name!r} is not in the article" for name in _unknown_names(summary, facts)
    ]
    return list(dict.fromkeys(violations))


def _prepare(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(_DEVANAGARI_DIGITS)


def quantities(text: str) -> Iterator[Quantity]:
    """Figures in `text` (already NFC with ASCII digits), model names like R1 or GPT-4o excluded."""
    masked = _IDENTIFIER.sub(lambda m: " " * len(m.group()), text)
    tokens = list(_TOKEN.finditer(masked))
    index = 0
    while index < len(tokens):
        token = tokens[index]
        mantissa, decimals, is_word = _number_of(token)
        if mantissa is None:
            index += 1
            continue
        value, end, scaled = mantissa, index, False
        while end + 1 < len(tokens) and _adjacent(masked, tokens[end], tokens[end + 1]):
            scale = SCALES.get(_fold(tokens[end + 1].group()))
            if scale is None:
                break
            value, end, scaled = value * scale, end + 1, True
        lone_one = is_word and mantissa == 1 and not scaled
        if not lone_one:
            written = masked[token.start() : tokens[end].end()]
            yield Quantity(written, value, mantissa, decimals, scaled)
        index = end + 1


def _number_of(token: re.Match[str]) -> tuple[float | None, int, bool]:
    if token.group("num"):
        digits = token.group("num").replace(",", "")
        decimals = len(digits.partition(".")[2])
        return float(digits), decimals, False
    word = _fold(token.group("word"))
    if word in _ONE_WORDS:
        return 1.0, 0, True
    if word in NUMBER_WORDS:
        value = NUMBER_WORDS[word]
        return value, (1 if value != int(value) else 0), True
    return None, 0, True


def _adjacent(text: str, first: re.Match[str], second: re.Match[str]) -> bool:
    return not text[first.end() : second.start()].strip()


def _calendar_words(text: str, table: dict[str, float]) -> Iterator[tuple[str, float]]:
    for match in _TOKEN.finditer(text):
        word = match.group("word")
        if not word or _fold(word) not in table:
            continue
        if word.isascii():
            if not word[0].isupper():
                continue
            if _fold(word) == "may" and not _next_to_number(text, match):
                continue
        yield word, table[_fold(word)]


def _next_to_number(text: str, match: re.Match[str]) -> bool:
    around = text[max(match.start() - 4, 0) : match.end() + 4]
    return bool(re.search(r"\d", around))


def _unknown_names(summary: str, facts: _SourceFacts) -> list[str]:
    """Latin-script names in the summary that the source does not contain.

    A capitalized word opening a sentence or standing in a Title Case headline may be an
    ordinary word, so there only brand-like names (DeepSeek, OpenAI, R1) are checked. An
    English summary of a Devanagari article may spell names the article wrote in Devanagari,
    so there only names with digits (R1, GPT-4o) are checked.
    """
    translated = _latin_share(summary) >= 0.5 and not facts.latin
    haystack = facts.name_haystack
    unknown: list[str] = []
    for line in summary.splitlines():
        title_case = _is_title_case(line)
        for match in _NAME.finditer(line):
            name = re.sub(r"(?:['’]s|\.)$", "", match.group())
            if any(_fold(name) in table for table in _NOT_NAMES):
                continue
            loose = title_case or bool(_SENTENCE_START.search(line[: match.start()]))
            for part in re.split(r"[-'’.](?=[A-Za-z])", name):
                key = _name_key(part)
                has_digit = any(ch.isdigit() for ch in part)
                brand_like = has_digit or any(ch.isupper() for ch in part[1:])
                if len(key) < 2 or (translated and not has_digit) or (loose and not brand_like):
                    continue
                if f" {key} " not in haystack:
                    unknown.append(name)
                    break
    return unknown


def _is_title_case(line: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z]+", line) if len(w) > 3]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) / len(words) > 0.6


def _name_key(text: str) -> str:
    return " ".join(re.split(r"[^a-z0-9\u0900-\u097f]+", _fold(text))).strip()


def _latin_share(text: str) -> float:
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    devanagari = sum(1 for ch in text if "\u0900" <= ch <= "\u097f")
    return latin / (latin + devanagari) if latin + devanagari else 1.0
