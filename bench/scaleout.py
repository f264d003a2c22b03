"""Scale-out: one fan-out to 2,000 Telegram chats shared by 1, 2 and 4 worker processes.

Each worker is a process of its own running the delivery loop of `digestbot run`
(`deliver_due` against one PostgreSQL ledger, claiming deliveries with SKIP LOCKED) with
the real `TelegramAdapter` paced by the database-shared pacer. The fake Bot API answers
every call after 100 ms and enforces a limit for the whole bot token with 429s.

A worker sends at most `CONCURRENCY` messages at once, so alone it is bounded by latency
(about CONCURRENCY / 0.1 s messages a second); the platform limit is set above that and
below what four workers could do, so the run shows both regimes: throughput grows with
workers until the platform's limit binds, then holds there with no 429s. A last row runs
four workers under Telegram's real limit of 30 messages a second (1,000 chats).

Usage:
    python -m bench scaleout
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bench.databases import migrated_database, postgres_problem
from bench.harness import Section

CHATS = 2000
LATENCY = 0.100  # seconds per Bot API call, half on the way in, half on the way out
CONCURRENCY = 5  # messages one worker has in flight at most
PLATFORM_LIMIT = 100  # messages a second per bot token in the main runs
TELEGRAM_LIMIT = 30
TELEGRAM_CHATS = 1000  # the last row, at Telegram's own limit (2,000 would take 80 s)
WORKERS = (1, 2, 4)
TOKEN = "7012345678:AAF-bench_scaleout_token_for_the_fake"
NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


@dataclass
class Run:
    """One fan-out: how many workers, under which limit, and what came of it."""

    workers: int
    limit: int
    wall: float
    messages: int
    too_many_requests: int
    sent_by: list[int]

    @property
    def throughput(self) -> float:
        """Messages a second, first claim to last message."""
        return self.messages / self.wall if self.wall else 0.0


# --- the worker process ------------------------------------------------------------------


async def _work(url: str, base_url: str, limit: int, start_at: float) -> dict[str, Any]:
    """Deliver until nothing is left to claim; what this worker sent."""
    from bot.adapters.pacing import PacingPolicy, Rate
    from bot.adapters.shared_pacing import DatabasePacer
    from bot.adapters.telegram import TelegramAdapter
    from bot.services.deliveries import deliver_due
    from storage.db import make_engine
    from storage.uow import make_uow_factory

    engine = make_engine(url)
    uow_factory = make_uow_factory(engine)
    policy = PacingPolicy(per_chat=Rate(1, 1.0), overall=Rate(limit, 1.0))
    pacer = DatabasePacer(policy, url, namespace="telegram:bench")
    adapter = TelegramAdapter(TOKEN, base_url=base_url, pacer=pacer)
    sent = 0
    await asyncio.sleep(max(0.0, start_at - time.time()))
    try:
        while True:
            report = await deliver_due(
                uow_factory, {"telegram": adapter}, now=NOW, concurrency=CONCURRENCY
            )
            sent += report.sent
            if report.sent + report.failed + report.retrying == 0:
                break
    finally:
        await adapter.aclose()
        await pacer.aclose()
        await engine.dispose()
    return {"sent": sent, "flood_waits": adapter.flood_waits}


def worker_main(argv: list[str]) -> None:
    """`python -m bench.scaleout worker URL BASE_URL LIMIT START_AT`: print what it sent."""
    url, base_url, limit, start_at = argv
    result = asyncio.run(_work(url, base_url, int(limit), float(start_at)))
    print(json.dumps(result))


# --- the parent: fake platform, ledger, workers ------------------------------------------


def _fake_server(limit: int) -> Any:
    from aiohttp import web

    from bot.adapters.pacing import Rate
    from tests.fakes.telegram_server import FakeTelegramServer, TelegramLimits

    class SlowTelegram(FakeTelegramServer):
        """The fake Bot API with a network's latency, noting when the last message came."""

        last_message_at = 0.0

        async def _handle(self, request: web.Request) -> web.Response:
            await asyncio.sleep(LATENCY / 2)
            response = await super()._handle(request)
            if request.match_info["method"] == "sendMessage" and response.status == 200:
                self.last_message_at = time.time()
            await asyncio.sleep(LATENCY / 2)
            return response

    limits = TelegramLimits(overall=Rate(limit, 1.0), per_chat=Rate(1, 1.0), per_group=None)
    return SlowTelegram(TOKEN, limits=limits)


async def _enqueue(url: str, chats: int) -> None:
    from bot.domain.digests import Digest, DigestItem, SourceLink
    from bot.services.deliveries import enqueue
    from storage.db import make_engine
    from storage.uow import make_uow_factory

    engine = make_engine(url)
    try:
        uow_factory = make_uow_factory(engine)
        async with uow_factory() as uow:
            digest = await uow.digests.add(
                Digest(
                    lang="en",
                    title="Today's news",
                    items=[
                        DigestItem(
                            headline="Monsoon reaches Kerala",
                            body="The monsoon arrived two days early this year.",
                            links=[SourceLink("Source", "https://example.in/1", article_id=1)],
                            method="extract",
                            article_ids=[1],
                        )
                    ],
                    created_at=NOW,
                )
            )
            ids = [
                (await uow.channels.get_or_create("telegram", str(100_000 + n))).id or 0
                for n in range(chats)
            ]
            await uow.commit()
        assert digest.id is not None
        await enqueue(uow_factory, digest.id, ids)
    finally:
        await engine.dispose()


async def _fan_out(url: str, workers: int, limit: int, chats: int) -> Run:
    await _enqueue(url, chats)
    async with _fake_server(limit) as fake:
        start_at = time.time() + 4.0  # every worker imported and connected by then
        procs = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bench.scaleout",
                "worker",
                url,
                fake.base_url,
                str(limit),
                str(start_at),
                stdout=asyncio.subprocess.PIPE,
            )
            for _ in range(workers)
        ]
        outputs = [await proc.communicate() for proc in procs]
        sent_by = []
        for proc, (out, _) in zip(procs, outputs, strict=True):
            if proc.returncode != 0:
                raise RuntimeError(f"a bench worker failed with exit code {proc.returncode}")
            sent_by.append(int(json.loads(out.decode().strip().splitlines()[-1])["sent"]))
        return Run(
            workers=workers,
            limit=limit,
            wall=fake.last_message_at - start_at,
            messages=len(fake.messages),
            too_many_requests=fake.too_many_requests,
            sent_by=sent_by,
        )


def _measure(workers: int, limit: int, chats: int = CHATS) -> Run:
    with migrated_database("postgres") as url:
        return asyncio.run(_fan_out(url, workers, limit, chats))


def run() -> list[Section]:
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    title = "Scale-out: one fan-out shared by 1, 2 and 4 workers on PostgreSQL (issue 7)"
    command = "`python -m bench scaleout` (bench/scaleout.py)"
    problem = postgres_problem()
    if problem:
        return [
            Section(
                title, command, ["result"], [["skipped"]], [f"PostgreSQL unreachable: {problem}"]
            )
        ]
    runs = [_measure(n, PLATFORM_LIMIT) for n in WORKERS]
    runs.append(_measure(4, TELEGRAM_LIMIT, TELEGRAM_CHATS))
    base = runs[0].throughput
    rows = [
        [
            str(r.workers),
            f"{r.limit} msg/s",
            f"{r.messages:,}",
            f"{r.wall:.1f} s",
            f"{r.throughput:.1f} msg/s",
            f"{r.throughput / base:.2f}×" if r.limit == PLATFORM_LIMIT else "",
            f"{r.throughput / r.limit:.0%}",
            " / ".join(str(n) for n in r.sent_by),
            str(r.too_many_requests),
        ]
        for r in runs
    ]
    return [
        Section(
            title=title,
            command=command,
            header=[
                "workers",
                "platform limit",
                "messages",
                "wall time",
                "throughput",
                "vs. 1 worker",
                "of the limit",
                "sent per worker",
                "429s",
            ],
            rows=rows,
            notes=[
                f"{CHATS:,} Telegram chats ({TELEGRAM_CHATS:,} in the last row), one message "
                "each, through `deliver_due` (the "
                "delivery loop of `digestbot run`) in separate worker processes sharing one "
                f"PostgreSQL ledger; each worker sends at most {CONCURRENCY} messages at once.",
                f"Fake Bot API: {LATENCY * 1000:.0f} ms per call, 1 msg/s per chat and the "
                "limit shown per bot token, enforced with 429s; the pacing budget is shared "
                "through PostgreSQL (`bot/adapters/shared_pacing.py`).",
                f"One worker is bound by latency (at most {CONCURRENCY / LATENCY:.0f} msg/s); "
                "more workers add throughput until the platform's limit binds and then hold "
                "it. A send counts against the limit until its answer is back plus the "
                "window, so the ceiling under a limit L is about L / (1 + latency) msg/s.",
                "Wall time runs from the workers' common start to the last message the fake "
                "accepted; the fake and PostgreSQL run on the same machine as the workers.",
            ],
        )
    ]


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        worker_main(sys.argv[2:])
    else:
        print(run()[0].markdown())
