"""The web console's archive (`/digests`) over 10,000 stored digests: latency per request.

`python -m bench console` loads a database of each kind in a child process (10,000 digests
of 5 items, delivered to 3 of 40 channels each, 5,000 searchable articles in their stories),
starts the console exactly as `digestbot run` mounts it on a real port, signs in through the
login form, and times GET requests of the archive: the first page, a channel's, a language's,
an older page (`before=`), and a search. Server and client share one process and one event
loop, so each figure includes the client's own work too.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.databases import json_child, migrated_database, postgres_problem
from bench.harness import Section
from bench.retrieval import percentile

DIGESTS = 10_000
ITEMS = 5
CHANNELS = 40
ARTICLES = 5_000
REQUESTS = 100
GOAL_MS = 100.0
TOKEN = "bench-console-token-0123456789"
WORDS = ["monsoon", "election", "cricket", "budget", "startup", "railway", "heatwave", "court"]
KINDS = ["first page", "one channel", "one language", "older page", "search"]


async def _load(url: str) -> dict[str, float]:
    """Store the archive with bulk inserts (its shape matters here, not how it was made)."""
    from sqlalchemy import insert

    from bot.domain.articles import Article
    from storage.db import make_engine
    from storage.models import (
        ChannelRow,
        DeliveryRow,
        DigestItemRow,
        DigestRow,
        StoryRow,
    )
    from storage.uow import make_uow_factory

    rng = random.Random(14)
    now = datetime.now(UTC)
    engine = make_engine(url)
    started = time.perf_counter()
    async with engine.begin() as conn:
        await conn.execute(
            insert(ChannelRow),
            [
                {"id": n, "platform": "telegram", "address": f"-100{n}", "title": f"Team {n}"}
                for n in range(1, CHANNELS + 1)
            ],
        )
        await conn.execute(
            insert(StoryRow),
            [
                {
                    "id": n,
                    "title": f"story {n}",
                    "first_seen_at": now,
                    "last_seen_at": now,
                    "article_count": 1,
                    "languages": ["en"],
                    "outlets": ["news.example"],
                }
                for n in range(1, ARTICLES + 1)
            ],
        )
        for start in range(0, DIGESTS, 1000):
            ids = range(start + 1, min(start + 1000, DIGESTS) + 1)
            await conn.execute(
                insert(DigestRow),
                [
                    {
                        "id": d,
                        "lang": "hi" if d % 2 else "en",
                        "title": f"Digest {d}",
                        "created_at": now - timedelta(hours=DIGESTS - d),
                        "also": [],
                    }
                    for d in ids
                ],
            )
            await conn.execute(
                insert(DigestItemRow),
                [
                    {
                        "digest_id": d,
                        "position": p,
                        "headline": f"Story {d}.{p}",
                        "body": "One sentence.",
                        "method": "llm",
                        "links": [],
                        "article_ids": [],
                        "story_id": rng.randint(1, ARTICLES),
                    }
                    for d in ids
                    for p in range(ITEMS)
                ],
            )
            await conn.execute(
                insert(DeliveryRow),
                [
                    {"digest_id": d, "channel_id": c, "status": "sent", "message_ids": []}
                    for d in ids
                    for c in rng.sample(range(1, CHANNELS + 1), 3)
                ],
            )
    uow_factory = make_uow_factory(engine)
    async with uow_factory() as uow:
        await uow.articles.add_many(
            [
                Article(
                    source_id=None,
                    url=f"https://news.example/{n}",
                    canonical_url=f"https://news.example/{n}",
                    title=f"{rng.choice(WORDS)} {rng.choice(WORDS)} report {n}",
                    text=f"{' '.join(rng.choices(WORDS, k=30))}.",
                    lang="en",
                    content_hash=f"h{n}",
                    fetched_at=now,
                    story_id=n,
                )
                for n in range(1, ARTICLES + 1)
            ]
        )
        await uow.commit()
    await engine.dispose()
    return {"load_s": time.perf_counter() - started}


async def _measure(url: str) -> dict[str, Any]:
    """Serve the console as `digestbot run` does and time the archive's requests."""
    import aiohttp
    from aiohttp import web

    from bot.bootstrap import build_app, build_console
    from bot.config import Settings
    from bot.scheduler.health import health_app

    app = build_app(Settings(database_url=url, web_token=TOKEN))  # type: ignore[arg-type]
    runner = web.AppRunner(health_app(app.engine, extend=build_console(app)), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    base = f"http://127.0.0.1:{port}"
    rng = random.Random(7)
    targets = {
        "first page": lambda: "/digests",
        "one channel": lambda: f"/digests?channel={rng.randint(1, CHANNELS)}",
        "one language": lambda: f"/digests?language={rng.choice(['hi', 'en'])}",
        "older page": lambda: f"/digests?before={rng.randint(50, DIGESTS)}",
        "search": lambda: f"/digests?q={rng.choice(WORDS)}+{rng.choice(WORDS)}",
    }
    latencies: dict[str, list[float]] = {kind: [] for kind in [*KINDS, "baseline"]}
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
            signed = await client.post(
                f"{base}/login", data={"token": TOKEN}, allow_redirects=False
            )
            assert signed.status == 303, await signed.text()
            for rounds, record in ((3, False), (REQUESTS, True)):  # warm up, then time
                for _ in range(rounds):
                    for kind, path in [*targets.items(), ("baseline", lambda: "/healthz")]:
                        began = time.perf_counter()
                        async with client.get(base + path()) as response:
                            body = await response.read()
                            assert response.status == 200, body[:300]
                        if record:
                            latencies[kind].append((time.perf_counter() - began) * 1000)
    finally:
        await runner.cleanup()
        await app.aclose()
    return {"latencies": latencies}


def child(command: str, url: str) -> None:
    result = asyncio.run(_load(url) if command == "load" else _measure(url))
    print(json.dumps(result))


def run() -> list[Section]:
    problem = postgres_problem()
    results: dict[str, dict[str, Any]] = {}
    for kind in ["sqlite"] if problem else ["sqlite", "postgres"]:
        with migrated_database(kind) as url:
            loaded = json_child("bench.console", "load", url)
            results[kind] = {**json_child("bench.console", "measure", url), **loaded}
    rows = []
    for kind, result in results.items():
        baseline = percentile(result["latencies"]["baseline"], 0.95)
        for what in KINDS:
            values = result["latencies"][what]
            p95 = percentile(values, 0.95)
            rows.append(
                [
                    kind,
                    what,
                    str(len(values)),
                    f"{percentile(values, 0.50):.1f} ms",
                    f"{p95:.1f} ms",
                    f"{max(values):.1f} ms",
                    f"{p95 / GOAL_MS:.2f}×",
                    f"{p95 / baseline:.1f}×",
                ]
            )
        rows.append(
            [
                kind,
                "baseline: GET /healthz",
                str(len(result["latencies"]["baseline"])),
                f"{percentile(result['latencies']['baseline'], 0.50):.1f} ms",
                f"{baseline:.1f} ms",
                f"{max(result['latencies']['baseline']):.1f} ms",
                "",
                "1.0×",
            ]
        )
    notes = [
        f"{DIGESTS:,} digests of {ITEMS} items in Hindi and English, each delivered to 3 of "
        f"{CHANNELS} channels; {ARTICLES:,} searchable articles, each its own story, which "
        "digest items tell at random. Loaded in "
        + ", ".join(f"{kind} {r['load_s']:.0f} s" for kind, r in results.items())
        + ".",
        "Each request is a signed-in GET over real HTTP on 127.0.0.1 to the console as "
        "`digestbot run` mounts it (`build_console`), rendering the full page of 50 digests; "
        "client and server share one process, so the client's time is included.",
        "The archive walks the digests' primary key newest first and stops at 50; a channel "
        "is tested against the deliveries' (digest_id, channel_id) unique index and a search's "
        "stories against digest_items' (digest_id, position) index, so no index was added.",
        f"Goal: p95 under {GOAL_MS:.0f} ms (vs. goal = p95 / {GOAL_MS:.0f} ms).",
    ]
    if problem:
        notes.append(f"PostgreSQL was not measured: {problem}")
    return [
        Section(
            title="Web console: the archive over 10,000 digests (issue 14)",
            command="`python -m bench console` (bench/console.py)",
            header=[
                "database",
                "request",
                "n",
                "p50",
                "p95",
                "max",
                "vs. goal",
                "vs. /healthz p95",
            ],
            rows=rows,
            notes=notes,
        )
    ]


if __name__ == "__main__":
    child(sys.argv[1], sys.argv[2])
