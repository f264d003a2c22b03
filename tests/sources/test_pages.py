"""Article extraction from HTML pages (trafilatura, then the text cleaner)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.sources.errors import DocumentError
from bot.sources.pages import extract_page
from tests.sources.html_pages import article_html, corpus_paragraphs

IST = timezone(timedelta(hours=5, minutes=30))


def test_article_text_and_metadata_come_out_of_a_real_article_page():
    paragraphs = corpus_paragraphs("003_0ae9590dfa13ca8e.txt")
    html = article_html(
        "क्या डीपसीक मोमेंट्स अब नया सामान्य है?",
        paragraphs,
        canonical="https://news.example/tech/story?utm_source=feed",
    )

    article = extract_page(html.encode("utf-8"), url="https://news.example/tech/story/amp/")

    assert article.title == "क्या डीपसीक मोमेंट्स अब नया सामान्य है?"
    assert "एक अल्पज्ञात चीनी एआई कंपनी" in article.text.split("\n\n")[0]
    assert paragraphs[1] in article.text
    for chrome in ("होम", "सर्वाधिकार", "इस तरह की और भी कहानियाँ"):
        assert chrome not in article.text
    assert article.canonical_url == "https://news.example/tech/story"
    assert article.author == "Katherine Thorbecke"
    assert article.image_url == "https://news.example/story.jpg"
    assert article.published_at == datetime(2026, 11, 5, 9, 15, tzinfo=IST)


def test_page_without_an_article_is_a_clear_error():
    html = "<html><body><nav><a href='/'>होम</a></nav><p>लॉगिन करें</p></body></html>"

    with pytest.raises(DocumentError, match=r"found no article text at https://news.example/"):
        extract_page(html, url="https://news.example/")
