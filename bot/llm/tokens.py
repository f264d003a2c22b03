"""Token counting with the model's real tokenizer, offline.

Hindi in Devanagari costs several times more tokens per character than English, so every
budget here is in tokens, never in characters. The encodings ship with `bpe_openai`; nothing
is downloaded.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import bpe_openai

from bot.text.sentences import split_sentences

#: Models whose names start with one of these use the older cl100k encoding.
_CL100K_PREFIXES = ("gpt-4-", "gpt-3.5", "gpt-35", "text-embedding-")
_CL100K_EXACT = frozenset({"gpt-4"})


def encoding_name_for(model: str) -> str:
    """The encoding a model uses: o200k for current models (and unknown ones), cl100k for older.

    OpenAI-compatible servers often host models bpe_openai does not know; o200k is the closest
    estimate for them and errs on the side of counting more tokens for Hindi.
    """
    name = model.strip().lower().rsplit("/", 1)[-1]
    if name in _CL100K_EXACT or name.startswith(_CL100K_PREFIXES):
        return "cl100k_base"
    return "o200k_base"


@lru_cache(maxsize=4)
def _encoding(encoding_name: str) -> Any:
    return bpe_openai.get_encoding(encoding_name)


def _encode(text: str, model: str) -> list[int]:
    tokens: list[int] = _encoding(encoding_name_for(model)).encode_ordinary(text)
    return tokens


def count_tokens(text: str, model: str) -> int:
    """Tokens `text` costs for `model` (special-token look-alikes count as plain text)."""
    if not text:
        return 0
    return len(_encode(text, model))


def truncate_to_tokens(text: str, max_tokens: int, model: str) -> str:
    """The longest prefix of `text` within `max_tokens`, cut at a sentence end when one fits."""
    if max_tokens <= 0:
        return ""
    if count_tokens(text, model) <= max_tokens:
        return text
    chunks = chunk_by_tokens(text, max_tokens, model)
    return chunks[0] if chunks else ""


def chunk_by_tokens(text: str, max_tokens: int, model: str) -> list[str]:
    """Split `text` into chunks of at most `max_tokens`, breaking at sentence boundaries.

    A single sentence longer than the limit is cut at token boundaries, so no chunk is ever
    over budget. Joining the chunks with spaces gives back every sentence, in order.
    """
    if max_tokens <= 0:
        raise ValueError(f"max_tokens must be positive, got {max_tokens}")
    if not text.strip():
        return []
    if count_tokens(text, model) <= max_tokens:
        return [text]
    chunks: list[str] = []
    current = ""
    for sentence in split_sentences(text):
        for piece in _pieces_within(sentence, max_tokens, model):
            candidate = f"{current} {piece}" if current else piece
            if current and count_tokens(candidate, model) > max_tokens:
                chunks.append(current)
                candidate = piece
            current = candidate
    if current:
        chunks.append(current)
    return chunks


def _pieces_within(sentence: str, max_tokens: int, model: str) -> list[str]:
    """The sentence itself, or the longest in-budget slices of it when it alone is over budget.

    Slices are cut between characters, never inside one (a token cut can split a Devanagari
    character's bytes); the longest prefix within budget is found by bisection.
    """
    if count_tokens(sentence, model) <= max_tokens:
        return [sentence]
    pieces: list[str] = []
    rest = sentence
    while rest:
        lo, hi = 1, len(rest)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if count_tokens(rest[:mid], model) <= max_tokens:
                lo = mid
            else:
                hi = mid - 1
        space = rest.rfind(" ", 0, lo)
        cut = space if space > lo // 2 and lo < len(rest) else lo
        if rest[:cut].strip():
            pieces.append(rest[:cut].strip())
        rest = rest[cut:]
    return pieces
