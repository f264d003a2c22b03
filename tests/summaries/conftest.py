"""The sample feed stored for real, the real openai client on a fake server, Markdown channels."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.markdown_file import MarkdownFileAdapter
from bot.demo_data import SAMPLE_FEED
from bot.digest.compose import OfflineDigestComposer
from bot.digest.llm_compose import LLMDigestComposer
from bot.domain.articles import Article, Summary
from bot.domain.channels import Channel
from bot.domain.languages import Lang
from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.sources import FetchedArticle, Source, SourceFetch
from bot.errors import SourceError
from bot.llm.client import OpenAIChatClient
from bot.llm.prompts import PromptStore
from bot.services.ingest import ingest_due
from bot.services.llm_usage import token_budget, usage_recorder
from bot.services.publish import DigestMaker
from bot.sources.base import KnownUrls
from bot.sources.reader import WebSourceReader
from bot.summarize.base import AnswerStore
from bot.summarize.llm import LLMSummarizer
from bot.summarize.offline import ExtractiveSummarizer
from tests.fakes.openai_server import FakeOpenAIServer

MODEL = "gpt-4o-mini"
NOW = datetime(2026, 11, 26, 8, 5, tzinfo=UTC)
#: Short enough that a stalled request fails fast, long enough for a loaded CI machine.
CLIENT_TIMEOUT = 0.5


@dataclass
class LLMEdges:
    """The LLM summarizer and composer over one client, and the server they talk to."""

    server: FakeOpenAIServer
    client: OpenAIChatClient
    summarizer: LLMSummarizer
    fallback: ExtractiveSummarizer
    composer: LLMDigestComposer

    @property
    def maker(self) -> DigestMaker:
        return DigestMaker(self.summarizer, self.fallback, self.composer)


@pytest.fixture(scope="session")
def prompts() -> PromptStore:
    return PromptStore.load()


class ReplayReader:
    """A `SourceReader` serving one fetch that the real reader made once per test session.

    Cleaning five long articles takes most of a second; the tests are about what happens
    after ingest, so they share one real read of the sample feed.
    """

    def __init__(self, fetch: SourceFetch) -> None:
        self._fetch = fetch

    async def read(self, source: Source, *, known_urls: KnownUrls | None = None) -> SourceFetch:
        return self._fetch

    async def extract(self, location: str) -> FetchedArticle:
        raise SourceError(f"the replay reader has no article at {location}")

    async def probe(self, location: str, *, allow_files: bool = False) -> SourceFetch:
        return self._fetch

    async def aclose(self) -> None:
        pass


@pytest.fixture(scope="session")
def sample_fetch() -> SourceFetch:
    async def read() -> SourceFetch:
        reader = WebSourceReader()
        try:
            return await reader.read(Source(url=str(SAMPLE_FEED), name="sample", kind="file"))
        finally:
            await reader.aclose()

    fetch = asyncio.run(read())
    assert fetch.error is None and len(fetch.articles) == 5, fetch.error
    return fetch


@pytest.fixture
async def corpus(uow_factory: UnitOfWorkFactory, sample_fetch: SourceFetch) -> list[Article]:
    """The five Hindi articles of the bundled sample feed, ingested as `digestbot ingest` does."""
    async with uow_factory() as uow:
        source = await uow.sources.add(Source(url=str(SAMPLE_FEED), name="sample", kind="file"))
        await uow.commit()
    assert source.id is not None
    reader = ReplayReader(sample_fetch)
    (report,) = await ingest_due(uow_factory, reader, now=NOW, only=[source.id])
    assert report.new == 5, report
    async with uow_factory() as uow:
        return await uow.articles.get_many(report.new_article_ids)


def llm_edges(
    server: FakeOpenAIServer,
    uow_factory: UnitOfWorkFactory,
    prompts: PromptStore,
    *,
    timeout: float = CLIENT_TIMEOUT,
    concurrency: int = 4,
    answers: AnswerStore | None = None,
) -> LLMEdges:
    """Usage goes to the usage table and the daily ceiling is read from it, as in production."""
    client = OpenAIChatClient(
        api_key="test-key",
        model=MODEL,
        base_url=server.base_url,
        timeout=timeout,
        backoff_seconds=0.01,
        on_call=usage_recorder(uow_factory),
        budget=token_budget(2_000_000, uow_factory),
        max_concurrency=concurrency,
    )
    fallback = ExtractiveSummarizer()
    return LLMEdges(
        server=server,
        client=client,
        summarizer=LLMSummarizer(client, prompts, MODEL, fallback),
        fallback=fallback,
        composer=LLMDigestComposer(
            client, prompts, MODEL, OfflineDigestComposer(), answers=answers
        ),
    )


@pytest.fixture
async def llm(uow_factory: UnitOfWorkFactory, prompts: PromptStore) -> AsyncIterator[LLMEdges]:
    async with FakeOpenAIServer() as server:
        edges = llm_edges(server, uow_factory, prompts)
        yield edges
        await edges.client.aclose()


@pytest.fixture
def files(tmp_path: Path) -> MarkdownFileAdapter:
    return MarkdownFileAdapter(tmp_path / "out")


async def markdown_channels(
    uow_factory: UnitOfWorkFactory, directory: Path, style_notes: Sequence[str]
) -> list[Channel]:
    """One Markdown channel per style note, each writing `<dir>/c<n>/digest-<lang>.md`."""
    channels = []
    async with uow_factory() as uow:
        for number, note in enumerate(style_notes):
            address = str(directory / f"c{number}" / "digest-{lang}.md")
            channel = await uow.channels.get_or_create("file", address)
            channel.style_note = note
            await uow.channels.update(channel)
            channels.append(channel)
        await uow.commit()
    return channels


def digest_file(channel: Channel, lang: Lang) -> str:
    """What the channel's Markdown file for `lang` holds."""
    return Path(channel.address.replace("{lang}", lang)).read_text(encoding="utf-8")


async def stored_summaries(
    uow_factory: UnitOfWorkFactory, articles: Sequence[Article], lang: Lang
) -> list[Summary]:
    """The newest stored summary of each article in `lang`, in the articles' order."""
    found = []
    async with uow_factory() as uow:
        for article in articles:
            assert article.id is not None
            summary = await uow.summaries.latest_for(article.id, lang)
            assert summary is not None, f"article {article.id} has no {lang} summary"
            found.append(summary)
    return found


async def summaries_made(
    uow_factory: UnitOfWorkFactory, articles: Sequence[Article], lang: Lang
) -> list[Summary]:
    """The newest stored summary in `lang` of those articles that have one: a digest
    summarizes one representative report per story, not every article."""
    found = []
    async with uow_factory() as uow:
        for article in articles:
            summary = await uow.summaries.latest_for(article.id or 0, lang)
            if summary is not None:
                found.append(summary)
    assert found, f"none of the articles has a {lang} summary"
    return found
