"""Headlines of pages and feed items, without the outlet's name around them."""

from __future__ import annotations

import json

from bot.sources.articles import article_from_entry
from bot.sources.feed_entries import FeedEntry
from bot.sources.headlines import page_headline, strip_outlet_name

HEADLINE = "Storm knocks out power to 40,000 homes on the coast"


def page(head: str, body: str = "") -> str:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def ld_json(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_a_title_that_is_the_outlets_name_gives_way_to_the_articles_h1():
    html = page(
        '<title>ABC News</title><meta property="og:site_name" content="ABC News">',
        f"<header><a href='/'>ABC News</a></header><article><h1>{HEADLINE}</h1><p>…</p></article>",
    )

    assert page_headline(html, url="https://abcnews.go.com/US/story?id=1") == HEADLINE


def test_a_site_wide_og_title_is_known_by_the_host_name_alone():
    html = page(
        '<meta property="og:title" content="ABC News"><title>ABC News</title>',
        f"<h1>{HEADLINE}</h1>",
    )

    assert page_headline(html, url="https://abcnews.go.com/US/story?id=1") == HEADLINE


def test_a_trailing_outlet_name_spelled_out_from_the_host_is_dropped():
    for title, url in [
        (f"{HEADLINE} - The New York Times", "https://www.nytimes.com/2026/06/01/us/storm.html"),
        (f"{HEADLINE} | TheHill", "https://thehill.com/homenews/storm/"),
        (f"{HEADLINE} – TechCrunch", "https://techcrunch.com/2026/06/01/storm/"),
        (f"{HEADLINE} | BBC News", "https://www.bbc.co.uk/news/articles/c1"),
    ]:
        html = page(f'<meta property="og:title" content="{title}"><title>{title}</title>')

        assert page_headline(html, url=url) == HEADLINE, title


def test_a_leading_outlet_name_from_og_site_name_is_dropped():
    html = page(
        f'<meta property="og:site_name" content="Daily Ledger"><title>Daily Ledger · {HEADLINE}'
        "</title>",
        "<h1>Daily Ledger</h1><h1>Weather</h1>",
    )

    assert page_headline(html, url="https://ledger.example/weather/1") == HEADLINE


def test_a_json_ld_headline_wins_over_a_title_that_names_the_publisher():
    html = page(
        "<title>Krant van het Noorden</title>"
        + ld_json(
            {
                "@context": "https://schema.org",
                "@graph": [
                    {"@type": "WebSite", "name": "Krant van het Noorden"},
                    {
                        "@type": "NewsArticle",
                        "headline": HEADLINE,
                        "publisher": {"@type": "Organization", "name": "Krant van het Noorden"},
                    },
                ],
            }
        )
    )

    assert page_headline(html, url="https://kvhn.example/a/1") == HEADLINE


def test_what_the_title_adds_to_the_h1_is_taken_for_the_outlets_name():
    html = page(
        f'<meta property="og:title" content="{HEADLINE} :: Kustbode">',
        f"<article><h1>{HEADLINE}</h1></article>",
    )

    assert page_headline(html, url="https://kb.example/1") == HEADLINE


def test_a_headline_next_to_a_logo_h1_is_not_taken_for_an_outlet_name():
    html = page(f"<title>ABC News | {HEADLINE}</title>", "<h1>ABC News</h1>")

    assert page_headline(html, url="https://abc.example/1") == HEADLINE


def test_separators_inside_a_headline_are_kept():
    title = "India vs Australia - live score and updates from Perth"
    html = page(f'<meta property="og:title" content="{title}"><title>{title}</title>')

    assert page_headline(html, url="https://cricket.example/live/1") == title


def test_a_hindi_headline_keeps_its_vowel_signs_and_loses_the_outlets_name():
    html = page(
        '<meta property="og:site_name" content="ताज़ा टाइम">'
        "<title>क्या डीपसीक मोमेंट्स अब नया सामान्य है? | ताज़ा टाइम</title>"
    )

    assert page_headline(html, url="https://news.example/1") == (
        "क्या डीपसीक मोमेंट्स अब नया सामान्य है?"
    )


def test_a_page_that_names_only_its_outlet_has_no_headline():
    html = page('<title>ABC News</title><meta property="og:site_name" content="ABC News">')

    assert page_headline(html, url="https://abcnews.go.com/", fallback="ABC News") is None


def test_a_feed_items_trailing_outlet_name_is_dropped():
    entry = FeedEntry(
        url="https://techcrunch.com/2026/06/01/storm/",
        title=f"{HEADLINE} - TechCrunch",
        content="The storm reached the coast overnight. " * 5,
    )

    article = article_from_entry(entry, lang_hint="en")

    assert article is not None
    assert article.title == HEADLINE
    assert strip_outlet_name("TechCrunch", url=entry.url) == "TechCrunch"
