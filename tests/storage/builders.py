"""Domain objects with sensible defaults, so each test states only what it is about."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.domain.articles import Article, Summary
from bot.domain.digests import Digest, DigestItem, SourceLink
from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.sources import Source

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus" / "hi"


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def a_source(url: str = "https://news.example/feed.xml", **fields: Any) -> Source:
    return Source(url=url, name=fields.pop("name", "Example News"), **fields)


def an_article(
    slug: str = "story", *, title: str = "A story", text: str = "Some text.", **fields: Any
) -> Article:
    values: dict[str, Any] = {
        "source_id": None,
        "url": f"https://news.example/{slug}?utm_source=x",
        "canonical_url": f"https://news.example/{slug}",
        "title": title,
        "text": text,
        "lang": "en",
        "content_hash": text_hash(text + slug),
        "fetched_at": NOW,
    }
    values.update(fields)
    return Article(**values)


def a_summary(article: Article, lang: str = "en", **fields: Any) -> Summary:
    assert article.id is not None
    values: dict[str, Any] = {
        "article_id": article.id,
        "lang": lang,
        "headline": "Headline",
        "text": "One sentence about it.",
        "method": "llm",
        "content_hash": article.content_hash,
        "prompt_name": "summarize",
        "prompt_hash": "p1",
        "model": "gpt-4o-mini",
    }
    values.update(fields)
    return Summary(**values)


def a_digest(*article_ids: int, lang: str = "en", items: int = 2) -> Digest:
    return Digest(
        lang=lang,  # type: ignore[arg-type]
        title="Morning digest",
        created_at=NOW,
        items=[
            DigestItem(
                headline=f"Story {n}",
                body=f"What happened in story {n}.",
                links=[
                    SourceLink(title=f"Source {n}", url=f"https://news.example/{n}", article_id=i)
                    for i in article_ids
                ],
                method="llm" if n % 2 else "extract",
                article_ids=list(article_ids),
                note=None if n % 2 else "extract, not translated",
            )
            for n in range(1, items + 1)
        ],
    )


def corpus_articles() -> list[Article]:
    """The five real scraped Hindi articles of the shared corpus, as stored articles."""
    articles = []
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        title = text.strip().splitlines()[0][:120]
        articles.append(an_article(path.stem, title=title, text=text, lang="hi"))
    return articles


async def store(uow_factory: UnitOfWorkFactory, *articles: Article) -> list[int]:
    """Store and index these articles; their ids."""
    async with uow_factory() as uow:
        ids = [(await uow.articles.add(article)).id or 0 for article in articles]
        await uow.commit()
    return ids


async def search(uow_factory: UnitOfWorkFactory, query: str, **kwargs: object) -> list[int]:
    """The ids of the articles the full-text search finds, best first."""
    async with uow_factory() as uow:
        return [hit.article_id for hit in await uow.articles.search(query, **kwargs)]  # type: ignore[arg-type]
