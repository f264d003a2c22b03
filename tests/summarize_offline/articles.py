"""Articles built from the corpus and the fixture articles, as ingest would store them."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.domain.articles import Article
from bot.text.clean import clean_article_text
from bot.text.language import detect_language
from bot.text.similarity import content_hash, simhash
from tests.text.corpus import corpus_file, fixture_article

BASE_TIME = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


@dataclass(frozen=True)
class _Stored:
    title: str
    text: str
    lang: str
    content_hash: str
    simhash: int
    description: str | None


@functools.cache
def _stored(raw: str) -> _Stored:
    cleaned = clean_article_text(raw)
    return _Stored(
        title=cleaned.title,
        text=cleaned.text,
        lang=detect_language(cleaned.text),
        content_hash=content_hash(cleaned.text),
        simhash=simhash(cleaned.text),
        description=cleaned.description,
    )


def stored_article(raw: str, article_id: int, *, hours_ago: int = 0, url: str = "") -> Article:
    """A fresh cleaned article with its id, dedup keys and publication time."""
    stored = _stored(raw)
    link = url or f"https://news.example/{article_id}"
    return Article(
        source_id=1,
        url=link + "?utm_source=feed",
        canonical_url=link,
        title=stored.title,
        text=stored.text,
        lang=stored.lang,
        content_hash=stored.content_hash,
        simhash=stored.simhash,
        published_at=BASE_TIME - timedelta(hours=hours_ago),
        description=stored.description,
        id=article_id,
    )


def corpus_article(prefix: str, article_id: int, *, hours_ago: int = 0) -> Article:
    """A corpus article (tests/fixtures/corpus/hi) as stored."""
    return stored_article(corpus_file(prefix), article_id, hours_ago=hours_ago)


def fixture(name: str, article_id: int, *, hours_ago: int = 0) -> Article:
    """A hand-written fixture article (tests/fixtures/articles) as stored."""
    return stored_article(fixture_article(name), article_id, hours_ago=hours_ago)
