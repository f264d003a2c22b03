"""Articles the LLM tests summarize: the real Hindi corpus and a short English report."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bot.domain.articles import Article, Summary
from bot.domain.digests import SourceLink, StoryEntry
from bot.domain.languages import Lang
from bot.text.normalize import normalize_text

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus" / "hi"

ENGLISH_REPORT = (
    "DeepSeek, a Chinese artificial intelligence start-up, released its R1 reasoning model "
    "in January 2025. The company said training its earlier V3 model cost about $5.576 "
    "million, a fraction of what larger laboratories spend. Shares of Nvidia fell sharply "
    "after the release, as investors questioned how much computing power such models need. "
    "Analysts at several banks said the market reaction was exaggerated. Moonshot, another "
    "Beijing laboratory, later published its Kimi K2 Thinking model, which scored 1,332 "
    "points on a public leaderboard. Kai-Fu Lee said 2025 would be the year of AI "
    "applications rather than ever larger models."
)


def corpus_texts() -> dict[str, str]:
    """The five scraped Hindi articles, normalized, by file name."""
    return {p.name: normalize_text(p.read_text("utf-8")) for p in sorted(CORPUS.glob("*.txt"))}


def make_article(
    article_id: int, title: str, text: str, *, lang: str = "en", url: str | None = None
) -> Article:
    """A stored article as the repositories return it."""
    link = url or f"https://news.example.in/{article_id}"
    return Article(
        source_id=1,
        url=link,
        canonical_url=link,
        title=title,
        text=text,
        lang=lang,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        id=article_id,
    )


def make_summary(article: Article, lang: Lang, headline: str, text: str) -> Summary:
    """An LLM summary of `article`, as stored."""
    return Summary(
        article_id=article.id or 0,
        lang=lang,
        headline=headline,
        text=text,
        method="llm",
        content_hash=article.content_hash,
    )


def as_stories(entries: list[tuple[Article, Summary]]) -> list[StoryEntry]:
    """Each (article, summary) as a chosen story of its own, as the digest service hands it
    to a composer: the story id is the article's, its one report linked."""
    return [
        StoryEntry(
            story_id=article.id or 0,
            article=article,
            summary=summary,
            links=(SourceLink(title=article.title, url=article.url, article_id=article.id),),
            article_ids=(article.id or 0,),
        )
        for article, summary in entries
    ]
