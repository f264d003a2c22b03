"""The answer boundary: what an answerer writes, the Protocol, and the offline answer.

Kept below the services, so the LLM answerer (a use of the model, beside the summarizer
and the composer) and the question service both build on it without importing each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.domain.channels import ConversationTurn
from bot.domain.languages import Lang
from bot.domain.search import SearchHit
from bot.llm.guards import strip_urls

_EXTRACT_LABEL: dict[Lang, str] = {
    "en": "Most relevant passages from the stored articles (extracts, no AI summary):",
    "hi": "संग्रहित लेखों के सबसे प्रासंगिक अंश (सीधे उद्धरण, एआई सारांश नहीं):",
}


@dataclass(frozen=True)
class Draft:
    """What an answerer wrote: text citing passages as [1], [2] … in the order they were given,
    and the numbers it cites. `extract` marks the offline passages (labelled in the text)."""

    text: str
    cited: tuple[int, ...] = ()
    extract: bool = False


class Answerer(Protocol):
    """Writes a grounded answer from retrieved passages (the LLM-backed one, when configured)."""

    async def answer(
        self,
        question: str,
        lang: Lang,
        hits: Sequence[SearchHit],
        *,
        history: Sequence[ConversationTurn] = (),
        style_note: str = "",
    ) -> Draft:
        """Answer only from `hits`, citing them as [1], [2] … in the order given.

        `history` is the thread's earlier turns, oldest first: context for what the question
        refers to, never a source of facts. `style_note` is the channel's tone preference.
        Must not raise: on any failure the answer is `extract_answer(lang, hits)`.
        """


def extract_answer(lang: Lang, hits: Sequence[SearchHit]) -> Draft:
    """The offline answer: the passages themselves, labelled as extracts, each cited."""
    lines = [_EXTRACT_LABEL[lang]]
    lines += [f"[{n}] {strip_urls(hit.snippet)}" for n, hit in enumerate(hits, start=1)]
    return Draft(text="\n\n".join(lines), cited=tuple(range(1, len(hits) + 1)), extract=True)
