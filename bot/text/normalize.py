"""Unicode and whitespace normalization, and repair of sentences glued together by scrapers.

Scraped Hindi often arrives as `है।एक` or `थे.उन्होंने`: the sentence splitter, the
deduplicator and the summarizer all see cleaner input when the missing space is put back.
Decimals (`4.3`), abbreviations (`U.S.`, `यू.एस.`), URLs and domains (`ब्लूमबर्ग.com`)
are left alone.
"""

from __future__ import annotations

import re
import unicodedata

from bot.text.scripts import DEVANAGARI_CHARS, LETTER, WORD_CHAR, is_devanagari, is_letter
from bot.text.stopwords import word_set

ZWNJ = "\u200c"
ZWJ = "\u200d"

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
#: Whitespace to turn into one space: runs, and single characters other than U+0020 (a lone
#: space matching would be replaced by itself, at a cost on every word).
_SPACES = re.compile(r"[^\S\n]{2,}|[^\S \n]")
_BLANK_LINES = re.compile(r"\n{3,}")

#: Spans that must never get a space inserted: URLs, e-mail addresses and bare domains.
_PROTECTED = re.compile(
    r"(?i:https?://|www\.)\S+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    rf"|[\w{DEVANAGARI_CHARS}-]+(?:\.[\w-]+)*"
    r"\.(?:com|org|net|gov|edu|int|in|ai|io|co|uk|us|cn|jp|de|fr|news|info|app|dev|tv|me)"
    r"(?![A-Za-z])(?:/\S*)?"
)

#: Transliterated domain endings (`एक्स.एआई` is x.ai): a dot before them is not a sentence end.
_DEVANAGARI_DOMAIN_TAILS = ("कॉम", "एआई", "ओआरजी", "नेट")

#: Abbreviations written with a dot in Hindi text (titles, and Latin initials spelled out).
_DEVANAGARI_ABBREVIATIONS = word_set("डॉ प्रो श्री सं पृ मि ई पू यू एस बी सी डी जे के एम एन आर वी पी टी एल")

_GLUED_STOP = re.compile(rf"([।॥?!.]+)(?={WORD_CHAR})")
#: The lookbehind comes after the comma, so every match starts at a literal character and the
#: regex engine can skip ahead to candidates instead of trying the lookbehind everywhere.
_GLUED_COMMA = re.compile(rf",(?<={LETTER},)(?={LETTER})")
#: Either of the two above, to tell cheaply that a text has nothing to repair.
_GLUED_ANY = re.compile(rf"[।॥?!.](?={WORD_CHAR})|,(?<={LETTER},)(?={LETTER})")


def normalize_text(text: str, *, already_nfc: bool = False) -> str:
    """NFC text with invisible junk removed, spaces collapsed and glued sentences separated.

    Paragraph breaks (`\\n\\n`) and single line breaks are kept; runs of blank lines shrink to
    one. The result is stable: normalizing it again changes nothing. `already_nfc` skips
    the NFC step for text known to be in NFC (it costs as much as the rest for Hindi).
    """
    if not already_nfc:
        text = unicodedata.normalize("NFC", text)
    # Checked in C, and true of most text: no control, format, private-use or unassigned
    # character, and no whitespace but U+0020 and line feeds (every other space and line
    # separator is non-printable), so only runs of spaces can need work below.
    printable = text.replace("\n", "").isprintable()
    if not printable:
        text = _NEWLINES.sub("\n", text)
        text = _drop_invisible(text)
    text = _repair_glued(text)
    if not printable or "  " in text:
        text = _SPACES.sub(" ", text)
    lines = [line.strip() for line in text.split("\n")]
    text = _BLANK_LINES.sub("\n\n", "\n".join(lines))
    return text.strip()


def _drop_invisible(text: str) -> str:
    out: list[str] = []
    last = len(text) - 1
    for i, ch in enumerate(text):
        if ch in (ZWJ, ZWNJ):
            if 0 < i < last and is_devanagari(text[i - 1]) and is_devanagari(text[i + 1]):
                out.append(ch)
            continue
        category = unicodedata.category(ch)
        if ch == "\t" or (category == "Zs" and ch != " "):
            out.append(" ")
        elif ch == "\n" or category not in ("Cc", "Cf", "Co", "Cs", "Cn"):
            out.append(ch)
    return "".join(out)


def _repair_glued(text: str) -> str:
    if not _GLUED_ANY.search(text):
        # Most lines glue nothing: skip the costly scan for URLs and domains to protect.
        return text
    pieces: list[str] = []
    start = 0
    for match in _PROTECTED.finditer(text):
        pieces.append(_repair_span(text[start : match.start()]))
        pieces.append(match.group())
        start = match.end()
    pieces.append(_repair_span(text[start:]))
    return "".join(pieces)


def _repair_span(span: str) -> str:
    span = _GLUED_COMMA.sub(", ", span)
    return _GLUED_STOP.sub(lambda m: _stop_with_space(m, span), span)


def _stop_with_space(match: re.Match[str], span: str) -> str:
    stop = match.group(1)
    if stop[-1] != ".":
        return stop + " "
    before = _word_before(span, match.start())
    after = span[match.end() :]
    if is_glued_sentence_end(before, after):
        return stop + " "
    return stop


def _word_before(span: str, end: int) -> str:
    start = end
    while start > 0 and is_letter(span[start - 1]):
        start -= 1
    return span[start:end]


def is_glued_sentence_end(before: str, after: str) -> bool:
    """Whether a dot between the word `before` and the text `after` (no space) ends a sentence.

    It does unless it marks an abbreviation, initials, a decimal or a transliterated domain.
    """
    if not after or not is_letter(after[0]):
        return False
    if is_devanagari(after[0]):
        if before in _DEVANAGARI_ABBREVIATIONS or (before.isascii() and len(before) <= 2):
            return False
        next_word = _word_after(after)
        if after[len(next_word) : len(next_word) + 1] == ".":
            return False  # an abbreviation chain such as यू.एस.
        return next_word not in _DEVANAGARI_DOMAIN_TAILS
    return (
        len(before) > 2 and after[0].isupper() and after[1:2].isalpha() and not after[1:2].isupper()
    )


def _word_after(after: str) -> str:
    end = 0
    while end < len(after) and is_letter(after[end]):
        end += 1
    return after[:end]
