"""Cut the passage that answers a query out of an article: a few sentences, not the whole text."""

from __future__ import annotations

import re
from collections.abc import Iterable

from storage.search import WORD, normalize, query_terms

#: A snippet longer than this is cut at a word boundary and ends with "…".
MAX_SNIPPET_CHARS = 360

# Hindi ends sentences with । ॥ ? ! (often glued to the next word); English with . ? ! and a space.
_SENTENCE_END = re.compile(r"(?<=[।॥?!])\s*|(?<=\.)\s+|\n+")


def sentences(value: str) -> list[str]:
    """The sentences of a text, stripped, in order."""
    return [part.strip() for part in _SENTENCE_END.split(normalize(value)) if part.strip()]


def best_passage(query: str, texts: Iterable[str]) -> str:
    """The sentence that holds most of the query's words, with its neighbours for context.

    `texts` are tried in order (e.g. the article, then its summaries); on a tie the earliest
    sentence wins. With no word found anywhere the opening of the first text is returned.
    """
    terms = set(query_terms(query))
    candidates = [sentences(value) for value in texts]
    best: tuple[int, list[str], int] | None = None
    for parts in candidates:
        for index, sentence in enumerate(parts):
            found = len(terms & {w.lower() for w in WORD.findall(sentence)})
            if found and (best is None or found > best[0]):
                best = (found, parts, index)
    if best is None:
        opening = next((parts for parts in candidates if parts), [])
        return _shorten(" ".join(opening[:2]), terms)
    _, parts, index = best
    passage = parts[index]
    after, before = index + 1, index - 1
    while len(passage) < MAX_SNIPPET_CHARS // 2 and (after < len(parts) or before >= 0):
        if after < len(parts):
            passage = f"{passage} {parts[after]}"
            after += 1
        elif before >= 0:
            passage = f"{parts[before]} {passage}"
            before -= 1
    return _shorten(passage, terms)


def _shorten(passage: str, terms: set[str]) -> str:
    """At most MAX_SNIPPET_CHARS, cut at spaces, keeping the first query word in view."""
    if len(passage) <= MAX_SNIPPET_CHARS:
        return passage
    hit = next((m.start() for m in WORD.finditer(passage) if m.group().lower() in terms), 0)
    start = max(0, hit - MAX_SNIPPET_CHARS // 3)
    if start:
        start = passage.find(" ", start) + 1 or start
    end = start + MAX_SNIPPET_CHARS
    window = passage[start:end]
    if end < len(passage):
        window = window.rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
    return ("…" + window) if start else window
