"""Answer a question from stored articles, citing them as numbered links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.domain.digests import SourceLink
from bot.domain.languages import Lang
from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.search import SearchHit

_NOT_FOUND: dict[Lang, str] = {
    "en": "That is not in the articles I have. Try other words, or ask about a recent digest.",
    "hi": "यह मेरे पास मौजूद लेखों में नहीं है। दूसरे शब्दों में पूछें, या किसी हाल के सार के बारे में।",
}
_EXTRACT_LABEL: dict[Lang, str] = {
    "en": "Most relevant passages from the stored articles (extracts, no AI summary):",
    "hi": "संग्रहित लेखों के सबसे प्रासंगिक अंश (सीधे उद्धरण, एआई सारांश नहीं):",
}


@dataclass
class Answer:
    """An answer and the articles it cites, in citation order ([1] is `citations[0]`)."""

    text: str
    citations: list[SourceLink] = field(default_factory=list)
    found: bool = True


class Answerer(Protocol):
    """Writes a grounded answer from retrieved passages (the LLM-backed one, when configured)."""

    async def answer(self, question: str, lang: Lang, hits: Sequence[SearchHit]) -> str:
        """Answer only from `hits`, citing them as [1], [2] … in the order given."""


async def answer_question(
    uow_factory: UnitOfWorkFactory,
    question: str,
    lang: Lang,
    *,
    digest_id: int | None = None,
    answerer: Answerer | None = None,
    limit: int = 3,
) -> Answer:
    """Retrieve the best passages (within one digest's articles when replying to it) and answer.

    Without an answerer the reply is the passages themselves, labelled as extracts.
    """
    async with uow_factory() as uow:
        scope: list[int] | None = None
        if digest_id is not None:
            digest = await uow.digests.get(digest_id)
            scope = [aid for item in digest.items for aid in item.article_ids] if digest else None
        hits = await uow.articles.search(question, limit=limit, article_ids=scope)
    if not hits:
        return Answer(text=_NOT_FOUND[lang], found=False)
    citations = [SourceLink(title=h.title, url=h.url, article_id=h.article_id) for h in hits]
    if answerer is not None:
        return Answer(text=await answerer.answer(question, lang, hits), citations=citations)
    lines = [_EXTRACT_LABEL[lang]]
    lines += [f"[{n}] {hit.snippet}" for n, hit in enumerate(hits, start=1)]
    return Answer(text="\n\n".join(lines), citations=citations)
