"""Scraped article text reduced to its title and its own paragraphs.

Front matter becomes metadata, Markdown becomes plain text, site chrome and the
related-posts/comment tail are dropped, and the title is taken from the first line when
none is given. Every source kind (feed item, HTML page, local file) ends up here, so the
summarizer and the deduplicator see the same clean text whatever the site.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from bot.text.boilerplate import (
    ends_article,
    ends_sentence,
    is_chrome_line,
    is_prose,
    remove_inline_junk,
)
from bot.text.frontmatter import split_front_matter
from bot.text.markdown import strip_markdown, strip_markdown_line
from bot.text.normalize import normalize_text
from bot.text.sentences import split_sentences

#: A first line longer than this is a paragraph, not a headline.
MAX_TITLE_CHARS = 160
MAX_TITLE_WORDS = 25
#: A title derived from the first sentence is cut to this many words.
DERIVED_TITLE_WORDS = 16

_QUOTES = "\"'“”‘’«» "
#: What `_letters` drops besides underscores: anything but letters, digits and combining marks
#: (Devanagari vowel signs and the virama are marks, which `\w` does not cover).
_NOT_LETTER = re.compile(r"[^\w\u0300-\u036f\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963]+")


@dataclass
class CleanedText:
    """An article's title, its paragraphs joined by blank lines, and what the page said about it."""

    title: str
    text: str
    paragraphs: list[str]
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    author: str | None = None
    image_url: str | None = None


def clean_article_text(raw: str, *, title: str | None = None) -> CleanedText:
    """Clean one scraped article (plain text, Markdown or text with front matter).

    `title` (e.g. from the feed) wins over the front matter's; with neither, the first short
    line that is not chrome becomes the title and is not repeated in the text.
    """
    raw = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    meta, body = split_front_matter(raw)
    normalized = normalize_text(body, already_nfc=True)  # `raw` was made NFC above
    plain = strip_markdown(normalized)
    lines = _article_lines(plain, normalized=plain == normalized)
    chosen = _clean_title(title) if title else None
    if not chosen and meta and meta.title:
        chosen = _clean_title(meta.title)
    if chosen:
        if lines and _same_text(lines[0], chosen):
            lines = lines[1:]
    elif lines and _looks_like_title(lines[0]):
        chosen, lines = lines[0], lines[1:]
    else:
        chosen = _title_from_text(lines)
    paragraphs = [line for line in lines if not _same_text(line, chosen)] if chosen else lines
    return CleanedText(
        title=chosen or "",
        text="\n\n".join(paragraphs),
        paragraphs=paragraphs,
        description=_clean_title(meta.description) if meta and meta.description else None,
        tags=meta.tags if meta else [],
        author=meta.author if meta else None,
        image_url=meta.image_url if meta else None,
    )


def _article_lines(text: str, *, normalized: bool) -> list[str]:
    """Non-empty content lines, with chrome removed and the page tail cut off.

    A tail marker ("Related stories", "Comments") drops itself and the short lines after it
    (link titles, form labels), but only once the article has begun (a line ending a
    sentence, which headlines and bylines mostly do not), and only up to the next paragraph
    of prose: a related-links box in the middle of a story, or a comment count under its
    headline, must not take the rest of the story with it.

    `normalized` says every line of `text` already is (the text went through
    `normalize_text` and nothing changed it since): then only a line that lost inline junk
    is normalized again, which halves the cost of cleaning a long article.
    """
    lines: list[str] = []
    started = in_tail = False
    for raw_line in text.split("\n"):
        line = remove_inline_junk(raw_line)
        if not normalized or line != raw_line:
            line = normalize_text(line)
        if not line:
            continue
        if ends_article(line):
            in_tail = in_tail or started
            continue
        if is_chrome_line(line) or not any(ch.isalnum() for ch in line):
            continue
        if in_tail and not is_prose(line):
            continue
        in_tail = False
        started = started or ends_sentence(line)
        lines.append(line)
    return lines


def _clean_title(title: str) -> str:
    line = normalize_text(remove_inline_junk(strip_markdown_line(normalize_text(title))))
    return " ".join(line.split())


def _looks_like_title(line: str) -> bool:
    if len(line) > MAX_TITLE_CHARS or len(line.split()) > MAX_TITLE_WORDS:
        return False
    return not line.rstrip("\"'”’ ").endswith(("।", ".", ":", ",", ";"))


def _title_from_text(lines: list[str]) -> str:
    """The first sentence, shortened: a stand-in headline for text that came without one."""
    if not lines:
        return ""
    first = split_sentences(lines[0])[0].strip(_QUOTES)
    words = first.split()
    if len(words) <= DERIVED_TITLE_WORDS:
        return first
    return " ".join(words[:DERIVED_TITLE_WORDS]).rstrip(",;:—–-") + "…"


def _same_text(line: str, title: str) -> bool:
    """Equal once case, spacing and punctuation are ignored.

    `_letters` works character by character, so the letters of a prefix of `line` are a
    prefix of its letters: when a short prefix already holds more letters than the whole
    title, the two differ, and a long paragraph is told apart without reading all of it.
    """
    if line == title:
        return True
    wanted = _letters(title)
    head = _letters(line[: 2 * len(wanted) + 16])
    if len(head) > len(wanted):
        return False
    return _letters(line) == wanted


def _letters(text: str) -> str:
    """Letters, combining marks (Devanagari vowel signs) and digits, case-folded."""
    return _NOT_LETTER.sub("", text.casefold().replace("_", ""))
