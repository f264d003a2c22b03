"""How one ingest run treats many sources: every poll recorded, a broken reader contained."""

from __future__ import annotations

from bot.demo_data import SAMPLE_FEED
from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.sources import FetchedArticle, Source, SourceFetch
from bot.services.ingest import HEALTH_BATCH, ingest_due
from bot.sources.base import KnownUrls
from bot.sources.reader import WebSourceReader
from bot.text.normalize import normalize_text
from bot.text.similarity import content_hash
from tests.fakes.web_server import FakeWebServer
from tests.ingest.conftest import NOW, add_source, stored_source


async def test_every_failed_poll_of_a_large_run_is_recorded(
    uow_factory: UnitOfWorkFactory, server: FakeWebServer, reader: WebSourceReader
) -> None:
    count = HEALTH_BATCH + 20
    for n in range(count):
        await add_source(uow_factory, server.url(f"/gone/{n}.xml"))

    reports = await ingest_due(uow_factory, reader, now=NOW)

    assert len(reports) == count and all("HTTP 404" in (r.error or "") for r in reports)
    async with uow_factory() as uow:
        sources = await uow.sources.list()
    assert all(s.consecutive_failures == 1 and s.last_polled_at == NOW for s in sources)
    assert all(s.last_error and "HTTP 404" in s.last_error for s in sources)


class BrokenReader(WebSourceReader):
    """A reader that breaks its promise never to raise."""

    async def read(self, source: Source, *, known_urls: KnownUrls | None = None) -> SourceFetch:
        raise RuntimeError("bug in a parser")


async def test_a_reader_that_raises_becomes_the_sources_error(
    uow_factory: UnitOfWorkFactory,
) -> None:
    source = await add_source(uow_factory, "https://news.example/feed.xml")
    reader = BrokenReader()

    (report,) = await ingest_due(uow_factory, reader, now=NOW)
    await reader.aclose()

    stored = await stored_source(uow_factory, source.id)
    assert report.error == stored.last_error
    assert (
        stored.last_error is not None and "failed unexpectedly (RuntimeError)" in stored.last_error
    )
    assert stored.consecutive_failures == 1


async def test_read_texts_are_already_normalized_as_ingest_assumes() -> None:
    reader = WebSourceReader()
    fetch = await reader.read(Source(url=str(SAMPLE_FEED), name="sample", kind="file"))
    await reader.aclose()

    articles: list[FetchedArticle] = fetch.articles
    assert len(articles) == 5
    for article in articles:
        assert normalize_text(article.text) == article.text
        assert content_hash(article.text, normalized=True) == content_hash(article.text)
