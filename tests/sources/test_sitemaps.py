"""News sitemaps and sitemap indexes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.sources.errors import DocumentError
from bot.sources.sitemaps import parse_sitemap

NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://news.example/older</loc>
    <news:news><news:publication><news:name>News</news:name><news:language>hi</news:language>
    </news:publication><news:publication_date>2026-11-01T08:00:00+05:30</news:publication_date>
    <news:title>पुरानी खबर</news:title></news:news></url>
  <url><loc>https://news.example/newer</loc>
    <news:news><news:publication><news:name>News</news:name><news:language>hi</news:language>
    </news:publication><news:publication_date>2026-11-03</news:publication_date>
    <news:title>नई खबर</news:title></news:news></url>
  <url><loc>https://news.example/plain</loc><lastmod>2026-11-02T00:00:00Z</lastmod></url>
</urlset>""".encode()


def test_news_sitemap_lists_articles_newest_first_with_titles():
    sitemap = parse_sitemap(NEWS_SITEMAP, url="https://news.example/news-sitemap.xml")

    assert [(e.url, e.title) for e in sitemap.entries] == [
        ("https://news.example/newer", "नई खबर"),
        ("https://news.example/plain", None),
        ("https://news.example/older", "पुरानी खबर"),
    ]
    assert sitemap.entries[0].published_at == datetime(2026, 11, 3, tzinfo=UTC)
    assert sitemap.entries[0].language == "hi"


def test_entries_are_capped():
    assert len(parse_sitemap(NEWS_SITEMAP, max_entries=2).entries) == 2


def test_sitemap_index_lists_child_sitemaps_newest_first():
    data = b"""<?xml version="1.0"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://news.example/s-1.xml</loc><lastmod>2026-10-01</lastmod></sitemap>
  <sitemap><loc>https://news.example/s-2.xml</loc><lastmod>2026-11-01</lastmod></sitemap>
</sitemapindex>"""

    assert parse_sitemap(data).sitemaps == [
        "https://news.example/s-2.xml",
        "https://news.example/s-1.xml",
    ]


def test_feed_given_as_sitemap_is_a_clear_error():
    with pytest.raises(DocumentError, match=r"is not a sitemap .*<rss>"):
        parse_sitemap(b"<rss><channel/></rss>", url="https://news.example/rss")


def test_entity_declarations_in_a_sitemap_are_refused():
    with pytest.raises(DocumentError, match=r"declares XML entities"):
        parse_sitemap(b'<!DOCTYPE u [<!ENTITY a "b">]><urlset>&a;</urlset>')


def test_broken_sitemap_is_a_clear_error():
    with pytest.raises(DocumentError, match=r"not well-formed XML"):
        parse_sitemap(b"<urlset><url><loc>x</url>")
