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


def test_a_page_whose_title_is_the_outlets_name_is_headlined_by_its_article():
    story = [
        "A storm that came ashore overnight knocked out power to about 40,000 homes along "
        "the coast, the utility said on Tuesday morning.",
        "Crews from three states were on their way, and the company said most customers "
        "would have power back by Thursday evening.",
    ]
    body = "".join(f"<p>{p}</p>" for p in story)
    html = f"""<!doctype html><html><head><meta charset="utf-8"><title>ABC News</title>
<meta property="og:title" content="ABC News"><meta property="og:site_name" content="ABC News">
</head><body><nav><a href="/">ABC News</a></nav>
<article><h1>Storm knocks out power to 40,000 homes</h1>{body}</article></body></html>"""

    article = extract_page(html, url="https://abcnews.go.com/US/storm-power")

    assert article.title == "Storm knocks out power to 40,000 homes"
    assert story[0] in article.text


def test_an_og_title_ending_in_the_outlets_name_is_headlined_without_it():
    title = "Senate passes the farm bill after a week of talks"
    html = article_html(f"{title} | TheHill", corpus_paragraphs("003_0ae9590dfa13ca8e.txt"))
    html = html.replace("<head>", f'<head><meta property="og:title" content="{title} | TheHill">')

    article = extract_page(html, url="https://thehill.com/homenews/senate/farm-bill/")

    assert article.title == title
