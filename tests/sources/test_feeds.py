"""Feed parsing from bytes: formats, charsets, hostile XML and teasers."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest

from bot.sources.discovery import discover_feed_links
from bot.sources.errors import DocumentError
from bot.sources.feeds import is_teaser, looks_like_feed, parse_feed

HINDI_BODY = "डीपसीक ने बाजार में हलचल मचा दी है। " * 20


def rss(items: str, *, encoding: str = "utf-8", extra_ns: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        f'xmlns:media="http://search.yahoo.com/mrss/"{extra_ns}>'
        f"<channel><title>समाचार</title><link>https://news.example/</link>{items}</channel></rss>"
    )


def test_rss2_item_prefers_full_content_over_the_teaser():
    data = rss(
        "<item><title>डीपसीक की कहानी</title><link>https://news.example/a</link>"
        "<description>छोटा सार…</description>"
        f"<content:encoded><![CDATA[<p>{HINDI_BODY}</p><p>दूसरा अनुच्छेद।</p>"
        "<script>track()</script>]]></content:encoded>"
        "<pubDate>Mon, 02 Nov 2026 08:00:00 +0530</pubDate><author>desk@news.example (डेस्क)</author>"
        "<category>तकनीक</category>"
        '<media:content url="https://news.example/a.jpg" medium="image"/></item>'
    ).encode()

    feed = parse_feed(data, url="https://news.example/rss")

    assert feed.title == "समाचार"
    [entry] = feed.entries
    assert entry.url == "https://news.example/a"
    assert entry.content == f"{HINDI_BODY.strip()}\n\nदूसरा अनुच्छेद।"
    assert entry.summary == "छोटा सार…"
    assert not entry.needs_full_text
    assert entry.published_at == datetime(2026, 11, 2, 2, 30, tzinfo=UTC)
    assert entry.tags == ["तकनीक"]
    assert entry.image_url == "https://news.example/a.jpg"


def test_rss1_rdf_feed_is_read():
    data = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
  <channel rdf:about="https://news.example/"><title>RDF news</title><link>https://news.example/</link></channel>
  <item rdf:about="https://news.example/1"><title>One</title><link>https://news.example/1</link>
  <description>First story</description></item>
</rdf:RDF>"""

    feed = parse_feed(data)

    assert feed.title == "RDF news"
    assert [e.url for e in feed.entries] == ["https://news.example/1"]


def test_rss091_with_an_external_doctype_is_read_without_fetching_it():
    data = b"""<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
  "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old</title><link>https://old.example/</link>
<item><title>Story</title><link>https://old.example/s</link><description>Text</description></item>
</channel></rss>"""

    feed = parse_feed(data)

    assert feed.entries[0].title == "Story"


def test_atom_html_content_becomes_paragraphs_and_relative_links_resolve():
    data = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom news</title>
<entry><title>Entry</title><link href="/2026/11/entry"/><id>tag:x,2026:1</id>
<updated>2026-11-03T10:00:00Z</updated><author><name>Lata</name></author>
<content type="html">&lt;h2&gt;शीर्षक&lt;/h2&gt;
&lt;p&gt;{HINDI_BODY}&lt;br&gt;नई पंक्ति&lt;/p&gt;</content>
</entry></feed>""".encode()

    [entry] = parse_feed(data, url="https://atom.example/feed").entries

    assert entry.url == "https://atom.example/2026/11/entry"
    assert entry.author == "Lata"
    assert entry.content.split("\n\n")[0] == "शीर्षक"
    assert entry.content.endswith("नई पंक्ति")
    assert entry.published_at == datetime(2026, 11, 3, 10, tzinfo=UTC)


def test_json_feed_items_are_read_and_summary_only_items_marked_as_teasers():
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON news",
        "items": [
            {
                "id": "1",
                "url": "https://json.example/1",
                "title": "Full",
                "content_html": f"<p>{HINDI_BODY}</p>",
                "date_published": "2026-11-04T09:00:00+05:30",
                "authors": [{"name": "Asha"}],
                "tags": ["AI"],
            },
            {"id": "2", "url": "/2", "title": "Teaser", "summary": "Only a line. Read more"},
            {"id": "3", "title": "No URL, skipped", "content_text": "x"},
        ],
    }

    feed = parse_feed(json.dumps(document).encode(), url="https://json.example/feed.json")

    assert feed.title == "JSON news"
    full, teaser = feed.entries
    assert (full.author, full.tags, full.needs_full_text) == ("Asha", ["AI"], False)
    assert teaser.url == "https://json.example/2"
    assert teaser.needs_full_text


def test_utf8_hindi_feed_declaring_latin1_is_decoded_as_utf8():
    data = rss(
        "<item><title>हिंदी शीर्षक</title><link>https://news.example/h</link>"
        f"<description>{HINDI_BODY}</description></item>",
        encoding="ISO-8859-1",
    ).encode("utf-8")

    feed = parse_feed(data, charset="iso-8859-1")

    assert feed.entries[0].title == "हिंदी शीर्षक"
    assert feed.entries[0].content.startswith("डीपसीक ने बाजार")


def test_windows_1252_feed_declaring_utf8_does_not_crash():
    data = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Caf\xe9</title>'
        "<item><title>Caf\xe9 \u201cnews\u201d</title><link>https://news.example/c</link></item>"
        "</channel></rss>"
    ).encode("cp1252")

    feed = parse_feed(data, charset="utf-8")

    assert feed.entries[0].title == "Caf\xe9 \u201cnews\u201d"


def test_undecodable_bytes_never_crash_the_parser():
    data = rss("<item><title>ok</title><link>https://news.example/b</link></item>").encode()
    data = data.replace(b"ok", b"o\xff\xfe\x80k")

    feed = parse_feed(data)

    assert feed.entries[0].url == "https://news.example/b"


def test_text_that_is_not_a_feed_is_a_clear_error():
    with pytest.raises(DocumentError, match=r"is not an RSS, Atom or JSON feed.*not a page"):
        parse_feed(b"this is not xml <<< at all", url="https://news.example/rss")


def test_truncated_feed_keeps_the_items_that_arrived_whole():
    data = rss(
        "<item><title>One</title><link>https://news.example/1</link></item>"
        "<item><title>Two</title><link>https://news.example/2</link></item>"
    ).encode()[: -len("</channel></rss>")]

    feed = parse_feed(data)

    assert [e.url for e in feed.entries] == ["https://news.example/1", "https://news.example/2"]


def test_json_that_is_not_a_json_feed_is_refused():
    with pytest.raises(DocumentError, match=r"not a JSON Feed"):
        parse_feed(b'{"items": []}', url="https://json.example/api")


def test_billion_laughs_fails_fast_with_a_clear_error():
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    data = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">{entities}]>'
        "<rss><channel><title>&lol9;</title></channel></rss>"
    ).encode()

    started = time.monotonic()
    with pytest.raises(DocumentError, match=r"declares XML entities"):
        parse_feed(data, url="https://evil.example/rss")
    assert time.monotonic() - started < 0.5


def test_external_entity_is_refused():
    data = b"""<?xml version="1.0"?>
<!-- <rss> decoy --><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss><channel><title>&xxe;</title></channel></rss>"""

    with pytest.raises(DocumentError, match=r"declares XML entities"):
        parse_feed(data)


@pytest.mark.parametrize(
    ("body", "teaser"),
    [
        ("short", True),
        (HINDI_BODY, False),
        (HINDI_BODY + " और पढ़ें »", True),
        (HINDI_BODY + " Continue reading →", True),
        (HINDI_BODY + " […]", True),
    ],
)
def test_teasers_are_recognised(body, teaser):
    assert is_teaser(body) is teaser


def test_feed_sniffing():
    assert looks_like_feed('<?xml version="1.0"?><rss version="2.0">')
    assert looks_like_feed("<feed xmlns='http://www.w3.org/2005/Atom'>")
    assert looks_like_feed('{"version": "https://jsonfeed.org/version/1"}')
    assert not looks_like_feed("<!doctype html><html><body>")


def test_front_page_feed_links_are_discovered_in_page_order():
    html = """<html><head><base href="https://site.example/hi/">
    <link rel="stylesheet" href="/style.css">
    <link rel="alternate" type="application/rss+xml" title="RSS" href="feed.xml">
    <link rel="Alternate" type="application/atom+xml" href="https://site.example/atom">
    <link rel="alternate" type="text/html" hreflang="en" href="/en/">
    <link rel="alternate" type="application/feed+json" href="/feed.json">
    </head></html>"""

    assert discover_feed_links(html, "https://site.example/") == [
        "https://site.example/hi/feed.xml",
        "https://site.example/atom",
        "https://site.example/feed.json",
    ]


def test_page_without_feed_links_discovers_nothing():
    assert (
        discover_feed_links("<html><head><title>x</title></head></html>", "https://a.example/")
        == []
    )
