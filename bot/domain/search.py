"""A retrieval hit: the passage that matched a question, with where it came from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchHit:
    """An article that matched a query, best first; `snippet` is the matching passage."""

    article_id: int
    title: str
    url: str
    snippet: str
    score: float
    lang: str
