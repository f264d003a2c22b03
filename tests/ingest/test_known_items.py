"""A changed feed or sitemap still lists the items stored before: they are neither fetched
nor cleaned again, and count as duplicates."""

from __future__ import annotations

from html import escape
from typing import Any, cast

from aiohttp import web

from bot.domain.repositories import UnitOfWork, UnitOfWorkFactory
from bot.services.ingest import ingest_due
from bot.sources.reader import WebSourceReader
from tests.fakes.web_server import FakeWebServer
from tests.ingest.conftest import NOW, add_source, rss
from tests.sources.html_pages import article_html, corpus_paragraphs

RSS = "application/rss+xml"
CORPUS = [
    "001_e4b783df8972d358.txt",
    "002_0d013a59c1de282a.txt",
    "003_0ae9590dfa13ca8e.txt",
]


def serve_stories(server: FakeWebServer) -> list[str]:
    """Three full article pages (corpus articles); their URLs."""
    urls = []
    for n, name in enumerate(CORPUS):
        server.serve(f"/story/{n}", article_html(f"खबर {n}", corpus_paragraphs(name)))
        urls.append(server.url(f"/story/{n}"))
    return urls


def page_requests(server: FakeWebServer) -> list[str]:
    return [r.path for r in server.requests if r.path.startswith("/story/")]


def changing(server: FakeWebServer, path: str, versions: list[tuple[str, str]]) -> None:
    """Serve `path` as each (body, content type) in turn, one version per request."""

    async def handler(request: web.Request) -> web.StreamResponse:
        body, content_type = versions[0] if len(versions) == 1 else versions.pop(0)
        return web.Response(text=body, content_type=content_type)

    server.route(path, handler)


async def test_a_changed_teaser_feed_fetches_only_the_new_items_page(
    uow_factory: UnitOfWorkFactory, server: FakeWebServer, reader: WebSourceReader
) -> None:
    urls = serve_stories(server)
    teasers = [(f"खबर {n}", url, "एक झलक… और पढ़ें") for n, url in enumerate(urls)]
    changing(server, "/feed", [(rss("टीज़र", teasers[:2]), RSS), (rss("टीज़र", teasers), RSS)])
    source = await add_source(uow_factory, server.url("/feed"))

    (first,) = await ingest_due(uow_factory, reader, now=NOW)
    assert (first.new, first.duplicates) == (2, 0)
    assert sorted(page_requests(server)) == ["/story/0", "/story/1"]

    server.requests.clear()
    (second,) = await ingest_due(uow_factory, reader, now=NOW, only=[source.id or 0])

    assert (second.new, second.duplicates, second.error) == (1, 2, None)
    assert page_requests(server) == ["/story/2"]


async def test_a_sitemap_poll_fetches_only_the_pages_it_has_not_stored(
    uow_factory: UnitOfWorkFactory, server: FakeWebServer, reader: WebSourceReader
) -> None:
    urls = serve_stories(server)
    changing(
        server,
        "/sitemap.xml",
        [(news_sitemap(urls[:2]), "application/xml"), (news_sitemap(urls), "application/xml")],
    )
    source = await add_source(uow_factory, server.url("/sitemap.xml"), kind="sitemap")

    (first,) = await ingest_due(uow_factory, reader, now=NOW)
    server.requests.clear()
    (second,) = await ingest_due(uow_factory, reader, now=NOW, only=[source.id or 0])

    assert (first.new, second.new, second.duplicates, second.error) == (2, 1, 2, None)
    assert page_requests(server) == ["/story/2"]


async def test_an_unchanged_listing_of_stored_items_reads_nothing_and_stores_nothing(
    uow_factory: UnitOfWorkFactory, server: FakeWebServer, reader: WebSourceReader
) -> None:
    urls = serve_stories(server)
    teasers = [(f"खबर {n}", url, "एक झलक… और पढ़ें") for n, url in enumerate(urls)]
    server.serve("/feed", rss("टीज़र", teasers), content_type=RSS)  # no ETag: always 200
    source = await add_source(uow_factory, server.url("/feed"))
    await ingest_due(uow_factory, reader, now=NOW)
    server.requests.clear()

    (again,) = await ingest_due(uow_factory, reader, now=NOW, only=[source.id or 0])

    assert (again.new, again.duplicates, again.error) == (0, 3, None)
    assert page_requests(server) == []


def news_sitemap(urls: list[str]) -> str:
    entries = "".join(
        f"<url><loc>{escape(url)}</loc><news:news><news:publication><news:name>N</news:name>"
        f"<news:language>hi</news:language></news:publication>"
        f"<news:publication_date>2026-11-2{n}T08:00:00+05:30</news:publication_date>"
        f"<news:title>खबर {n}</news:title></news:news></url>"
        for n, url in enumerate(urls)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><urlset '
        'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"{entries}</urlset>"
    )


async def test_a_failed_lookup_of_stored_items_reads_everything_instead(
    uow_factory: UnitOfWorkFactory, server: FakeWebServer, reader: WebSourceReader
) -> None:
    urls = serve_stories(server)
    teasers = [(f"खबर {n}", url, "एक झलक… और पढ़ें") for n, url in enumerate(urls)]
    server.serve("/feed", rss("टीज़र", teasers), content_type=RSS)
    source = await add_source(uow_factory, server.url("/feed"))
    await ingest_due(uow_factory, reader, now=NOW)
    server.requests.clear()

    def failing_lookups() -> UnitOfWork:
        return cast(UnitOfWork, FailingRecentUrls(uow_factory()))

    (again,) = await ingest_due(failing_lookups, reader, now=NOW, only=[source.id or 0])

    assert (again.new, again.duplicates, again.error) == (0, 3, None)
    assert len(page_requests(server)) == 3  # read again, then recognised as stored


class FailingRecentUrls:
    """A unit of work whose lookup of a source's stored URLs fails (the database hiccups)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __aenter__(self) -> UnitOfWork:
        uow = await self._uow.__aenter__()

        async def broken(source_id: int, *, limit: int) -> frozenset[str]:
            raise ConnectionError("database connection lost")

        uow.articles.recent_urls = broken  # type: ignore[method-assign]
        return uow

    async def __aexit__(self, *exc: Any) -> None:
        await self._uow.__aexit__(*exc)
