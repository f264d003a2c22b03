"""The bundled sample feed: the corpus articles, raw, and readable as a local file source."""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from pathlib import Path

import defusedxml.ElementTree as SafeET

from bot.demo_data import SAMPLE_FEED
from bot.demo_data.build_sample_feed import build_sample_feed, corpus_files
from bot.domain.sources import Source
from bot.sources.reader import WebSourceReader

CORPUS = Path(__file__).parents[1] / "fixtures" / "corpus" / "hi"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
BOILERPLATE = (
    "प्रातिक्रिया दे",
    "आपका ईमेल पता प्रकाशित नहीं किया जाएगा",
    "इसी तरह की पोस्ट",
    "Site icon",
    "Exit mobile version",
    "Source link",
    "चित्र विवरण",
    "1टीपी8टी",
    "tech3_1734536499109_1734536513984.jpg",
    "title:",
    "---",
    "**",
    "###",
)


def test_committed_feed_carries_the_five_corpus_articles_verbatim():
    channel = SafeET.parse(SAMPLE_FEED).getroot().find("channel")
    items = channel.findall("item")
    fixtures = [path.read_text(encoding="utf-8") for path in corpus_files(CORPUS)]

    assert len(items) == len(fixtures) == 5
    assert [item.findtext(CONTENT) for item in items] == fixtures
    for item in items:
        assert item.findtext("title")
        assert item.findtext("link").startswith("https://example.org/")
        published = parsedate_to_datetime(item.findtext("pubDate"))
        assert (published.year, published.month) == (2026, 11)


def test_committed_feed_is_what_the_build_script_writes():
    assert SAMPLE_FEED.read_text(encoding="utf-8") == build_sample_feed(CORPUS), (
        "the sample feed is stale: run python -m bot.demo_data.build_sample_feed"
    )


async def test_sample_feed_reads_as_five_clean_hindi_articles():
    reader = WebSourceReader()
    try:
        fetch = await reader.read(Source(url=str(SAMPLE_FEED), name="sample", kind="file"))
    finally:
        await reader.aclose()

    assert fetch.error is None
    assert len(fetch.articles) == 5
    for article in fetch.articles:
        assert article.lang == "hi"
        assert len(article.text) > 2000
        assert article.canonical_url == article.url
        assert not any(junk in article.text for junk in BOILERPLATE), article.title
        assert article.title and article.title != article.text.split("\n\n")[0]
    assert fetch.articles[4].tags[:2] == ["एआई", "ओपन-सोर्स"]
