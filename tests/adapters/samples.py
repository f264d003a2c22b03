"""Digests for adapter tests: one full of characters every platform must escape, and long
ones built from the real Hindi corpus."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.domain.digests import Digest, DigestItem, SourceLink
from bot.domain.languages import Lang

CORPUS = Path(__file__).parent.parent / "fixtures" / "corpus" / "hi"
NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
TRICKY_URL = "https://news.example.com/story?a=1&b=2&q=<x>"


def tricky_digest(lang: Lang = "en") -> Digest:
    """Markup characters, a query-string URL, Hindi and an emoji in every dynamic field."""
    items = [
        DigestItem(
            headline="Rates <up> & *markets* _wobble_ `again`",
            body="Prices rose 5 < 6 > 4 & more. Traders said *wow*. The index rose 4.3% 📈.",
            links=[
                SourceLink("Markets & <Money>", TRICKY_URL, article_id=1),
                SourceLink("Plain title", "https://example.org/a_b*c", article_id=2),
            ],
            method="llm",
            article_ids=[1, 2],
            note="Sources disagree on the *exact* figure.",
        ),
        DigestItem(
            headline="डीपसीक ने बाज़ार हिलाया 🚀",
            body=(
                "चीनी स्टार्टअप डीपसीक ने नया मॉडल जारी किया।निवेशकों ने तुरंत प्रतिक्रिया दी। क्या यह टिकेगा?"
            ),
            links=[SourceLink("समाचार <हिंदी> & विश्लेषण", "https://hi.example.in/डीपसीक?x=1&y=2")],
            method="extract",
            article_ids=[3],
            note="यह अंश अनूदित नहीं है।",
        ),
    ]
    return Digest(lang=lang, title="Today's digest <test> & more", items=items, created_at=NOW)


def corpus_text(index: int) -> str:
    """The text of one real scraped Hindi article."""
    return sorted(CORPUS.glob("*.txt"))[index].read_text(encoding="utf-8")


def long_hindi_digest(*, items: int = 8, body_chars: int = 2500) -> Digest:
    """Eight items with long bodies taken from the corpus: far more than one message holds."""
    texts = [" ".join(corpus_text(i % 5).split()) for i in range(items)]
    return Digest(
        lang="hi",
        title="आज की ख़बरें",
        items=[
            DigestItem(
                headline=f"ख़बर {n}: {text[:60]}",
                body=text[:body_chars],
                links=[SourceLink(f"स्रोत {n}", f"https://example.in/{n}?a=1&b=2", article_id=n)],
                method="extract",
                article_ids=[n],
            )
            for n, text in enumerate(texts, start=1)
        ],
        created_at=NOW,
    )
