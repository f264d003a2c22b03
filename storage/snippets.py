"""Cut the passage that answers a query out of an article: a few sentences, not the whole text."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.text.stopwords import word_set
from bot.text.translit import cross_script_key
from bot.text.words import WORD
from storage.search import KEY_WEIGHT, normalize, query_terms

#: A snippet longer than this is cut at a word boundary and ends with "…".
MAX_SNIPPET_CHARS = 360
#: Words of a question that asks for an amount: a sentence with a figure answers it.
AMOUNT_WORDS = frozenset(
    normalize(word)
    for word in word_set(
        """
        much many cost costs price prices worth value valued spend spent paid amount
        कितना कितनी कितने लागत कीमत क़ीमत खर्च ख़र्च मूल्य
        """
    )
)
#: A figure standing alone (4.6, 10,000), not the digit of a name such as K2 or के2.
_FIGURE = re.compile(r"(?<![\w.,\u0900-\u097f])\d+(?:[.,]\d+)*")

# Hindi ends sentences with । ॥ ? ! (often glued to the next word); English with . ? ! and a space.
_SENTENCE_END = re.compile(r"(?<=[।॥?!])\s*|(?<=\.)\s+|\n+")


def sentences(value: str) -> list[str]:
    """The sentences of a text, stripped, in order."""
    return [part.strip() for part in _SENTENCE_END.split(normalize(value)) if part.strip()]


def best_passage(query: str, texts: Iterable[str]) -> str:
    """The sentence that holds most of the query's words, with its neighbours for context.

    A word written in the other script counts by its cross-script key, at KEY_WEIGHT (किमी
    के2 थिंकिंग for "Kimi K2 Thinking"); when the query asks for an amount ("how much"), a
    sentence with a figure counts one word more. `texts` are tried in order (e.g. the
    article, then its summaries); on a tie the earliest sentence wins. With no word found
    anywhere the opening of the first text is returned.
    """
    words = query_terms(query)
    terms = set(words)
    keys = {word: cross_script_key(word) for word in words}
    wants_amount = not terms.isdisjoint(AMOUNT_WORDS)
    candidates = [sentences(value) for value in texts]
    best: tuple[float, list[str], int] | None = None
    for parts in candidates:
        for index, sentence in enumerate(parts):
            found = _found(sentence, keys)
            if found and wants_amount and _FIGURE.search(sentence):
                found += 1.0
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


def _found(sentence: str, keys: dict[str, str | None]) -> float:
    """How many query words the sentence holds: 1 each as written, KEY_WEIGHT by key only."""
    present = {w.lower() for w in WORD.findall(sentence)}
    present_keys: set[str | None] | None = None
    found = 0.0
    for word, key in keys.items():
        if word in present:
            found += 1.0
        elif key is not None:
            if present_keys is None:
                present_keys = {cross_script_key(w) for w in present}
            found += KEY_WEIGHT if key in present_keys else 0.0
    return found


def _shorten(passage: str, terms: set[str]) -> str:
    """At most MAX_SNIPPET_CHARS, cut at spaces, keeping the first query word in view
    (written as in the query, or in the other script)."""
    if len(passage) <= MAX_SNIPPET_CHARS:
        return passage
    keys = {key for term in terms if (key := cross_script_key(term))}
    hit = next(
        (
            m.start()
            for m in WORD.finditer(passage)
            if m.group().lower() in terms or cross_script_key(m.group().lower()) in keys
        ),
        0,
    )
    start = max(0, hit - MAX_SNIPPET_CHARS // 3)
    if start:
        start = passage.find(" ", start) + 1 or start
    end = start + MAX_SNIPPET_CHARS
    window = passage[start:end]
    if end < len(passage):
        window = window.rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
    return ("…" + window) if start else window
