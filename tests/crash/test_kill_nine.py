"""`kill -9` during ingest, summarizing and a fan-out to 200 chats, fifteen times, then a restart.

The service runs as a real process (`tests.crash.driver`: the real `DigestService`) on
SQLite and on PostgreSQL, against a fake Telegram Bot API server and a fake web server that
live in the test process and so outlive every kill. Each round publishes new articles,
starts the service a day later on its clock (a new schedule slot) and kills it at a
seeded random moment of one phase; a kill that leaves chats unserved is followed by an
immediate restart on the same clock, timed until every chat is served (`RECOVERY_GOAL`). A
last round runs until every delivery is sent and stops with SIGTERM. Then every chat's
messages are read back against the ledger, and each kill's copies counted (at most one per
chat being sent to, so at most the sender concurrency).

The seed is printed; `DIGESTBOT_CRASH_SEED=N` replays a run's articles and kill plan
(which phase, which event of it, how long after it), though not the machine's timing.
"""

from __future__ import annotations

import os
import random
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.channels import Subscription
from bot.domain.languages import LangChoice
from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.sources import Source
from bot.services.deliveries import SENDER_CONCURRENCY
from tests.crash.audit import audit
from tests.crash.driver import FAST_PACING
from tests.crash.newsroom import Newsroom
from tests.crash.rounds import PHASES, Drill, KillPlan, Phase, round_clock
from tests.fakes.telegram_server import FakeTelegramServer, TelegramLimits
from tests.fakes.web_server import FakeWebServer

TOKEN = "7012345678:AAF-crash_test_token_for_the_fake"
SEED_VARIABLE = "DIGESTBOT_CRASH_SEED"
ROUNDS = 15
CHATS = 200
#: Four time zones, one daily slot at 08:00 UTC in each (no daylight-saving change falls
#: within the rounds): every round meets one new slot for all 200 chats.
SCHEDULES = (
    ("Asia/Kolkata", "daily 13:30"),
    ("UTC", "daily 08:00"),
    ("Europe/London", "daily 08:00"),
    ("Asia/Kathmandu", "daily 13:45"),
)
LANGUAGES: tuple[LangChoice, ...] = ("hi", "en", "both")
FEEDS = ["hi", "en", "hi", "en", "hi", "en"]
#: A minute after the first slot; each round's clock is a day later.
START = datetime(2026, 3, 2, 8, 1, tzinfo=UTC)
#: What the fake Telegram server allows: exactly what the driver paces to.
FAST_TELEGRAM = TelegramLimits(
    overall=FAST_PACING.overall, per_chat=FAST_PACING.per_chat, per_group=FAST_PACING.per_group
)
#: Unrecorded copies one kill may leave: a part in flight per chat being sent to, and one
#: process sends to at most this many chats at once (one pass at a time).
MAX_COPIES_PER_KILL = SENDER_CONCURRENCY
#: Seconds from a restart after a kill until every chat has the slot's digests.
RECOVERY_GOAL = 30.0


def slot_of(clock: datetime) -> datetime:
    """The slot a round's clock follows: 08:00 UTC that day."""
    return clock.replace(hour=8, minute=0, second=0, microsecond=0)


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegramServer]:
    """The fake Bot API every round's process posts to."""
    async with FakeTelegramServer(TOKEN, limits=FAST_TELEGRAM) as fake:
        yield fake


@pytest.fixture
async def web() -> AsyncIterator[FakeWebServer]:
    """The fake web server the feeds are polled from."""
    server = FakeWebServer()
    await server.start()
    yield server
    await server.stop()


async def subscribe_chats(uow_factory: UnitOfWorkFactory) -> None:
    """200 Telegram chats (a quarter of them groups), each with a daily digest."""
    async with uow_factory() as uow:
        for n in range(CHATS):
            address = str(-100_000_000 - n) if n % 4 == 3 else str(10_000 + n)
            channel = await uow.channels.get_or_create("telegram", address, title=f"chat {n}")
            languages = LANGUAGES[n % len(LANGUAGES)]
            channel.language = languages
            channel.timezone, schedule = SCHEDULES[n % len(SCHEDULES)]
            await uow.channels.update(channel)
            assert channel.id is not None
            await uow.channels.save_subscription(
                Subscription(channel.id, languages, schedule, channel.timezone)
            )
        await uow.commit()


async def add_sources(uow_factory: UnitOfWorkFactory, newsroom: Newsroom) -> None:
    """The newsroom's feeds as sources polled every quarter hour."""
    async with uow_factory() as uow:
        for source in newsroom.sources:
            await uow.sources.add(
                Source(
                    url=newsroom.web.url(source.path),
                    name=source.path,
                    lang_hint="hi" if source.lang == "hi" else "en",
                    poll_interval=timedelta(minutes=15),
                )
            )
        await uow.commit()


def kill_phases(rng: random.Random) -> list[Phase]:
    """Each phase as often as the others, in a seeded order."""
    phases = [PHASES[n % len(PHASES)] for n in range(ROUNDS)]
    rng.shuffle(phases)
    return phases


async def test_kill_nine_in_every_phase_leaves_every_chat_every_digest_once(
    migrated_url: str,
    uow_factory: UnitOfWorkFactory,
    engine: AsyncEngine,
    telegram: FakeTelegramServer,
    web: FakeWebServer,
    tmp_path: Path,
) -> None:
    seed = int(os.environ.get(SEED_VARIABLE) or random.SystemRandom().randrange(2**32))
    database = migrated_url.split(":")[0]
    print(f"\ncrash seed {seed} on {database} ({SEED_VARIABLE}={seed} replays its plan)")
    rng = random.Random(seed)
    newsroom = Newsroom(web, rng, FEEDS)
    await subscribe_chats(uow_factory)
    await add_sources(uow_factory, newsroom)
    drill = Drill(migrated_url, engine, telegram, web, tmp_path, TOKEN, slot_of)
    started = time.monotonic()

    for number, phase in enumerate(kill_phases(rng)):
        clock = round_clock(START, number)
        newsroom.publish(clock)
        plan = KillPlan.draw(rng, phase, sources=len(FEEDS), summaries=2 * len(FEEDS))
        await drill.kill_round(number, clock, plan)
    final = round_clock(START, ROUNDS)
    newsroom.publish(final)
    await drill.finish_round(ROUNDS, final)
    elapsed = time.monotonic() - started

    result = await audit(uow_factory, engine, telegram.messages, drill.rounds)
    killed = [r.plan for r in drill.rounds if r.plan is not None]
    interrupted_ingest = sum(
        1
        for r in drill.rounds
        if r.plan and r.plan.phase == "ingest" and r.sources_stored < len(FEEDS)
    )
    restarts = {r.number: r.recovered for r in drill.rounds if r.recovered is not None}
    print(
        f"{database}: {len(killed)} kills {dict(Counter(p.phase for p in killed))} "
        f"({interrupted_ingest} before every source was stored) in {elapsed:.0f}s; "
        f"{result.summary()}; 429s {telegram.too_many_requests}\n"
        f"{database}: per kill, copies (at most {MAX_COPIES_PER_KILL}) "
        f"{[result.window_duplicates[r.number] for r in drill.rounds if r.killed]}; "
        f"seconds from the restart to every chat served (at most {RECOVERY_GOAL:.0f}) "
        f"{ {n: round(s, 1) for n, s in restarts.items()} }"
    )

    context = f"(seed {seed} on {database})"
    assert not result.problems, f"{len(result.problems)} problems {context}: {result.problems[:10]}"
    for record in drill.rounds:
        enqueued = result.slots_run.get(record.clock, set())
        assert enqueued == ({"hi", "en"} if record.slot_committed else set()), (
            f"round {record.number}: slot committed {record.slot_committed}, "
            f"digests enqueued {enqueued} {context}"
        )
    assert drill.rounds[-1].slot_committed, f"the last slot never ran {context}"
    assert max(result.window_duplicates.values(), default=0) <= MAX_COPIES_PER_KILL, context
    assert restarts, f"no kill left a chat unserved, so no restart was timed {context}"
    assert max(restarts.values()) <= RECOVERY_GOAL, f"slow restarts {restarts} {context}"
    assert {p.phase for p in killed} == set(PHASES), context
