"""Ingest against a real server serving the feed shapes the web actually sends.

Every shape ends in stored articles, or in the source's `last_error` holding a specific
message with its failure counted; `ingest_due` itself never raises.
"""

from __future__ import annotations

import tracemalloc
import zlib
from collections.abc import Callable
from datetime import timedelta

import pytest
from aiohttp import web

from bot.domain.repositories import UnitOfWorkFactory
from bot.services.ingest import ingest_due
from bot.sources.http import SafeHttpClient
from bot.sources.reader import WebSourceReader
from tests.fakes.web_server import FakeWebServer
from tests.ingest.conftest import NOW, add_source, rss, stored_source
from tests.sources.html_pages import article_html, corpus_paragraphs

MB = 1024 * 1024
HINDI = "डीपसीक ने बाजार में हलचल मचा दी है और निवेशक नए मॉडल की चर्चा कर रहे हैं। " * 12
OTHER = "मानसून की बारिश इस साल सामान्य से अधिक रही और किसानों ने खरीफ की बुवाई जल्दी शुरू की। " * 12
RSS = "application/rss+xml"


async def endless_body(request: web.Request) -> web.StreamResponse:
    """50 MB of feed-looking bytes, chunked, with no Content-Length to refuse it early."""
    response = web.StreamResponse(headers={"Content-Type": RSS})
    response.enable_chunked_encoding()
    await response.prepare(request)
    await response.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>')
    chunk = b"x" * (256 * 1024)
    for _ in range(200):
        await response.write(chunk)
    return response


async def gzip_bomb(request: web.Request) -> web.StreamResponse:
    """1 GB of zeros in about 1 MB of gzip."""
    response = web.StreamResponse(headers={"Content-Encoding": "gzip", "Content-Type": RSS})
    response.enable_chunked_encoding()
    await response.prepare(request)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    await response.write(compressor.compress(bytes(MB)) + compressor.flush(zlib.Z_FULL_FLUSH))
    block = compressor.compress(bytes(MB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    for _ in range(1023):
        await response.write(block)
    await response.write(compressor.flush())
    return response


def billion_laughs() -> str:
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{entities}]>'
        "<rss version='2.0'><channel><title>&l9;</title></channel></rss>"
    )


Setup = Callable[[FakeWebServer], None]


def serve_garbage(server: FakeWebServer) -> None:
    server.serve("/feed", "<rss><channel><<<>>> not xml at all", content_type=RSS)


def serve_endless(server: FakeWebServer) -> None:
    server.route("/feed", endless_body)


def serve_bomb(server: FakeWebServer) -> None:
    server.route("/feed", gzip_bomb)


def serve_laughs(server: FakeWebServer) -> None:
    server.serve("/feed", billion_laughs(), content_type=RSS)


def serve_loop(server: FakeWebServer) -> None:
    server.redirect("/feed", "/elsewhere")
    server.redirect("/elsewhere", "/feed")


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (serve_garbage, "is not an RSS, Atom or JSON feed"),
        (serve_endless, "larger than 5 MB once decompressed"),
        (serve_bomb, "larger than 5 MB once decompressed"),
        (serve_laughs, "declares XML entities"),
        (serve_loop, "redirects in a loop"),
    ],
    ids=["malformed-xml", "50-mb-body", "gzip-bomb", "billion-laughs", "redirect-loop"],
)
async def test_hostile_feed_ends_in_a_specific_error_with_bounded_memory(
    uow_factory: UnitOfWorkFactory,
    server: FakeWebServer,
    reader: WebSourceReader,
    setup: Setup,
    message: str,
) -> None:
    setup(server)
    source = await add_source(uow_factory, server.url("/feed"))

    tracemalloc.start()
    try:
        (report,) = await ingest_due(uow_factory, reader, now=NOW)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    stored = await stored_source(uow_factory, source.id)
    assert report.failed and stored.last_error == report.error
    assert message in (stored.last_error or "")
    assert stored.consecutive_failures == 1 and stored.enabled
    assert stored.next_poll_at is not None and stored.next_poll_at > NOW + source.poll_interval
    assert peak < 50 * MB, f"{peak / MB:.0f} MB traced"


async def test_malformed_feed_keeps_the_items_that_are_whole(
    uow_factory: UnitOfWorkFactory, server: FakeWebServer, reader: WebSourceReader
) -> None:
    feed = rss(
        "टूटा", [("पहली खबर", server.url("/1"), HINDI), ("दूसरी खबर", server.url("/2"), OTHER)]
    )
    broken = feed.replace("</channel></rss>", "<item><title>अधूरी & <b>खबर</title>")
    server.serve("/feed", broken, content_type=RSS)
    source = await add_source(uow_factory, server.url("/feed"))

    (report,) = await ingest_due(uow_factory, reader, now=NOW)

    assert (report.new, report.error) == (2, None)
    assert (await stored_source(uow_factory, source.id)).consecutive_failures == 0


async def test_feed_with_a_wrong_charset_is_stored_as_readable_hindi(
    uow_factory: UnitOfWorkFactory, server: FakeWebServer, reader: WebSourceReader
) -> None:
    feed = rss("हिंदी", [("खबर", server.url("/k"), HINDI)]).replace('"utf-8"', '"ISO-8859-1"')
    server.serve("/feed", feed.encode(), content_type="application/rss+xml; charset=iso-8859-1")
    await add_source(uow_factory, server.url("/feed"))

    (report,) = await ingest_due(uow_factory, reader, now=NOW)

    async with uow_factory() as uow:
        (article,) = await uow.articles.get_many(report.new_article_ids)
    assert article.title == "खबर" and article.text == HINDI.strip() and article.lang == "hi"


async def test_teaser_only_feed_stores_the_full_articles(
    uow_factory: UnitOfWorkFactory, server: FakeWebServer, reader: WebSourceReader
) -> None:
    paragraphs = corpus_paragraphs("001_e4b783df8972d358.txt")
    server.serve("/story", article_html("AI अनुप्रयोगों का वर्ष", paragraphs))
    teaser = "AI अनुप्रयोगों का वर्ष… और पढ़ें"
    server.serve(
        "/feed", rss("टीज़र", [("AI का वर्ष", server.url("/story"), teaser)]), content_type=RSS
    )
    await add_source(uow_factory, server.url("/feed"))

    (report,) = await ingest_due(uow_factory, reader, now=NOW)

    async with uow_factory() as uow:
        (article,) = await uow.articles.get_many(report.new_article_ids)
    assert paragraphs[0] in article.text and paragraphs[-1] in article.text
    assert "और पढ़ें" not in article.text and "सर्वाधिकार" not in article.text
    assert article.author == "Katherine Thorbecke"


async def test_unchanged_feed_costs_one_request_and_stores_nothing(
    uow_factory: UnitOfWorkFactory, server: FakeWebServer, reader: WebSourceReader
) -> None:
    body = rss("स्थिर", [("खबर", server.url("/k"), HINDI)])

    async def feed(request: web.Request) -> web.StreamResponse:
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304, headers={"ETag": '"v1"'})
        return web.Response(text=body, content_type=RSS, headers={"ETag": '"v1"'})

    server.route("/feed", feed)
    source = await add_source(uow_factory, server.url("/feed"), poll_interval=timedelta(minutes=10))

    (first,) = await ingest_due(uow_factory, reader, now=NOW)
    requests_before = len(server.requests)
    (second,) = await ingest_due(uow_factory, reader, now=NOW + timedelta(minutes=10))

    assert first.new == 1 and not first.not_modified
    assert second.not_modified and (second.new, second.duplicates) == (0, 0)
    assert [r.path for r in server.requests[requests_before:]] == ["/feed"]
    stored = await stored_source(uow_factory, source.id)
    assert stored.etag == '"v1"' and stored.last_success_at == NOW + timedelta(minutes=10)


async def test_same_article_under_three_urls_is_stored_once(
    uow_factory: UnitOfWorkFactory, server: FakeWebServer, reader: WebSourceReader
) -> None:
    links = [
        server.url("/news/deepseek?utm_source=telegram&utm_medium=social"),
        server.url("/news/deepseek/amp/?amp=1"),
        server.url("/news/deepseek/#comments"),
    ]
    server.serve("/a", rss("a", [("डीपसीक", links[0], HINDI)]), content_type=RSS)
    server.serve(
        "/b",
        rss("b", [("डीपसीक!", links[1], HINDI), ("डीपसीक?", links[2], HINDI)]),
        content_type=RSS,
    )
    await add_source(uow_factory, server.url("/a"))
    await add_source(uow_factory, server.url("/b"))

    reports = await ingest_due(uow_factory, reader, now=NOW)

    assert sum(r.new for r in reports) == 1 and sum(r.duplicates for r in reports) == 2
    async with uow_factory() as uow:
        (article,) = await uow.articles.list_since(NOW, originals_only=False)
    assert article.canonical_url == server.url("/news/deepseek")


async def resolve_to_loopback(host: str, port: int) -> list[str]:
    return ["127.0.0.1"]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/redirect", "refused http://127.0.0.1:{port}/secret: 127.0.0.1 is a loopback address"),
        ("/direct", "news.example resolves to 127.0.0.1, a loopback address"),
    ],
    ids=["redirect-to-127.0.0.1", "name-resolving-to-127.0.0.1"],
)
async def test_feed_leading_to_loopback_is_refused_without_reaching_it(
    uow_factory: UnitOfWorkFactory, server: FakeWebServer, path: str, message: str
) -> None:
    server.redirect("/redirect", server.url("/secret"))
    server.serve(
        "/secret", rss("internal", [("secret", server.url("/s"), HINDI)]), content_type=RSS
    )
    url = server.url(path, host="feed.example" if path == "/redirect" else "news.example")
    source = await add_source(uow_factory, url)
    http = SafeHttpClient(private_hosts=frozenset({"feed.example"}), resolver=resolve_to_loopback)
    reader = WebSourceReader(http=http)

    (report,) = await ingest_due(uow_factory, reader, now=NOW)
    await http.aclose()

    stored = await stored_source(uow_factory, source.id)
    assert stored.last_error is not None and message.format(port=server.port) in stored.last_error
    assert "DIGESTBOT_ALLOW_PRIVATE_URLS" in stored.last_error
    assert stored.consecutive_failures == 1 and report.new == 0
    assert "/secret" not in [r.path for r in server.requests]
