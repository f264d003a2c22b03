"""LLM cost of a digest for 100 channels in Hindi and English, against the minimum possible.

The bundled sample feed (five real Hindi articles) is ingested with the real reader into a
fresh SQLite file; 100 channels, spread over three style notes, each want a Hindi and an
English digest. The real `openai` client talks to the fake OpenAI-compatible server of the
tests, run in-process on 127.0.0.1, which counts calls and tokens. The five articles are one
story, so the minimum is one summary per story shown and language plus one composition per
language and distinct style note. A second run in the same window (no new article) sends
nothing again and should cost nothing.

Also: tokens per character of the Hindi corpus and of English articles, with o200k_base and
cl100k_base (`bpe_openai`, offline), which is why every budget here is in tokens.

Usage: python -m bench.llm_cost
"""

from __future__ import annotations

import asyncio
import io
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import bpe_openai

from bench.harness import Section
from bot.adapters.console import ConsoleAdapter
from bot.demo_data import SAMPLE_FEED
from bot.digest.compose import OfflineDigestComposer
from bot.digest.llm_compose import LLMDigestComposer
from bot.domain.articles import Article
from bot.domain.channels import Channel
from bot.domain.languages import Lang
from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.sources import Source
from bot.llm.client import OpenAIChatClient
from bot.llm.prompts import PromptStore
from bot.services.ingest import ingest_due
from bot.services.llm_usage import token_budget, usage_recorder
from bot.services.publish import DigestMaker, publish
from bot.sources.reader import WebSourceReader
from bot.summarize.llm import LLMSummarizer
from bot.summarize.offline import ExtractiveSummarizer
from storage.db import make_engine
from storage.migrate import upgrade_to_head
from storage.uow import make_uow_factory
from tests.fakes.openai_server import FakeOpenAIServer

CHANNELS = 100
LANGS: list[Lang] = ["hi", "en"]
STYLE_NOTES = ["", "Short and formal, for executives.", "Lead with what it means for startups."]
MODEL = "gpt-4o-mini"
NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
ENGLISH_ARTICLES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "articles"


@dataclass
class Run:
    """What one publish cost, as the fake server counted it."""

    calls: int
    summary_calls: int
    compose_calls: int
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    sent: int
    #: Distinct stories the digests showed.
    stories: int = 0

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


def run() -> list[Section]:
    first, again, articles, naive_tokens = asyncio.run(_digest_cost())
    return [_cost_section(first, again, articles, naive_tokens), _tokens_section(articles)]


async def _digest_cost() -> tuple[Run, Run, list[Article], int]:
    with tempfile.TemporaryDirectory() as work:
        url = f"sqlite:///{Path(work) / 'bench.db'}"
        await upgrade_to_head(url)
        engine = make_engine(url)
        uow_factory = make_uow_factory(engine)
        articles = await _ingest(uow_factory)
        channels = await _channels(uow_factory)
        async with FakeOpenAIServer() as server:
            client = OpenAIChatClient(
                api_key="bench-key",
                model=MODEL,
                base_url=server.base_url,
                on_call=usage_recorder(uow_factory),
                budget=token_budget(2_000_000, uow_factory),
            )
            prompts = PromptStore.load()
            fallback = ExtractiveSummarizer()
            maker = DigestMaker(
                LLMSummarizer(client, prompts, MODEL, fallback),
                fallback,
                LLMDigestComposer(client, prompts, MODEL, OfflineDigestComposer()),
            )
            adapters = {"console": ConsoleAdapter(io.StringIO())}
            targets = [(channel, LANGS) for channel in channels]
            first = await _publish(uow_factory, maker, adapters, targets, server, NOW)
            naive_tokens = _naive_tokens(server, len(articles))
            again = await _publish(
                uow_factory, maker, adapters, targets, server, NOW + timedelta(minutes=30)
            )
            await client.aclose()
        await engine.dispose()
    return first, again, articles, naive_tokens


async def _ingest(uow_factory: UnitOfWorkFactory) -> list[Article]:
    reader = WebSourceReader()
    async with uow_factory() as uow:
        source = await uow.sources.add(Source(url=str(SAMPLE_FEED), name="sample", kind="file"))
        await uow.commit()
    assert source.id is not None
    (report,) = await ingest_due(uow_factory, reader, now=NOW, only=[source.id])
    await reader.aclose()
    if report.error or not report.new:
        raise RuntimeError(f"ingesting the sample feed failed: {report.error or 'no article'}")
    async with uow_factory() as uow:
        return await uow.articles.list_since(NOW - timedelta(days=1))


async def _channels(uow_factory: UnitOfWorkFactory) -> list[Channel]:
    channels = []
    async with uow_factory() as uow:
        for number in range(CHANNELS):
            channel = await uow.channels.get_or_create("console", f"bench-{number}")
            channel.style_note = STYLE_NOTES[number % len(STYLE_NOTES)]
            await uow.channels.update(channel)
            channels.append(channel)
        await uow.commit()
    return channels


async def _publish(
    uow_factory: UnitOfWorkFactory,
    maker: DigestMaker,
    adapters: dict[str, ConsoleAdapter],
    targets: list[tuple[Channel, list[Lang]]],
    server: FakeOpenAIServer,
    now: datetime,
) -> Run:
    before = (server.calls, server.prompt_tokens, server.completion_tokens)
    seen = len(server.requests)
    started = time.perf_counter()
    report = await publish(uow_factory, maker, adapters, targets, now=now)
    seconds = time.perf_counter() - started
    new = server.requests[seen:]
    return Run(
        calls=server.calls - before[0],
        summary_calls=sum("<<<ARTICLE" in r.user for r in new),
        compose_calls=sum("<<<ITEMS" in r.user for r in new),
        prompt_tokens=server.prompt_tokens - before[1],
        completion_tokens=server.completion_tokens - before[2],
        seconds=seconds,
        sent=report.delivery.sent,
        stories=len(
            {i.story_id for digests in report.digests.values() for d in digests for i in d.items}
        ),
    )


def _naive_tokens(server: FakeOpenAIServer, articles: int) -> int:
    """Tokens if every channel summarized every article and composed for itself: this run's
    mean summary cost for each article and language, and one of this run's compositions per
    channel and language."""
    summaries: list[int] = []
    compositions = 0
    for request in server.requests:
        tokens = request.prompt_tokens + request.completion_tokens
        if "<<<ARTICLE" in request.user:
            summaries.append(tokens)
        else:
            compositions += tokens
    per_summary = sum(summaries) / max(1, len(summaries))
    return round(CHANNELS * (per_summary * articles * len(LANGS) + compositions / len(STYLE_NOTES)))


def _cost_section(first: Run, again: Run, articles: list[Article], naive_tokens: int) -> Section:
    minimum = first.stories * len(LANGS) + len(LANGS) * len(set(STYLE_NOTES))
    naive_calls = CHANNELS * (len(articles) * len(LANGS) + len(LANGS))
    rows = [
        [
            f"first run: {CHANNELS} channels × hi+en, {len(set(STYLE_NOTES))} style notes",
            f"{first.calls} ({first.summary_calls} summaries + {first.compose_calls} digests)",
            f"{first.tokens:,} ({first.prompt_tokens:,} prompt)",
            f"{first.calls / minimum:.2f}×",
            f"{first.seconds:.1f} s, {first.sent} deliveries",
        ],
        [
            "minimum: stories shown × languages + languages × style notes",
            f"{minimum} ({first.stories}×{len(LANGS)} + {len(LANGS)}×{len(set(STYLE_NOTES))})",
            f"{first.tokens:,}" if first.calls == minimum else "—",
            "1.00×",
            "",
        ],
        [
            "second run, same window, no new article",
            f"{again.calls}",
            f"{again.tokens:,}",
            "0 calls" if again.calls == 0 else f"{again.calls / minimum:.2f}×",
            f"{again.seconds:.1f} s, {again.sent} deliveries",
        ],
        [
            "baseline: each channel summarizes every article and composes (computed)",
            f"{naive_calls:,}",
            f"{naive_tokens:,}",
            f"{naive_calls / minimum:.0f}×",
            "",
        ],
    ]
    return Section(
        title="LLM cost of a digest for many channels (issue 4)",
        command="python -m bench.llm_cost (bench/llm_cost.py)",
        header=["what", "LLM calls", "tokens", "calls vs. minimum", "time"],
        rows=rows,
        notes=[
            "The sample feed's five Hindi articles, ingested by the real reader into SQLite; "
            "the real openai client against the tests' fake OpenAI server on 127.0.0.1.",
            "Goal: exactly the minimum number of calls; a re-run with no new article makes none.",
            "Completions come from the fake server (short echoes of the article), so completion "
            "tokens are smaller than a real model's; prompt tokens are real.",
        ],
    )


def _tokens_section(articles: list[Article]) -> Section:
    hindi = "\n".join(f"{a.title}\n{a.text}" for a in articles)
    english = "\n".join(p.read_text("utf-8") for p in sorted(ENGLISH_ARTICLES.glob("en_*.txt")))
    rows = []
    per_char: dict[str, tuple[float, float]] = {}
    for name in ("o200k_base", "cl100k_base"):
        encoding = bpe_openai.get_encoding(name)
        hi = len(encoding.encode_ordinary(hindi)) / len(hindi)
        en = len(encoding.encode_ordinary(english)) / len(english)
        per_char[name] = (hi, en)
        rows.append([name, f"{hi:.3f}", f"{en:.3f}", f"{hi / en:.1f}×"])
    return Section(
        title="Tokens per character, Hindi vs. English (issue 4)",
        command="python -m bench.llm_cost (bench/llm_cost.py)",
        header=["encoding", "Hindi (corpus)", "English (fixtures)", "Hindi / English"],
        rows=rows,
        notes=[
            f"Hindi: the five cleaned corpus articles ({len(hindi):,} characters); English: "
            f"tests/fixtures/articles/en_*.txt ({len(english):,} characters).",
            "cl100k_base costs "
            f"{per_char['cl100k_base'][0] / per_char['o200k_base'][0]:.1f}× more tokens than "
            "o200k_base for the same Hindi text: budgets are counted with the model's own "
            "encoding, never in characters.",
        ],
    )


if __name__ == "__main__":
    for section in run():
        print(section.markdown())
