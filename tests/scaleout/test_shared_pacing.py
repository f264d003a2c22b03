"""Pacing shared through PostgreSQL: two workers with one token stay within one budget.

Each `DatabasePacer` here has its own connection, as each worker process would; the fake
Bot API enforces lowered limits so a test takes about a second.
"""

from __future__ import annotations

import asyncio
import time

import psycopg

from bot.adapters.pacing import Pacer, PacingPolicy, Rate
from bot.adapters.shared_pacing import DatabasePacer, pacer_for_database
from bot.adapters.telegram import TelegramAdapter
from bot.domain.channels import Channel
from tests.conftest import libpq_url
from tests.fakes.telegram_server import FakeTelegramServer, TelegramLimits
from tests.scaleout.workers import TOKEN

OVERALL, PER_CHAT = Rate(6, 0.5), Rate(1, 0.4)
POLICY = PacingPolicy(per_chat=PER_CHAT, overall=OVERALL)
LIMITS = TelegramLimits(overall=OVERALL, per_chat=PER_CHAT, per_group=None)
GROUP = Rate(3, 0.6)
GROUP_POLICY = PacingPolicy(per_chat=PER_CHAT, overall=OVERALL, per_group=GROUP)


def database_pacer(url: str, *, hold: float = 30.0) -> DatabasePacer:
    return DatabasePacer(POLICY, url, namespace="telegram:test", hold=hold)


async def fan_out(
    fake: FakeTelegramServer, pacers: list[Pacer], chats: int, each: int
) -> tuple[float, int]:
    """Every pacer's adapter sends `each` messages to each of `chats` chats, all at once.

    Returns the time it took and how many sends failed (the adapters do not wait on 429s).
    """
    adapters = [
        TelegramAdapter(TOKEN, base_url=fake.base_url, pacer=pacer, max_flood_wait=0)
        for pacer in pacers
    ]
    started = time.monotonic()
    results = await asyncio.gather(
        *(
            adapter.send_text(Channel("telegram", str(7000 + chat)), f"m{n}")
            for adapter in adapters
            for chat in range(chats)
            for n in range(each)
        ),
        return_exceptions=True,
    )
    elapsed = time.monotonic() - started
    for adapter in adapters:
        await adapter.aclose()
    return elapsed, sum(1 for result in results if isinstance(result, BaseException))


async def test_two_workers_sharing_the_database_budget_get_no_429(postgres_url: str) -> None:
    pacers = [database_pacer(postgres_url), database_pacer(postgres_url)]
    async with FakeTelegramServer(TOKEN, limits=LIMITS) as fake:
        elapsed, failed = await fan_out(fake, list(pacers), chats=9, each=2)
    for pacer in pacers:
        await pacer.aclose()

    assert fake.too_many_requests == 0 and failed == 0
    assert len(fake.messages) == 36
    # 36 sends at 6 per half second need at least 5 windows after the first batch.
    assert elapsed >= 5 * OVERALL.per_seconds


async def test_two_workers_pacing_only_themselves_are_refused(postgres_url: str) -> None:
    async with FakeTelegramServer(TOKEN, limits=LIMITS) as fake:
        await fan_out(fake, [Pacer(POLICY), Pacer(POLICY)], chats=9, each=2)
    assert fake.too_many_requests > 0


async def test_slots_of_a_worker_that_died_mid_send_free_after_the_hold(
    postgres_url: str,
) -> None:
    dead, alive = database_pacer(postgres_url, hold=0.6), database_pacer(postgres_url)
    limits = dead.limits("42")
    await dead.store.ensure(limits)
    taken, _ = await dead.store.try_take(limits, 0.0, 0.6)
    assert taken is not None  # sent, then the worker died before stamping the answer
    await dead.aclose()

    started = time.monotonic()
    await alive.wait("42")
    waited = time.monotonic() - started
    await alive.aclose()

    assert 0.6 + PER_CHAT.per_seconds - 0.1 <= waited < 3.0


def slot_rows(url: str) -> dict[str, int]:
    """How many `pacing_slots` rows each key has."""
    with psycopg.connect(libpq_url(url)) as conn:
        rows = conn.execute("SELECT key, count(*) FROM pacing_slots GROUP BY key").fetchall()
    return {str(key): int(count) for key, count in rows}


async def test_slots_of_chats_not_sent_to_for_the_longest_window_are_pruned(
    postgres_url: str,
) -> None:
    pacer = DatabasePacer(GROUP_POLICY, postgres_url, namespace="telegram:test", prune_every=0)
    for chat in ("1", "2", "3", "-4"):
        await pacer.wait(chat)
    await asyncio.sleep(GROUP.per_seconds + 0.1)  # the longest window of the policy

    await pacer.wait("5")  # a send now and then prunes what no window covers any more
    await pacer.aclose()

    assert slot_rows(postgres_url) == {"telegram:test:all": 6, "telegram:test:chat:5": 1}


async def test_a_group_whose_slots_were_pruned_while_in_use_gets_them_back(
    postgres_url: str,
) -> None:
    pacer = DatabasePacer(GROUP_POLICY, postgres_url, namespace="telegram:test")
    await pacer.wait("-4")
    with psycopg.connect(libpq_url(postgres_url)) as conn:  # a prune that skipped a held row
        conn.execute("DELETE FROM pacing_slots WHERE key = 'telegram:test:group:-4' AND slot > 0")

    for _ in range(2):
        await asyncio.wait_for(pacer.wait("-4"), 5)
    await pacer.aclose()

    assert slot_rows(postgres_url)["telegram:test:group:-4"] == GROUP.count


async def test_an_unreachable_database_falls_back_to_pacing_in_the_process() -> None:
    pacer = database_pacer("postgresql+psycopg://nobody@127.0.0.1:9/none")
    await asyncio.wait_for(pacer.wait("42"), 10)
    assert pacer.unshared_sends == 1
    await pacer.aclose()


def test_only_postgresql_gets_a_shared_pacer(postgres_url: str) -> None:
    assert pacer_for_database("telegram", TOKEN, "sqlite:///./data/digestbot.db") is None
    shared = pacer_for_database("telegram", TOKEN, postgres_url)
    assert isinstance(shared, DatabasePacer)
    assert pacer_for_database("telegram", TOKEN, postgres_url) is shared
    assert TOKEN.split(":")[1] not in shared.namespace
