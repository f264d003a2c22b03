"""A stored, ingested sample feed and the real edges around it, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from bot.adapters.pacing import Rate
from bot.demo_data import SAMPLE_FEED
from bot.digest.compose import OfflineDigestComposer
from bot.domain.articles import Article, Summary
from bot.domain.languages import Lang
from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.sources import Source
from bot.services.ingest import ingest_due
from bot.services.publish import DigestMaker
from bot.sources.reader import WebSourceReader
from bot.summarize.offline import ExtractiveSummarizer

TOKEN = "7012345678:AAF-service_tests_token_for_the_fake_only"
FAST = Rate(200, 1.0)
NOW = datetime(2026, 11, 26, 8, 5, tzinfo=UTC)


class CountingSummarizer(ExtractiveSummarizer):
    """The offline summarizer, recording every article it was asked to summarize."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[int | None, Lang]] = []

    async def summarize(self, article: Article, lang: Lang, *, style_note: str = "") -> Summary:
        self.calls.append((article.id, lang))
        return await super().summarize(article, lang, style_note=style_note)


@dataclass
class Pipeline:
    uow_factory: UnitOfWorkFactory
    reader: WebSourceReader
    summarizer: CountingSummarizer
    maker: DigestMaker
    source_id: int


@pytest.fixture
async def pipeline(uow_factory: UnitOfWorkFactory) -> AsyncIterator[Pipeline]:
    reader = WebSourceReader()
    async with uow_factory() as uow:
        source = await uow.sources.add(Source(url=str(SAMPLE_FEED), name="sample", kind="file"))
        await uow.commit()
    assert source.id is not None
    (report,) = await ingest_due(uow_factory, reader, now=NOW, only=[source.id])
    assert report.new == 5, report
    summarizer = CountingSummarizer()
    maker = DigestMaker(summarizer, summarizer, OfflineDigestComposer())
    yield Pipeline(uow_factory, reader, summarizer, maker, source.id)
    await reader.aclose()
