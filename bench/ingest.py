"""Ingest throughput and steady-state polling cost, against feeds served from 127.0.0.1.

(a) 200 feeds x 50 full-text items ingested end to end with `ingest_due` into SQLite and
PostgreSQL, against the floor: a bare loop that only parses the same feed bytes with
feedparser. (b) 10,000 feeds polled once where 98% answer 304 Not Modified: CPU seconds of
the cycle (as a share of one core over a 10-minute interval) and peak RSS.

The feed server runs in its own process and every measurement in a fresh child process, so
each figure (CPU time, peak RSS) belongs to the ingesting process alone.

Usage: python -m bench ingest        (or `python -m bench.ingest` for the table only)
"""

from __future__ import annotations

import asyncio
import json
import random
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any

from bench.databases import POSTGRES_URL, json_child, migrated_database, postgres_problem
from bench.harness import Section, cpu_seconds, peak_rss_mb

FEEDS, ITEMS = 200, 50
#: PostgreSQL gets a quarter of the feeds, to keep the whole benchmark near five minutes.
PG_FEEDS = 50
STEADY_FEEDS, CHANGED_SHARE = 10_000, 0.02
GOAL_RATIO, GOAL_CPU_SHARE, GOAL_RSS_MB = 1.5, 0.25, 200
#: Alternating runs of the bare parse and the SQLite ingest; the fastest of each counts.
ROUNDS = 3
_VOCABULARY_EN = (
    "government market monsoon rainfall cricket series investors model open source startup "
    "budget election court ruling farmers prices growth report minister state city river "
    "hospital school research data policy energy solar power railway airport bank loan"
)
_VOCABULARY_HI = (
    "सरकार बाजार मानसून बारिश क्रिकेट श्रृंखला निवेशक मॉडल स्टार्टअप बजट चुनाव अदालत फैसला "
    "किसान कीमत विकास रिपोर्ट मंत्री राज्य शहर नदी अस्पताल स्कूल शोध आंकड़े नीति ऊर्जा बिजली"
)
_WORDS_EN, _WORDS_HI = _VOCABULARY_EN.split(), _VOCABULARY_HI.split()


def story(rng: random.Random, hindi: bool) -> str:
    """Six paragraphs of plausible-length news text (about 300 words)."""
    words = _WORDS_HI if hindi else _WORDS_EN
    stop = "।" if hindi else "."
    paragraphs = []
    for _ in range(6):
        sentences = [" ".join(rng.choices(words, k=rng.randint(8, 14))) + stop for _ in range(4)]
        paragraphs.append(" ".join(s[0].upper() + s[1:] for s in sentences))
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def feed_bytes(base: str, feed: int, items: int, version: int = 1) -> bytes:
    """RSS 2.0 with full-text items; `version` changes every item for a changed feed."""
    rng = random.Random(feed * 1000 + version)
    entries = "".join(
        f"<item><title>Story {feed}-{version}-{i}</title>"
        f"<link>{base}/story/{feed}/{version}/{i}</link><guid>{feed}-{version}-{i}</guid>"
        f"<pubDate>Thu, 26 Nov 2026 08:{i % 60:02d}:00 GMT</pubDate>"
        f"<description>{escape(story(rng, hindi=i % 2 == 0))}</description></item>"
        for i in range(items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {feed}</title><link>{base}/</link>{entries}</channel></rss>"
    ).encode()


# --- the feed server (its own process) ---------------------------------------------------


def serve() -> None:
    """Serve /big/N.xml (200 full feeds) and /small/N.xml (10,000 feeds, mostly 304)."""
    from aiohttp import web

    async def main() -> None:
        app = web.Application()
        cache: dict[str, bytes] = {}
        state = {"port": 0}

        def base() -> str:
            return f"http://127.0.0.1:{state['port']}"

        async def big(request: web.Request) -> web.StreamResponse:
            feed = int(request.match_info["n"])
            key = f"big{feed}"
            if key not in cache:
                cache[key] = feed_bytes(base(), feed, ITEMS)
            return web.Response(body=cache[key], content_type="application/rss+xml")

        async def small(request: web.Request) -> web.StreamResponse:
            feed = int(request.match_info["n"])
            changed = feed % round(1 / CHANGED_SHARE) == 0
            etag = f'"v{2 if changed else 1}"'
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
            body = feed_bytes(base(), STEADY_FEEDS + feed, 3, version=2 if changed else 1)
            return web.Response(
                body=body, content_type="application/rss+xml", headers={"ETag": etag}
            )

        app.router.add_get("/big/{n}.xml", big)
        app.router.add_get("/small/{n}.xml", small)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        state["port"] = int(runner.addresses[0][1])
        print(state["port"], flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        await runner.cleanup()

    asyncio.run(main())


@contextmanager
def feed_server() -> Iterator[int]:
    """The feed server in a child process; yields its port."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.ingest", "serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        yield int(proc.stdout.readline())
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        proc.wait(timeout=10)


# --- measurements (each in a fresh child process) ----------------------------------------


async def _ingest(
    url: str, sources: Sequence[tuple[str, str | None]], *, start_workers: bool
) -> dict[str, float]:
    """Add the sources, then time one `ingest_due` over all of them.

    With `start_workers` the parse workers are started before the clock starts, as a
    running bot keeps them for its lifetime; otherwise they start only if a document is
    big enough to need them. Their CPU time and peak memory are reported with the rest.
    """
    from bot.domain.sources import Source
    from bot.services.ingest import ingest_due
    from bot.sources.parse_pool import ParsePool
    from bot.sources.reader import WebSourceReader
    from storage.db import make_engine
    from storage.uow import make_uow_factory

    engine = make_engine(url)
    uow_factory = make_uow_factory(engine)
    async with uow_factory() as uow:
        for feed_url, etag in sources:
            source = Source(url=feed_url, name=feed_url, poll_interval=timedelta(minutes=10))
            source.etag = etag
            await uow.sources.add(source)
        await uow.commit()
    pool = ParsePool()
    reader = WebSourceReader(allow_private_urls=True, parse_pool=pool)
    if start_workers:
        await pool.start()
    before = {pid: cpu_seconds(pid) for pid in pool.worker_pids}
    now = datetime.now(UTC)
    cpu, wall = time.process_time(), time.perf_counter()
    reports = await ingest_due(uow_factory, reader, now=now)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    workers = pool.worker_pids
    worker_cpu = sum(cpu_seconds(pid) - before.get(pid, 0.0) for pid in workers)
    worker_rss = [peak_rss_mb(pid) for pid in workers]
    await reader.aclose()
    await engine.dispose()
    failed = [r.error for r in reports if r.error]
    if failed:
        raise RuntimeError(f"{len(failed)} feeds failed, e.g. {failed[0]}")
    return {
        "wall": wall,
        "cpu": cpu,
        "worker_cpu": worker_cpu,
        "workers": len(workers),
        "pool_size": pool.workers,
        "worker_peak_rss_mb": max(worker_rss, default=0.0),
        "workers_rss_mb": sum(worker_rss),
        "sources": len(reports),
        "new": sum(r.new for r in reports),
        "not_modified": sum(r.not_modified for r in reports),
        "peak_rss_mb": peak_rss_mb(),
    }


def measure_throughput(kind: str, port: int, feeds: int) -> dict[str, float]:
    urls = [(f"http://127.0.0.1:{port}/big/{n}.xml", None) for n in range(feeds)]
    with migrated_database(kind) as url:
        return asyncio.run(_ingest(url, urls, start_workers=True))


def measure_steady(kind: str, port: int) -> dict[str, float]:
    urls = [(f"http://127.0.0.1:{port}/small/{n}.xml", '"v1"') for n in range(STEADY_FEEDS)]
    with migrated_database(kind) as url:
        return asyncio.run(_ingest(url, urls, start_workers=False))


def measure_bare_parse(port: int) -> dict[str, float]:
    """The floor: feedparser over the same bytes, fetched beforehand and not timed."""
    import urllib.request

    import feedparser

    bodies = []
    for n in range(FEEDS):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/big/{n}.xml") as response:
            bodies.append(response.read())
    cpu, wall = time.process_time(), time.perf_counter()
    items = sum(len(feedparser.parse(body).entries) for body in bodies)
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu, "new": items}


def run() -> list[Section]:
    """Bare parse and SQLite ingest alternate ROUNDS times and the fastest of each counts:
    on a shared machine either can land on a slow moment, and the ratio should not."""
    pg_problem = postgres_problem()
    with feed_server() as port:
        bares, sqlites = [], []
        for _ in range(ROUNDS):
            bares.append(json_child("bench.ingest", "bare", str(port)))
            sqlites.append(
                json_child("bench.ingest", "throughput", "sqlite", str(port), str(FEEDS))
            )
        ingested = {"sqlite": min(sqlites, key=_per_item)}
        if not pg_problem:
            ingested["postgres"] = json_child(
                "bench.ingest", "throughput", "postgres", str(port), str(PG_FEEDS)
            )
        steady = json_child("bench.ingest", "steady", "sqlite", str(port))
    bare = min(bares, key=_per_item)
    spread = {
        "bare": [_per_item(r) * 1000 for r in bares],
        "sqlite": [_per_item(r) * 1000 for r in sqlites],
    }
    return [_throughput_section(bare, ingested, pg_problem, spread), _steady_section(steady)]


def _per_item(result: dict[str, Any]) -> float:
    return float(result["wall"]) / float(result["new"])


def _throughput_section(
    bare: dict[str, Any],
    ingested: dict[str, dict[str, Any]],
    pg_problem: str | None,
    spread: dict[str, list[float]],
) -> Section:
    floor = bare["wall"] / bare["new"]
    rows = [
        [
            f"`ingest_due` into {kind} ({r['sources']:.0f} feeds)",
            f"{r['new']:.0f}",
            f"{r['wall']:.1f} s",
            f"{(r['cpu'] + r['worker_cpu']) / r['new'] * 1000:.2f} ms "
            f"({r['cpu'] / r['new'] * 1000:.2f} + {r['worker_cpu'] / r['new'] * 1000:.2f})",
            f"{r['new'] / r['wall']:.0f}",
            f"{r['wall'] / r['new'] / floor:.2f}x",
            f"{r['peak_rss_mb']:.0f} + {r['workers']:.0f} x {r['worker_peak_rss_mb']:.0f} MiB",
        ]
        for kind, r in ingested.items()
    ]
    rows.append(
        [
            "floor: `feedparser.parse` over the same bytes",
            f"{bare['new']:.0f}",
            f"{bare['wall']:.1f} s",
            f"{bare['cpu'] / bare['new'] * 1000:.2f} ms",
            f"{bare['new'] / bare['wall']:.0f}",
            "1.00x",
            "",
        ]
    )
    sqlite = ingested.get("sqlite")
    ratio = sqlite["wall"] / sqlite["new"] / floor if sqlite else float("nan")
    verdict = "met" if ratio <= GOAL_RATIO else "not met"
    notes = [
        f"Feeds of {ITEMS} full-text items (half Hindi, half English, about 300 words each) "
        "served by an aiohttp server in its own process on 127.0.0.1; every figure comes from "
        "a fresh child process running `ingest_due` with the real `WebSourceReader` "
        "(fetch, parse, clean, detect language, fingerprint, deduplicate, store, index for "
        "search).",
        "Parsing and cleaning run in the reader's parse workers (`DIGESTBOT_PARSE_WORKERS`, "
        "by default one per core: 2 here), started before the clock starts as a running bot "
        "keeps them; fetching and storing stay in the bot's process. CPU per item is the bot's "
        "process (its threads included) plus the workers; memory is the bot's peak RSS plus "
        "each worker's.",
        "The floor is one process on one core; the ingest uses both cores, which is what "
        "the workers are for.",
        f"PostgreSQL ingests {PG_FEEDS} of the {FEEDS} feeds to keep the benchmark near five "
        "minutes; the ratio is per item, so the rows compare. The PostgreSQL server shares "
        "the same two cores.",
        f"Bare parse and SQLite ingest ran {ROUNDS} times each, alternating, and the fastest "
        "of each is shown (wall ms per item, bare: "
        + ", ".join(f"{v:.2f}" for v in spread["bare"])
        + "; SQLite: "
        + ", ".join(f"{v:.2f}" for v in spread["sqlite"])
        + "); PostgreSQL ran once.",
        f"Goal: within {GOAL_RATIO}x of the bare parse ({verdict} on SQLite: {ratio:.2f}x).",
    ]
    if pg_problem:
        notes.append(f"PostgreSQL skipped: {POSTGRES_URL} unreachable ({pg_problem}).")
    return Section(
        title="Ingest throughput (issue 3)",
        command="`make bench` (bench/ingest.py)",
        header=[
            "what",
            "items",
            "wall time",
            "CPU per item (bot + workers)",
            "items/s",
            "vs. bare parse",
            "peak RSS",
        ],
        rows=rows,
        notes=notes,
    )


def _steady_section(r: dict[str, Any]) -> Section:
    cpu = r["cpu"] + r["worker_cpu"]
    rss = r["peak_rss_mb"] + r["workers_rss_mb"]
    share = cpu / 600
    return Section(
        title="Steady-state polling (issue 3)",
        command="`make bench` (bench/ingest.py)",
        header=["cycle", "answered 304", "CPU", "wall", "share of one core / 10 min", "peak RSS"],
        rows=[
            [
                f"{r['sources']:,.0f} feeds into SQLite",
                f"{r['not_modified']:,.0f}",
                f"{cpu:.1f} s",
                f"{r['wall']:.1f} s",
                f"{share:.1%} (goal {GOAL_CPU_SHARE:.0%}: {share / GOAL_CPU_SHARE:.2f}x)",
                f"{rss:.0f} MiB (goal {GOAL_RSS_MB}: {rss / GOAL_RSS_MB:.2f}x)",
            ]
        ],
        notes=[
            f"One full poll cycle of {STEADY_FEEDS:,} feeds with stored ETags, as every 10 "
            f"minutes: {CHANGED_SHARE:.0%} changed (3 new items each), the rest answer 304.",
            "The best-known peer reports 6,000 feeds on one core at about 350 MB.",
            "Peak RSS is the whole ingesting process: interpreter, imports, migrations, the "
            "10,000 sources loaded and the run. The changed feeds are small (under 64 KiB), "
            f"so they are parsed in the bot's own process: {r['workers']:.0f} parse workers "
            "were started (any would be counted in CPU and memory).",
        ],
    )


def _main(argv: list[str]) -> None:
    mode = argv[0] if argv else "report"
    if mode == "serve":
        serve()
    elif mode == "bare":
        print(json.dumps(measure_bare_parse(int(argv[1]))))
    elif mode == "throughput":
        print(json.dumps(measure_throughput(argv[1], int(argv[2]), int(argv[3]))))
    elif mode == "steady":
        print(json.dumps(measure_steady(argv[1], int(argv[2]))))
    else:
        for section in run():
            print(section.markdown())


if __name__ == "__main__":
    _main(sys.argv[1:])
