"""Checks on model output that do not trust the model: links, language and prompt leaks.

Whatever an injected article persuades the model to write, a digest only ever shows links
from stored sources, text in the asked-for language, and none of the instructions.
"""

from __future__ import annotations

import re

from pydantic import ValidationError

from bot.domain.languages import Lang
from bot.text.scripts import is_devanagari, is_latin_letter

_TLDS = (
    "com|net|org|io|ai|in|co|info|biz|xyz|ru|cn|me|ly|gl|app|dev|site|online|top|link|click|"
    "example|tk|su|to|gg|sh|news"
)
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,300}>")
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(
    r"(?i:[a-z][a-z0-9+.-]*://[^\s<>()\[\]]+|www\.[^\s<>()\[\]]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    rf"|\b(?:[a-z0-9-]+\.)+(?:{_TLDS})\b(?:[/?#][^\s<>()\[\]]*)?)"
)
_WORD = re.compile(r"[^\W_]+(?:[\u0900-\u0963\u0970-\u097f]*)")
#: Shares of letters a text needs in its language's script (Hindi may keep Latin names).
MIN_DEVANAGARI_SHARE = 0.5
MIN_LATIN_SHARE = 0.8
#: Consecutive words shared with the instructions that count as a leak.
LEAK_SHINGLE_WORDS = 6


def strip_urls(text: str) -> str:
    """`text` without URLs, bare domains, e-mail addresses, HTML tags or Markdown link targets."""
    text = _HTML_TAG.sub(" ", text)
    text = _MARKDOWN_LINK.sub(r"\1", text)
    text = _URL.sub(_keep_trailing_punctuation, text)
    text = re.sub(r"\(\s*\)|\[\s*\]", " ", text)
    return re.sub(r"\s+([,.;:!?।])", r"\1", " ".join(text.split())).strip()


def _keep_trailing_punctuation(match: re.Match[str]) -> str:
    url = match.group()
    return " " + url[len(url.rstrip(".,;:!?।")) :]


def has_url(text: str) -> bool:
    """True when `text` holds anything `strip_urls` would remove."""
    return bool(_URL.search(text) or _MARKDOWN_LINK.search(text) or _HTML_TAG.search(text))


def script_shares(text: str) -> tuple[float, float]:
    """(Devanagari, Latin) shares of the letters in `text`; (0, 0) when it has none."""
    devanagari = latin = other = 0
    for ch in text:
        if is_devanagari(ch) and not ch.isdigit():
            devanagari += 1
        elif is_latin_letter(ch):
            latin += 1
        elif ch.isalpha():
            other += 1
    total = devanagari + latin + other
    if total <= 0:
        return 0.0, 0.0
    return devanagari / total, latin / total


def is_in_language(text: str, lang: Lang) -> bool:
    """True when `text` is written in `lang`'s script (Hindi may keep Latin names like OpenAI)."""
    devanagari, latin = script_shares(text)
    if lang == "hi":
        return devanagari >= MIN_DEVANAGARI_SHARE
    return latin >= MIN_LATIN_SHARE


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def leaks_prompt(text: str, instructions: str, *, shingle: int = LEAK_SHINGLE_WORDS) -> bool:
    """True when `text` repeats `shingle` consecutive words of `instructions`."""
    source = _words(instructions)
    grams = {tuple(source[i : i + shingle]) for i in range(len(source) - shingle + 1)}
    words = _words(text)
    return any(tuple(words[i : i + shingle]) in grams for i in range(len(words) - shingle + 1))


def schema_problem(exc: ValidationError) -> str:
    """Where and how a model's JSON missed the expected schema, in one line for the repair
    request and the logs (the first problem is enough to correct)."""
    problem = exc.errors()[0]
    where = ".".join(str(p) for p in problem["loc"]) or "answer"
    return f"{where}: {problem['msg']}"
