"""WebSourceReader against a local web server and local files: what a poll delivers."""

from __future__ import annotations

import gzip
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.demo_data import SAMPLE_FEED
from bot.domain.sources import Source
from bot.errors import SourceError
from bot.sources.http import SafeHttpClient
from bot.sources.reader import WebSourceReader, guess_kind
from tests.fakes.web_server import FakeWebServer
from tests.sources.html_pages import CORPUS, article_html, corpus_paragraphs

KAI_FU_LEE = "001_e4b783df8972d358.txt"
MOONSHOT = "003_0ae9590dfa13ca8e.txt"


@pytest.fixture
async def reader(http: SafeHttpClient) -> AsyncIterator[WebSourceReader]:
    reader = WebSourceReader(http=http)
    yield reader
    await reader.aclose()


def teaser_feed(server: FakeWebServer, stories: dict[str, str]) -> str:
    items = "".join(
        f"<item><title>{title}</title><link>{server.url(path)}</link>"
        f"<description>{title}… और पढ़ें</description></item>"
        for path, title in stories.items()
    )
    channel = f"<channel><title>टीज़र</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'


async def test_teaser_items_are_replaced_by_their_full_pages(server: FakeWebServer, reader):
    stories = {"/ai-2025": "AI अनुप्रयोगों का वर्ष", "/kimi": "क्या डीपसीक मोमेंट्स अब नया सामान्य है?"}
    server.serve("/ai-2025", article_html(stories["/ai-2025"], corpus_paragraphs(KAI_FU_LEE)))
    server.serve("/kimi", article_html(stories["/kimi"], corpus_paragraphs(MOONSHOT)))
    server.serve("/rss", teaser_feed(server, stories), content_type="application/rss+xml")

    fetch = await reader.read(Source(url=server.url("/rss"), name="teasers"))

    assert fetch.error is None
    assert fetch.title == "टीज़र"
    assert [a.title for a in fetch.articles] == list(stories.values())
    assert all(len(a.text) > 2000 and a.lang == "hi" for a in fetch.articles)
    assert corpus_paragraphs(MOONSHOT)[1] in fetch.articles[1].text
    assert {r.path for r in server.requests} == {"/rss", "/ai-2025", "/kimi"}


async def test_teaser_whose_page_fails_keeps_the_teaser(server: FakeWebServer, reader):
    server.serve("/rss", teaser_feed(server, {"/gone": "गायब खबर"}), content_type="application/xml")

    fetch = await reader.read(Source(url=server.url("/rss"), name="teasers"))

    assert fetch.error is None
    assert [a.text for a in fetch.articles] == ["गायब खबर… और पढ़ें"]


async def test_unchanged_feed_is_not_modified_on_the_next_poll(server: FakeWebServer, reader):
    async def feed(request: web.Request) -> web.StreamResponse:
        if request.headers.get("If-None-Match") == '"v7"':
            return web.Response(status=304, headers={"ETag": '"v7"'})
        body = SAMPLE_FEED.read_bytes()
        return web.Response(body=body, content_type="application/rss+xml", headers={"ETag": '"v7"'})

    server.route("/rss", feed)
    source = Source(url=server.url("/rss"), name="sample")

    first = await reader.read(source)
    source.etag, source.last_modified = first.etag, first.last_modified
    second = await reader.read(source)

    assert len(first.articles) == 5 and first.etag == '"v7"'
    assert second.not_modified and second.articles == [] and second.etag == '"v7"'


async def test_same_article_under_three_urls_has_one_canonical_url(server: FakeWebServer, reader):
    body = "डीपसीक ने बाजार में हलचल मचा दी है। " * 20
    links = [
        server.url("/news/deepseek?utm_source=telegram&utm_medium=social"),
        server.url("/news/deepseek/amp/?amp=1"),
        server.url("/news/deepseek/"),
    ]
    items = "".join(
        f"<item><title>डीपसीक</title><link>{link.replace('&', '&amp;')}</link>"
        f"<description>{body}</description></item>"
        for link in links
    )
    server.serve("/rss", f'<rss version="2.0"><channel><title>x</title>{items}</channel></rss>')

    fetch = await reader.read(Source(url=server.url("/rss"), name="dupes"))

    assert [a.url for a in fetch.articles] == links
    assert {a.canonical_url for a in fetch.articles} == {server.url("/news/deepseek")}


async def test_front_page_leads_to_the_feed_it_links(server: FakeWebServer, reader):
    server.serve(
        "/",
        '<html><head><link rel="alternate" type="application/rss+xml" href="/feed">'
        "</head><body>होम</body></html>",
    )
    server.serve("/feed", teaser_feed(server, {"/x": "खबर"}), content_type="application/rss+xml")

    polled = await reader.read(Source(url=server.url("/"), name="site"))
    probed = await reader.probe(server.url("/"))

    assert [a.title for a in polled.articles] == ["खबर"]
    assert polled.source_url == server.url("/")
    assert probed.source_url == server.url("/feed")
    assert probed.title == "टीज़र" and probed.error is None


async def test_front_page_without_a_feed_says_so(server: FakeWebServer, reader):
    server.serve("/", "<html><head><title>होम</title></head><body>होम</body></html>")

    fetch = await reader.read(Source(url=server.url("/"), name="site"))

    assert fetch.error is not None
    assert "links to no RSS, Atom or JSON feed" in fetch.error
    assert "\n" not in fetch.error


async def test_failures_come_back_as_one_line_errors_never_raised(server: FakeWebServer, reader):
    server.serve("/broken", b"<rss><channel><item><title>x", content_type="application/xml")
    server.serve("/teapot", "no", status=418)

    broken = await reader.read(Source(url=server.url("/broken"), name="b"))
    teapot = await reader.read(Source(url=server.url("/teapot"), name="t"))
    refused = await reader.read(Source(url="file:///etc/passwd", name="p"))

    assert broken.error is not None and "not an RSS, Atom or JSON feed" in broken.error
    assert teapot.error is not None and "HTTP 418" in teapot.error
    assert refused.error is not None and "refused file:///etc/passwd" in refused.error


async def test_strict_reader_refuses_the_local_server(server: FakeWebServer):
    server.serve("/rss", "<rss/>")
    strict = WebSourceReader()
    try:
        fetch = await strict.read(Source(url=server.url("/rss"), name="local"))
    finally:
        await strict.aclose()

    assert fetch.error is not None
    assert "127.0.0.1 is a loopback address; set DIGESTBOT_ALLOW_PRIVATE_URLS=true" in fetch.error
    assert server.requests == []


async def test_gzip_bomb_feed_is_an_error_not_a_crash(server: FakeWebServer, reader):
    server.serve(
        "/rss", gzip.compress(bytes(20 * 1024 * 1024)), headers={"Content-Encoding": "gzip"}
    )

    fetch = await reader.read(Source(url=server.url("/rss"), name="bomb"))

    assert fetch.error is not None and "larger than 5 MB once decompressed" in fetch.error


async def test_page_source_yields_its_one_article(server: FakeWebServer, reader):
    server.serve("/kimi", article_html("किमी K2", corpus_paragraphs(MOONSHOT)))

    fetch = await reader.read(
        Source(url=server.url("/kimi"), name="page", kind="page", lang_hint="en")
    )

    [article] = fetch.articles
    assert article.title == "किमी K2" and article.lang == "en"


async def test_sitemap_source_reads_the_listed_articles(server: FakeWebServer, reader):
    server.serve("/a", article_html("पहली खबर", corpus_paragraphs(KAI_FU_LEE)))
    server.serve("/b", article_html("दूसरी खबर", corpus_paragraphs(MOONSHOT)))
    urls = "".join(
        f"<url><loc>{server.url(p)}</loc><lastmod>2026-11-0{d}</lastmod></url>"
        for p, d in (("/a", 1), ("/b", 2))
    )
    sitemap = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    server.serve(
        "/sitemap.xml.gz", gzip.compress(sitemap.encode()), content_type="application/gzip"
    )

    fetch = await reader.read(Source(url=server.url("/sitemap.xml.gz"), name="s", kind="sitemap"))

    assert fetch.error is None
    assert [a.title for a in fetch.articles] == ["दूसरी खबर", "पहली खबर"]


async def test_extract_reads_one_article_from_a_url(server: FakeWebServer, reader):
    server.serve("/kimi", article_html("किमी K2", corpus_paragraphs(MOONSHOT)))
    server.serve("/rss", teaser_feed(server, {"/kimi": "किमी"}), content_type="application/rss+xml")

    article = await reader.extract(server.url("/kimi"))

    assert article.title == "किमी K2" and article.lang == "hi"
    with pytest.raises(SourceError, match=r"is a feed, not an article; add it as a source"):
        await reader.extract(server.url("/rss"))


async def test_extract_cleans_local_markdown_and_html_files(tmp_path: Path, reader):
    markdown = tmp_path / "post.md"
    markdown.write_text(
        (CORPUS / "004_82591d8d654ccadf.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    page = tmp_path / "page.html"
    page.write_text(article_html("किमी K2", corpus_paragraphs(MOONSHOT)), encoding="utf-8")

    from_markdown = await reader.extract(str(markdown))
    from_html = await reader.extract(page.as_uri())

    assert from_markdown.title.startswith("डीपसीक की ओपन-सोर्स क्रांति")
    assert "---" not in from_markdown.text and "**" not in from_markdown.text
    assert from_markdown.tags[:2] == ["एआई", "ओपन-सोर्स"]
    assert from_markdown.url == markdown.resolve().as_uri() and from_markdown.lang == "hi"
    assert from_html.title == "किमी K2"


async def test_missing_local_file_is_a_clear_error(tmp_path: Path, reader):
    with pytest.raises(SourceError, match=r"no such file .*missing.txt; check the path"):
        await reader.extract(str(tmp_path / "missing.txt"))


async def test_file_source_is_not_modified_until_the_file_changes(tmp_path: Path, reader):
    path = tmp_path / "note.txt"
    path.write_text("शीर्षक\n\n" + "यह एक स्थानीय लेख है। " * 10, encoding="utf-8")
    source = Source(url=str(path), name="note", kind="file")

    first = await reader.read(source)
    source.last_modified = first.last_modified
    unchanged = await reader.read(source)
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 60))
    changed = await reader.read(source)

    assert [a.title for a in first.articles] == ["शीर्षक"]
    assert unchanged.not_modified
    assert not changed.not_modified and len(changed.articles) == 1


async def test_probe_refuses_local_paths_unless_files_are_allowed(reader):
    sample = str(CORPUS / KAI_FU_LEE)

    refused = await reader.probe(sample)
    allowed = await reader.probe(sample, allow_files=True)

    assert refused.error is not None and "only the operator can add files" in refused.error
    assert refused.articles == []
    assert allowed.error is None and allowed.articles[0].lang == "hi"


@pytest.mark.parametrize(
    ("location", "kind"),
    [
        ("https://news.example/rss", "feed"),
        ("https://news.example/", "feed"),
        ("https://news.example/sitemap-news.xml", "sitemap"),
        ("/srv/feeds/local.xml", "file"),
        ("./articles/post.md", "file"),
        ("file:///srv/feed.xml", "file"),
        ("~/news.txt", "file"),
    ],
)
def test_kind_is_guessed_from_the_location(location, kind):
    assert guess_kind(location) == kind


async def test_probe_adds_https_to_a_bare_host_name():
    strict = WebSourceReader()
    try:
        fetch = await strict.probe("localhost/feed")
    finally:
        await strict.aclose()

    assert fetch.source_url == "https://localhost/feed"
    assert fetch.error is not None and fetch.error.startswith("refused https://localhost/feed:")


async def test_billion_laughs_from_a_server_is_refused_quickly(server: FakeWebServer, reader):
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    server.serve(
        "/rss",
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{entities}]>'
        "<rss><channel><title>&l9;</title></channel></rss>",
        content_type="application/rss+xml",
    )

    fetch = await reader.read(Source(url=server.url("/rss"), name="laughs"))

    assert fetch.error is not None and "declares XML entities" in fetch.error


async def test_hindi_feed_served_with_a_wrong_charset_reads_correctly(
    server: FakeWebServer, reader
):
    body = "डीपसीक ने बाजार में हलचल मचा दी है। " * 20
    feed = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>हिंदी</title>'
        f"<item><title>खबर</title><link>{server.url('/k')}</link>"
        f"<description>{body}</description></item></channel></rss>"
    )
    server.serve(
        "/rss", feed.encode("utf-8"), content_type="application/rss+xml; charset=iso-8859-1"
    )

    fetch = await reader.read(Source(url=server.url("/rss"), name="charset"))

    assert fetch.title == "हिंदी"
    [article] = fetch.articles
    assert article.title == "खबर" and article.text == body.strip() and article.lang == "hi"
