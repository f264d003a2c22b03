"""LLM calls grow with the stories shown, not the articles ingested; they run in parallel,
within a bound, and a slow model still gets every shown story summarized in time."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.adapters.markdown_file import MarkdownFileAdapter
from bot.domain.channels import Channel, Subscription
from bot.domain.digests import Digest
from bot.domain.repositories import UnitOfWorkFactory
from bot.llm.prompts import PromptStore
from bot.services.answers import StoredAnswers
from bot.services.digests import compose_digest
from bot.services.publish import publish
from bot.services.scheduled import prepare_upcoming, run_due_slots
from tests.fakes.openai_server import FakeOpenAIServer
from tests.services.newsday import OutletReader, add_outlets, hours, poll, singles
from tests.summaries.conftest import llm_edges

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
OUTLETS = ["ndtv.example", "thehindu.example", "amarujala.example", "bbc.example"]


async def _day(uow_factory: UnitOfWorkFactory, stories: int) -> None:
    """`stories` unrelated reports in Hindi and English, spread over the outlets and the day."""
    reader = OutletReader()
    sources = await add_outlets(uow_factory, OUTLETS)
    for n, report in enumerate(singles(stories)):
        reader.publish(f"https://{OUTLETS[n % 4]}/feed", [(report, NOW - hours(n % 20))])
    await poll(uow_factory, reader, sources, NOW)


async def _channel(uow_factory: UnitOfWorkFactory, tmp_path: Path, size: int) -> Channel:
    async with uow_factory() as uow:
        channel = await uow.channels.get_or_create("file", f"{tmp_path}/d-{{lang}}.md")
        channel.digest_size = size
        await uow.channels.update(channel)
        await uow.commit()
    return channel


def _calls(server: FakeOpenAIServer, purpose_marker: str) -> int:
    return sum(1 for r in server.requests if purpose_marker in r.user)


async def test_only_the_stories_shown_are_summarized(
    uow_factory: UnitOfWorkFactory, prompts: PromptStore, tmp_path: Path
) -> None:
    await _day(uow_factory, 24)
    channel = await _channel(uow_factory, tmp_path, size=5)
    async with FakeOpenAIServer() as server:
        edges = llm_edges(server, uow_factory, prompts)
        files = {"file": MarkdownFileAdapter(tmp_path)}
        report = await publish(uow_factory, edges.maker, files, [(channel, ["hi", "en"])], now=NOW)
        await edges.client.aclose()

    assert [len(d.items) for lang in ("hi", "en") for d in report.digests[lang]] == [5, 5]
    assert all(i.method == "llm" for d in report.digests["en"] for i in d.items)
    # 5 stories x 2 languages summarized, and one composition per language: 12, not 48.
    assert _calls(server, "<<<ARTICLE") == 10
    assert _calls(server, "<<<ITEMS") == 2
    assert server.calls == 12


async def test_llm_calls_run_in_parallel_within_the_bound(
    uow_factory: UnitOfWorkFactory, prompts: PromptStore, tmp_path: Path
) -> None:
    await _day(uow_factory, 12)
    channel = await _channel(uow_factory, tmp_path, size=8)
    async with FakeOpenAIServer(latency=0.3, max_concurrent=3) as server:
        edges = llm_edges(server, uow_factory, prompts, timeout=5.0, concurrency=3)
        files = {"file": MarkdownFileAdapter(tmp_path)}
        report = await publish(uow_factory, edges.maker, files, [(channel, ["en"])], now=NOW)
        await edges.client.aclose()

    assert server.peak_in_flight == 3, "calls ran one at a time or beyond the bound"
    assert all(r.behaviour != "RateLimited" for r in server.requests)
    assert all(i.method == "llm" for d in report.digests["en"] for i in d.items)


async def test_a_slow_llm_still_summarizes_every_shown_story_within_the_time_limit(
    uow_factory: UnitOfWorkFactory, prompts: PromptStore, tmp_path: Path
) -> None:
    await _day(uow_factory, 30)
    channel = await _channel(uow_factory, tmp_path, size=8)
    # One call at a time this would take 8 x 2 summaries + 2 compositions = 18 s.
    async with FakeOpenAIServer(latency=1.0) as server:
        edges = llm_edges(server, uow_factory, prompts, timeout=10.0, concurrency=4)
        maker = edges.maker
        limited = type(maker)(
            maker.summarizer, maker.fallback, maker.composer, time_cap=timedelta(seconds=12)
        )
        files = {"file": MarkdownFileAdapter(tmp_path)}
        started = time.monotonic()
        report = await publish(uow_factory, limited, files, [(channel, ["hi", "en"])], now=NOW)
        elapsed = time.monotonic() - started
        await edges.client.aclose()

    assert elapsed < 12
    digests = [d for lang in ("hi", "en") for d in report.digests[lang]]
    assert [len(d.items) for d in digests] == [8, 8]
    assert all(d.model != "offline" and not d.is_extract for d in digests)
    assert report.delivery.sent == 2


async def test_the_same_digest_asked_again_after_a_restart_makes_no_call(
    uow_factory: UnitOfWorkFactory, prompts: PromptStore
) -> None:
    await _day(uow_factory, 6)

    async def a_process_composes(server: FakeOpenAIServer) -> Digest | None:
        """A fresh process: its own client and composer, the database's stored answers."""
        edges = llm_edges(server, uow_factory, prompts, answers=StoredAnswers(uow_factory))
        try:
            return await compose_digest(
                uow_factory,
                summarizer=edges.summarizer,
                fallback=edges.fallback,
                composer=edges.composer,
                lang="en",
                now=NOW,
            )
        finally:
            await edges.client.aclose()

    async with FakeOpenAIServer() as server:
        digest = await a_process_composes(server)
        calls = server.calls
        again = await a_process_composes(server)

    assert digest is not None and again is not None
    assert server.calls == calls, "summaries and the composition come from the database"
    assert [i.headline for i in again.items] == [i.headline for i in digest.items]


async def test_stories_of_the_next_slot_are_summarized_ahead_so_the_slot_only_composes(
    uow_factory: UnitOfWorkFactory, prompts: PromptStore, tmp_path: Path
) -> None:
    await _day(uow_factory, 10)
    channel = await _channel(uow_factory, tmp_path, size=4)
    async with uow_factory() as uow:
        await uow.channels.save_subscription(
            Subscription(channel_id=channel.id or 0, languages="both", timezone="UTC")
        )
        await uow.commit()
    slot = NOW.replace(hour=8, minute=0)
    async with FakeOpenAIServer(latency=0.2) as server:
        edges = llm_edges(server, uow_factory, prompts, timeout=5.0)
        done: set[tuple[int, datetime]] = set()

        too_early = await prepare_upcoming(
            uow_factory, edges.maker, now=slot - timedelta(minutes=30), done=done
        )
        ahead = await prepare_upcoming(
            uow_factory, edges.maker, now=slot - timedelta(minutes=5), done=done
        )
        again = await prepare_upcoming(
            uow_factory, edges.maker, now=slot - timedelta(minutes=4), done=done
        )
        before_slot = server.calls
        files = {"file": MarkdownFileAdapter(tmp_path)}
        runs, delivery = await run_due_slots(uow_factory, edges.maker, files, now=slot)
        await edges.client.aclose()

    assert (too_early, ahead, again) == (0, 4, 0)
    assert before_slot == 4 * 2 == _calls(server, "<<<ARTICLE"), "summarized ahead, once"
    assert server.calls - before_slot == 2, "the slot itself only composes, once per language"
    assert [len(r.channel_ids) for r in runs] == [1] and delivery.sent == 2
