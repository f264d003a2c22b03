"""An article two sources list is stored once, and both sources carry it: a channel that
follows only the second source still reads it, and neither source fetches its page again."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.repositories import UnitOfWorkFactory
from bot.services.ingest import ingest_due
from bot.sources.reader import WebSourceReader
from tests.fakes.web_server import FakeWebServer
from tests.ingest.conftest import NOW, add_source, rss
from tests.ingest.test_known_items import RSS, changing, page_requests, serve_stories


async def test_a_story_page_two_feeds_list_is_stored_once_and_carried_by_both(
    uow_factory: UnitOfWorkFactory, server: FakeWebServer, reader: WebSourceReader
) -> None:
    first_url, second_url, _ = serve_stories(server)
    teaser = "एक झलक… और पढ़ें"
    changing(server, "/national", [(rss("राष्ट्रीय", [("खबर 0", first_url, teaser)]), RSS)])
    changing(
        server,
        "/top",
        [(rss("मुख्य", [("खबर 0", first_url, teaser), ("खबर 1", second_url, teaser)]), RSS)],
    )
    national = await add_source(uow_factory, server.url("/national"))
    top = await add_source(uow_factory, server.url("/top"))
    assert national.id is not None and top.id is not None

    await ingest_due(uow_factory, reader, now=NOW, only=[national.id])
    (listed,) = await ingest_due(uow_factory, reader, now=NOW, only=[top.id])

    assert (listed.new, listed.duplicates) == (1, 1)
    assert page_requests(server).count("/story/0") == 2, "each source reads the page once"
    async with uow_factory() as uow:
        candidates = await uow.stories.candidates(NOW - timedelta(days=1))
    reports = {r.url: r for c in candidates for r in c.reports}
    shared = reports[first_url]
    assert (shared.source_id, shared.listed_by) == (national.id, frozenset({top.id}))
    top_only = [seen for c in candidates if (seen := c.only_from({top.id})) is not None]
    assert sorted(r.url for c in top_only for r in c.reports) == [first_url, second_url]
    national_only = [seen for c in candidates if (seen := c.only_from({national.id}))]
    assert [r.url for c in national_only for r in c.reports] == [first_url]

    server.requests.clear()
    (again,) = await ingest_due(uow_factory, reader, now=NOW, only=[top.id])
    assert (again.new, again.duplicates) == (0, 2)
    assert page_requests(server) == [], "a page the source listed before is not fetched again"


async def test_a_source_listing_its_own_article_again_records_nothing(
    uow_factory: UnitOfWorkFactory, server: FakeWebServer, reader: WebSourceReader
) -> None:
    (url, *_) = serve_stories(server)
    changing(server, "/feed", [(rss("फ़ीड", [("खबर 0", url, "पूरी खबर")]), RSS)])
    source = await add_source(uow_factory, server.url("/feed"))
    assert source.id is not None

    await ingest_due(uow_factory, reader, now=NOW)
    async with uow_factory() as uow:
        recorded = await uow.articles.record_listings(source.id, [url], [])
        candidates = await uow.stories.candidates(NOW - timedelta(days=1))

    assert recorded == 0
    assert [r.listed_by for c in candidates for r in c.reports] == [frozenset()]
