"""Sentence splitting for Hindi and English, tolerant of the glued punctuation scrapers leave.

Hindi ends sentences with `।` (and `॥`, `?`, `!`); English and Latin fragments inside Hindi
text end with `.`. A dot is not an end in a decimal (`4.3`), an abbreviation (`Dr.`,
`U.S.`, `यू.एस.`) or a domain, and a closing quote stays with the sentence it closes.
Every character except whitespace is kept: joining the sentences gives the text back.
"""

from __future__ import annotations

import re

from bot.text.normalize import is_glued_sentence_end
from bot.text.scripts import is_letter

_TERMINATOR_RUN = re.compile(r"[।॥?!.…]+[\"'”’»)\]]*")
_URL_OR_DOMAIN = re.compile(
    r"(?i:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\S+\.(?:com|org|net|in|ai|io|co)\b\S*"
)

_LONE_QUOTE = re.compile(r'\s*"(?=\s)')
_SPACED_CLOSER = re.compile(r"(?<=[।॥?!.])\s+([\"'”’»)\]]+)$")
_TRAILING_PUNCTUATION = ".,;:!?)\"'”’"

#: Words that are followed by a dot without ending a sentence (compared case-insensitively).
ABBREVIATIONS = frozenset(
    {
        "dr", "mr", "mrs", "ms", "prof", "st", "jr", "sr", "vs", "etc", "eg", "ie", "inc",
        "ltd", "co", "corp", "no", "gov", "gen", "lt", "col", "sgt", "rs", "rev", "mt", "ft",
        "approx", "dept", "est", "fig", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
        "sep", "sept", "oct", "nov", "dec", "govt", "hon", "sh", "smt", "km",
        "डॉ", "प्रो", "श्री", "सं", "पृ", "मि", "ई", "पू",
    }
)  # fmt: skip


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, in order, each stripped; line breaks always end a sentence.

    Call `normalize_text` first for the best result; glued boundaries such as `है।एक` are
    split even without it.
    """
    sentences: list[str] = []
    for line in text.split("\n"):
        for piece in _split_line(line):
            if sentences and not _has_content(piece):
                sentences[-1] += piece if piece[0] in "\"'”’»)]" else " " + piece
            else:
                sentences.append(piece)
    return sentences


def _split_line(line: str) -> list[str]:
    protected = [
        (m.start(), m.start() + len(m.group().rstrip(_TRAILING_PUNCTUATION)))
        for m in _URL_OR_DOMAIN.finditer(line)
    ]
    pieces: list[str] = []
    start = 0
    for match in _TERMINATOR_RUN.finditer(line):
        end = match.end()
        if any(lo <= match.start() < hi for lo, hi in protected):
            continue
        if not _has_content(line[start : match.start()]) or not _has_content(line[end:]):
            continue
        if _ends_sentence(line, match, start):
            lone_quote = _LONE_QUOTE.match(line, end)
            if lone_quote and line[start:end].count('"') % 2:
                end = lone_quote.end()  # the straight quote closes this sentence
            pieces.append(line[start:end])
            start = end
    pieces.append(line[start:])
    return [_SPACED_CLOSER.sub(r"\1", p.strip()) for p in pieces if p.strip()]


def _has_content(text: str) -> bool:
    return any(ch.isdigit() or is_letter(ch) for ch in text)


def _ends_sentence(line: str, match: re.Match[str], start: int) -> bool:
    """Whether the terminator run `match` ends the sentence that began at `start`."""
    stops = match.group().rstrip("\"'”’»)]")
    rest = line[match.end() :]
    following = rest.lstrip()
    if not following:
        return True
    if stops[-1] in "।॥":
        return True
    glued = rest == following
    if stops[-1] in "?!":
        return not (following[0].islower() and following[0].isascii())
    word = _word_before(line, match.start(), start)
    if stops == "." and _is_abbreviation(word, line, match.start(), start):
        return False
    if glued:
        return is_glued_sentence_end(word, following)
    return not (following[0].islower() and following[0].isascii())


def _word_before(line: str, end: int, limit: int) -> str:
    start = end
    while start > limit and is_letter(line[start - 1]):
        start -= 1
    return line[start:end]


def _is_abbreviation(word: str, line: str, dot: int, limit: int) -> bool:
    if word.casefold() in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha():
        return True  # an initial: J. K. Rowling, U.S.
    start = dot - len(word)
    return len(word) <= 2 and start > limit and line[start - 1] == "."  # U.S., यू.एस.
