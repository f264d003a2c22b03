"""A news day: 1,000 articles from 50 feeds become the digests of 100 channels, on time.

The day is synthetic, built from real material: the Hindi/English report pairs and single
reports of tests/fixtures/stories, the five Hindi corpus articles (one story, with the
English DeepSeek fixture article), the other fixture articles and, when
DIGESTBOT_EVAL_STORIES names their file, the labelled BASIL articles (read in place, never
copied). Each event is told by 1 to 20 distinct reports, most by one or two, written from
its texts as outlets write one event: another lead sentence, another choice and order of
facts, context sentences of its own, another headline. The long tail of one-report events is
templated text on made-up names. Reports are spread over 24 hours and 50 outlets, each with
an RSS feed on 127.0.0.1, and ingested for real (`WebSourceReader`, `ingest_due`) every two
hours of simulated time.

Then the 08:00 slot runs as `digestbot run` runs it: `prepare_upcoming` at 07:55 summarizes
what the digests will show, a last poll at 07:59 brings the latest reports, `run_due_slots`
at 08:00 composes and delivers. The real openai client talks to the tests' fake
OpenAI-compatible server, answering every call in 3 s. The baseline is the same slot on a copy
of the database with nothing summarized ahead.

Usage: python -m bench.news_day
"""

from __future__ import annotations

import asyncio
import math
import random
import sqlite3
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

from aiohttp import web

from bench.harness import Section
from bench.labelled import EVAL_VARIABLE, labelled_path
from bench.news_day_material import (
    ARTICLES,
    DAY_START,
    EN_OUTLETS,
    FILLER_HINDI,
    HI_OUTLETS,
    MAX_CHARS,
    MAX_STORY,
    MIN_CHARS,
    SIZE_EXPONENT,
    SLOT,
    SPREAD_HOURS,
    WIRE_PRIORITY,
    DayReport,
    build_day,
)
from bot.adapters.markdown_file import MarkdownFileAdapter
from bot.digest.compose import OfflineDigestComposer
from bot.digest.llm_compose import LLMDigestComposer
from bot.domain.channels import Subscription
from bot.domain.digests import Digest, StoryEntry
from bot.domain.languages import Lang, LangChoice
from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.sources import Source
from bot.llm.client import OpenAIChatClient
from bot.llm.prompts import PromptStore
from bot.services.answers import StoredAnswers
from bot.services.ingest import ingest_due
from bot.services.llm_usage import token_budget, usage_recorder
from bot.services.publish import DigestMaker
from bot.services.scheduled import prepare_upcoming, run_due_slots
from bot.services.stories import StoryAssigner
from bot.sources.reader import WebSourceReader
from bot.summarize.llm import LLMSummarizer
from bot.summarize.offline import ExtractiveSummarizer
from storage.db import make_engine
from storage.migrate import upgrade_to_head
from storage.uow import make_uow_factory
from tests.fakes.openai_server import FakeOpenAIServer, RecordedRequest

COMMAND = "`make bench` (bench/news_day.py)"
POLLS = [DAY_START + timedelta(hours=2 * n) for n in range(1, 12)] + [SLOT - timedelta(minutes=6)]
PREPARE_AT, LATE_POLL = SLOT - timedelta(minutes=5), SLOT - timedelta(minutes=1)
CHANNELS, LATENCY, CONCURRENCY, TIME_CAP = 100, 3.0, 4, timedelta(seconds=180)
STYLE_NOTES = ["", "Short and formal, for executives.", "Lead with what it means for startups."]
CHOICES: list[LangChoice] = ["both", "hi", "en", "both"]
GOAL_SECONDS, GOAL_RATIO = 60.0, 1.2
MODEL, SEED = "gpt-4o-mini", 12


def outlet_host(outlet: int) -> str:
    return f"{'en-news' if outlet < EN_OUTLETS else 'hi-samachar'}-{outlet:02d}.example"


class OutletFeeds:
    """Every outlet's RSS feed on 127.0.0.1: its newest 50 items published by `now`."""

    def __init__(self, reports: Sequence[DayReport]) -> None:
        self.now, self.port = DAY_START, 0
        self._items: dict[int, list[DayReport]] = defaultdict(list)
        for report in reports:
            self._items[report.outlet].append(report)
        self._runner: web.AppRunner | None = None

    def url(self, outlet: int) -> str:
        return f"http://127.0.0.1:{self.port}/feed/{outlet}.xml"

    async def __aenter__(self) -> OutletFeeds:
        app = web.Application()
        app.router.add_get("/feed/{n}.xml", self._feed)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _feed(self, request: web.Request) -> web.Response:
        outlet = int(request.match_info["n"])
        host = outlet_host(outlet)
        items = "".join(
            f"<item><title>{escape(r.report.title)}</title>"
            f"<link>https://{host}/news/{r.number}</link><guid>{host}/{r.number}</guid>"
            f"<pubDate>{format_datetime(r.published, usegmt=True)}</pubDate><description>"
            + escape("".join(f"<p>{escape(p)}</p>" for p in r.report.text.split("\n\n")))
            + "</description></item>"
            for r in reversed([r for r in self._items[outlet] if r.published <= self.now][-50:])
        )
        body = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{host}</title><link>https://{host}/</link>{items}</channel></rss>"
        )
        return web.Response(text=body, content_type="application/rss+xml")


# --- one slot --------------------------------------------------------------------------------


class TimedComposer:
    """The real LLM composer, noting when each composition starts and returns (wall clock)."""

    def __init__(self, inner: LLMDigestComposer) -> None:
        self.inner, self.prompt_hash, self.model = inner, inner.prompt_hash, inner.model
        self.started: list[float] = []
        self.finished: list[float] = []

    async def compose(self, lang: Lang, stories: Sequence[StoryEntry], **options: Any) -> Digest:
        self.started.append(time.perf_counter())
        try:
            return await self.inner.compose(lang, stories, **options)
        finally:
            self.finished.append(time.perf_counter())


@dataclass
class SlotRun:
    """What one slot cost: seconds from the slot, LLM calls by purpose, what was composed."""

    prepare_seconds: float = 0.0
    ahead: Counter[str] = field(default_factory=Counter)
    at_slot: Counter[str] = field(default_factory=Counter)
    first_compose: float = 0.0
    composed: float = 0.0
    delivered: float = 0.0
    late_reports: int = 0
    sent: int = 0
    peak_in_flight: int = 0
    digests: int = 0
    #: Stories shown × languages: the distinct (language, story) items of the digests.
    shown: int = 0
    items: int = 0
    #: Items shown from an extract instead of the LLM's words.
    degraded: int = 0
    #: Reports of each story shown, biggest first.
    sizes: list[int] = field(default_factory=list)
    #: Digests the offline composer wrote (the LLM composer's answer failed twice).
    offline: int = 0
    #: Why calls were made again (the feedback they carried), by count.
    again: Counter[str] = field(default_factory=Counter)

    @property
    def calls(self) -> int:
        return sum(self.ahead.values()) + sum(self.at_slot.values())

    @property
    def minimum(self) -> int:
        return self.shown + self.digests


def _purpose(request: RecordedRequest) -> str:
    kind = "summary" if "<<<ARTICLE" in request.user else "digest"
    return f"{kind} asked again" if "Your previous" in request.user else kind


def _why_again(request: RecordedRequest) -> str | None:
    """The first sentence of the feedback a repeated request carries, or None."""
    start = request.user.find("Your previous")
    return request.user[start:].split(". ")[0].split("\n")[0] if start >= 0 else None


async def run_slot(
    uow_factory: UnitOfWorkFactory,
    feeds: OutletFeeds,
    sources: list[int],
    stories: StoryAssigner,
    out: Path,
    *,
    prepare: bool,
) -> SlotRun:
    """Summarize ahead at 07:55 (or not), poll at 07:59, run the 08:00 slot; a 3 s LLM."""
    run, prompts = SlotRun(), PromptStore.load()
    async with FakeOpenAIServer(latency=LATENCY) as server:
        client = OpenAIChatClient(
            api_key="bench-key",
            model=MODEL,
            base_url=server.base_url,
            timeout=30,
            max_concurrency=CONCURRENCY,
            on_call=usage_recorder(uow_factory),
            budget=token_budget(10_000_000, uow_factory),
        )
        answers = StoredAnswers(uow_factory)
        composer = TimedComposer(
            LLMDigestComposer(client, prompts, MODEL, OfflineDigestComposer(), answers=answers)
        )
        fallback = ExtractiveSummarizer()
        summarizer = LLMSummarizer(client, prompts, MODEL, fallback)
        maker = DigestMaker(summarizer, fallback, composer, time_cap=TIME_CAP)
        if prepare:
            started = time.perf_counter()
            await prepare_upcoming(uow_factory, maker, now=PREPARE_AT)
            run.prepare_seconds = time.perf_counter() - started
        run.ahead, ahead = Counter(_purpose(r) for r in server.requests), len(server.requests)
        feeds.now, reader = LATE_POLL, WebSourceReader(allow_private_urls=True)
        late = await ingest_due(uow_factory, reader, now=LATE_POLL, only=sources, stories=stories)
        await reader.aclose()
        run.late_reports = sum(r.new for r in late)
        started = time.perf_counter()
        adapters = {"file": MarkdownFileAdapter(out)}
        _, delivery = await run_due_slots(uow_factory, maker, adapters, now=SLOT)
        run.delivered = time.perf_counter() - started
        run.first_compose = min(composer.started, default=started) - started
        run.composed = max(composer.finished, default=started) - started
        run.at_slot = Counter(_purpose(r) for r in server.requests[ahead:])
        run.sent, run.peak_in_flight = delivery.sent, server.peak_in_flight
        run.again = Counter(why for r in server.requests if (why := _why_again(r)) is not None)
        await client.aclose()
    async with uow_factory() as uow:
        ids = {d.digest_id for d in await uow.deliveries.list(limit=10 * CHANNELS)}
        digests = [d for i in sorted(ids) if (d := await uow.digests.get(i)) is not None]
    items = [(d.lang, item) for d in digests for item in d.items]
    run.digests, run.items = len(digests), len(items)
    run.offline = sum(d.model == OfflineDigestComposer.model for d in digests)
    run.shown = len({(lang, item.story_id) for lang, item in items})
    run.degraded = sum(item.method != "llm" for _, item in items)
    sizes = {item.story_id: len(item.article_ids) for _, item in items}
    run.sizes = sorted(sizes.values(), reverse=True)
    return run


# --- the measurement -------------------------------------------------------------------------


@dataclass
class DayStats:
    """What the ingested day looks like in the database."""

    events: int
    made_up: int
    stored: int
    hindi: int
    copies: int
    stories: int
    largest: int
    #: Planned events among the largest story's reports.
    largest_events: int
    bcubed: tuple[float, float, float]
    ingest_seconds: float


async def _setup(uow_factory: UnitOfWorkFactory, feeds: OutletFeeds, out: Path) -> list[int]:
    """The outlets' feeds (two per language weighted as wires) and the subscribed channels."""
    ids = []
    async with uow_factory() as uow:
        for outlet in range(EN_OUTLETS + HI_OUTLETS):
            source = Source(url=feeds.url(outlet), name=outlet_host(outlet))
            source.priority = WIRE_PRIORITY if outlet % EN_OUTLETS in (0, 1) else 0
            ids.append((await uow.sources.add(source)).id or 0)
        for n in range(CHANNELS):
            channel = await uow.channels.get_or_create("file", f"{out}/c{n}/digest-{{lang}}.md")
            channel.style_note = STYLE_NOTES[n % len(STYLE_NOTES)]
            await uow.channels.update(channel)
            assert channel.id is not None
            choice = CHOICES[n % len(CHOICES)]
            await uow.channels.save_subscription(
                Subscription(channel.id, choice, "daily 08:00", "UTC")
            )
        await uow.commit()
    return ids


async def _day_stats(
    uow_factory: UnitOfWorkFactory, day: Sequence[DayReport], seconds: float
) -> DayStats:
    """Stories in the database, and B-cubed scores of them against the planned events."""
    event_of = {r.number: r.event for r in day}
    async with uow_factory() as uow:
        articles = await uow.articles.list_since(DAY_START, originals_only=False)
        candidates = await uow.stories.candidates(DAY_START)
    labels = [
        (event_of[int(r.url.rsplit("/", 1)[1])], c.story_id) for c in candidates for r in c.reports
    ]
    biggest = max(candidates, key=lambda c: len(c.reports))
    sizes, events, both = (
        Counter(s for _, s in labels),
        Counter(e for e, _ in labels),
        Counter(labels),
    )
    precision = sum(both[e, s] / sizes[s] for e, s in labels) / len(labels)
    recall = sum(both[e, s] / events[e] for e, s in labels) / len(labels)
    return DayStats(
        events=len(set(event_of.values())),
        made_up=sum(e.startswith("filler") for e in set(event_of.values())),
        stored=len(articles),
        hindi=sum(a.lang == "hi" for a in articles),
        copies=sum(a.duplicate_of is not None for a in articles),
        stories=len(candidates),
        largest=len(biggest.reports),
        largest_events=len({e for e, s in labels if s == biggest.story_id}),
        bcubed=(precision, recall, 2 * precision * recall / (precision + recall)),
        ingest_seconds=seconds,
    )


async def news_day() -> tuple[DayStats, SlotRun, SlotRun]:
    """Ingest the day, then run the slot with summaries made ahead and, on a copy, without."""
    day = build_day(random.Random(SEED))
    with tempfile.TemporaryDirectory() as work:
        main, copy, out = Path(work, "day.db"), Path(work, "baseline.db"), Path(work, "out")
        await upgrade_to_head(f"sqlite:///{main}")
        engine = make_engine(f"sqlite:///{main}")
        uow_factory = make_uow_factory(engine)
        async with OutletFeeds(day) as feeds:
            sources = await _setup(uow_factory, feeds, out)
            stories, reader = StoryAssigner(), WebSourceReader(allow_private_urls=True)
            started = time.perf_counter()
            for at in POLLS:
                feeds.now = at
                await ingest_due(uow_factory, reader, now=at, only=sources, stories=stories)
            ingest_seconds = time.perf_counter() - started
            await reader.aclose()
            with sqlite3.connect(main) as src, sqlite3.connect(copy) as dst:
                src.backup(dst)
            ours = await run_slot(uow_factory, feeds, sources, stories, out, prepare=True)
            stats = await _day_stats(uow_factory, day, ingest_seconds)
            await engine.dispose()
            engine = make_engine(f"sqlite:///{copy}")
            copied = make_uow_factory(engine)
            baseline = await run_slot(copied, feeds, sources, StoryAssigner(), out, prepare=False)
            await engine.dispose()
    return stats, ours, baseline


def _floor(calls: int) -> float:
    """The least time `calls` take at CONCURRENCY at once, LATENCY each."""
    return math.ceil(calls / CONCURRENCY) * LATENCY


def _phases(run: SlotRun) -> str:
    return (
        f"{run.first_compose:.1f} s to the first composition (selection, summaries), "
        f"{run.composed - run.first_compose:.1f} s composing, "
        f"{run.delivered - run.composed:.1f} s storing and delivering"
    )


def _degraded(run: SlotRun) -> str:
    offline = f" ({run.offline} of {run.digests} digests composed offline)" if run.offline else ""
    return f"{run.degraded} of {run.items}{offline}"


def _again(run: SlotRun) -> str:
    return "; ".join(f"{n}× “{why}”" for why, n in run.again.most_common()) or "none"


def _again_note(ours: SlotRun, base: SlotRun) -> str:
    if not ours.again and not base.again:
        return "No call was asked again (no repair or correction request), in either run."
    return (
        f"Calls asked again, with the feedback they carried: ours {_again(ours)}; baseline "
        f"{_again(base)}. A summary the LLM could not write twice is the extract (an English "
        "report's extract cannot be shown in Hindi: title and link only); a composition whose "
        "answer fails twice hands the whole digest to the offline composer."
    )


def _calls(counter: Counter[str]) -> str:
    parts = ", ".join(f"{n} {purpose}" for purpose, n in sorted(counter.items()))
    return f"{sum(counter.values())} ({parts})" if counter else "0"


def _composing(run: SlotRun) -> int:
    """Composition calls at the slot, repeated ones included."""
    return sum(n for purpose, n in run.at_slot.items() if purpose.startswith("digest"))


def run() -> list[Section]:
    stats, ours, base = asyncio.run(news_day())
    minimum, compositions = ours.minimum, ours.digests
    originals = stats.stored - stats.copies
    every = originals * 2 + compositions
    every_seconds = _floor(every)

    def timing(seconds: float, at_least: str = "") -> list[str]:
        ratios = (seconds / base.composed, seconds / GOAL_SECONDS)
        shown = f"{at_least}{seconds:,.0f} s" if at_least else f"{seconds:.1f} s"
        return [shown, *(f"{x:.2f}×" if x < 10 else f"{x:,.0f}×" for x in ratios)]

    slot_calls = f"{ours.calls}: {_calls(ours.ahead)} ahead + {_calls(ours.at_slot)} at the slot"
    rows = [
        ["summaries made ahead (07:55), then the 08:00 slot", *timing(ours.composed),
         f"{ours.delivered:.1f} s", slot_calls, f"{ours.calls / minimum:.2f}×",
         _degraded(ours)],
        ["baseline: the same slot, nothing made ahead", *timing(base.composed),
         f"{base.delivered:.1f} s", _calls(base.at_slot), f"{base.calls / base.minimum:.2f}×",
         _degraded(base)],
        ["minimum: stories shown × languages + compositions", "", "", "", "",
         f"{minimum} ({ours.shown} + {compositions})", "1.00×", ""],
        ["baseline: every article summarized (computed)", *timing(every_seconds, "≥ "), "",
         f"{every:,} ({originals:,} × 2 + {compositions})", f"{every / minimum:.0f}×", ""],
        ["goal", f"< {GOAL_SECONDS:.0f} s", "", "1.00×", "", "", f"≤ {GOAL_RATIO}×", "0"],
    ]  # fmt: skip
    failed = [
        goal
        for goal, ok in (
            (f"under {GOAL_SECONDS:.0f} s", ours.composed < GOAL_SECONDS),
            (f"calls ≤ {GOAL_RATIO}× the minimum", ours.calls <= GOAL_RATIO * minimum),
            (f"0 degraded ({ours.degraded} were)", ours.degraded == 0),
        )
        if not ok
    ]
    p, r, f1 = stats.bcubed
    basil = (
        "alternating with BASIL events"
        if labelled_path()
        else f"(no BASIL: {EVAL_VARIABLE} names no labelled file)"
    )
    notes = [
        f"The day: {ARTICLES:,} reports of {stats.events} events, published over the 24 h before "
        f"the slot by {EN_OUTLETS} English and {HI_OUTLETS} Hindi outlets (two of each weighted "
        f"as wires, priority {WIRE_PRIORITY}); story sizes fall as size^-{SIZE_EXPONENT} from 1 "
        f"to {MAX_STORY}, a story's reports {SPREAD_HOURS:g} h apart on average. The biggest "
        f"events are the real ones: the fixtures' Hindi+English pairs and the DeepSeek corpus "
        f"{basil}, then the fixtures' single-language events. Each report is "
        "rewritten from its event's texts in its language (another lead sentence, 40-70% of the "
        f"facts, another order, generic context sentences, another headline; {MIN_CHARS:,}-"
        f"{MAX_CHARS:,} characters) and no report is a SimHash near-copy of another. The "
        f"{stats.made_up} other events are templated text on made-up names "
        f"(bench/retrieval's templates and lexicon), {FILLER_HINDI:.0%} Hindi.",
        f"Ingested for real: an RSS feed per outlet on 127.0.0.1, `WebSourceReader` and "
        f"`ingest_due` every 2 h of simulated time (12 polls, {stats.ingest_seconds:.0f} s) and "
        f"at 07:59 ({ours.late_reports} more reports). Stored: {stats.stored:,} articles "
        f"({stats.hindi} Hindi, {stats.copies} near-copies) in {stats.stories} stories, the "
        f"largest of {stats.largest} reports (of {stats.largest_events} planned events); "
        f"against the planned events B³ precision {p:.3f}, recall {r:.3f}, F1 {f1:.3f}.",
        f"{CHANNELS} Markdown-file channels on `daily 08:00` UTC (hi+en, hi or en; "
        f"{len(STYLE_NOTES)} style notes), none sent anything before: {compositions} distinct "
        f"digests, {ours.items // max(compositions, 1)} stories each (of "
        f"{', '.join(map(str, ours.sizes))} reports); {ours.sent} deliveries.",
        "Timed from the call of `run_due_slots(now=08:00)` to the return of the last "
        "`DigestComposer.compose` (the real LLM composer behind a timing wrapper), then to the "
        f"end of `run_due_slots` (digests stored, deliveries written). Ours: {_phases(ours)}; "
        f"baseline: {_phases(base)}. Our {_composing(ours)} composition calls at {CONCURRENCY} "
        f"at once take at least {_floor(_composing(ours)):g} s. `digestbot run` looks for due "
        "slots every 20 s, which may add up to 20 s before this clock starts.",
        f"Ahead of time: `prepare_upcoming` at 07:55 made {sum(ours.ahead.values())} calls in "
        f"{ours.prepare_seconds:.1f} s (at least {_floor(sum(ours.ahead.values())):g} s).",
        f"LLM: the real openai client (at most {CONCURRENCY} calls at once, timeout 30 s, digest "
        f"time cap {TIME_CAP.seconds} s) against the tests' fake OpenAI-compatible server in the "
        f"same process, answering every call after {LATENCY:g} s of real time (most in flight: "
        f"{ours.peak_in_flight} ours, {base.peak_in_flight} baseline). The baseline ran on a copy "
        "of the database taken after the 07:54 poll, with the same 07:59 poll; the every-article "
        f"baseline counts each stored original × 2 languages, {CONCURRENCY} calls per "
        f"{LATENCY:g} s at best.",
        _again_note(ours, base),
        f"Goals: the last digest composed within {GOAL_SECONDS:.0f} s of the slot, LLM calls ≤ "
        f"{GOAL_RATIO}× the minimum, no item degraded to an extract. "
        + (f"Not met: {', '.join(failed)}." if failed else "All met."),
    ]
    header = ["run", "slot → last digest composed", "vs. baseline", "vs. goal", "→ all delivered",
              "LLM calls", "calls / minimum", "items degraded to extracts"]  # fmt: skip
    title = "News day: 1,000 articles to 100 channels (issue 12)"
    return [Section(title, COMMAND, header, rows, notes)]


if __name__ == "__main__":
    for section in run():
        print(section.markdown())
