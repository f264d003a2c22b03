"""Three workers on one PostgreSQL: the leader is killed with SIGKILL and another takes over.

The workers run on a clock moved so that a scheduled slot falls a set number of seconds into
the test, and the slot a minute before it is already due. The first leader runs the due
slot; after the kill a follower becomes leader, must not run that slot again, and must run
the next one when it comes, with the news that arrived in between (a story sent at the first
slot is not sent again).
"""

from __future__ import annotations

import asyncio
import math
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path

from sqlalchemy import text

from bot.demo_data import SAMPLE_FEED
from bot.domain.sources import Source
from storage.db import make_engine
from storage.uow import make_uow_factory
from tests.fakes.telegram_server import FakeTelegramServer
from tests.scaleout.workers import (
    TOKEN,
    Worker,
    eventually,
    leader_among,
    logs,
    seed,
    start_workers,
    stop_workers,
    worker_env,
)
from tests.text.corpus import fixture_article

CHATS = [4000 + n for n in range(20)]
#: Seconds from the start of the test to the next slot, as the workers' clock has it.
NEXT_SLOT_IN = 22.0


async def test_after_kill_9_a_new_leader_runs_the_next_slot_on_time_and_none_twice(
    postgres_url: str, tmp_path: Path
) -> None:
    next_slot_real = time.time() + NEXT_SLOT_IN
    next_slot = math.ceil(next_slot_real / 60) * 60
    offset = next_slot - next_slot_real
    sample = Source(url=str(SAMPLE_FEED), name="sample", kind="file")
    await seed(postgres_url, chats=CHATS, schedule=_two_slots(next_slot), sources=[sample])
    async with FakeTelegramServer(TOKEN) as fake:
        env = worker_env(postgres_url, fake.base_url)
        args = ("-m", "tests.scaleout.shifted_run", f"{offset:.3f}")
        workers = await start_workers(3, env, tmp_path, args)
        try:
            await _check(workers, fake, postgres_url, next_slot_real, tmp_path)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{logs(workers)}") from None
        finally:
            await stop_workers(workers)


def _two_slots(next_slot: float) -> str:
    """A daily cron firing at the minute before `next_slot` (due at once) and at `next_slot`.

    (An every-minute cron would do too, but looking back over its many past slots is slow.)
    """
    due, upcoming = (datetime.fromtimestamp(t, UTC) for t in (next_slot - 60, next_slot))
    return f"{due.minute},{upcoming.minute} {due.hour},{upcoming.hour} * * *"


async def _check(
    workers: list[Worker],
    fake: FakeTelegramServer,
    postgres_url: str,
    next_slot_real: float,
    tmp_path: Path,
) -> None:
    first = await leader_among(workers)
    await eventually(
        lambda: all(fake.messages_to(chat) for chat in CHATS), "the due slot never arrived", 20
    )
    parts = {len(fake.messages_to(chat)) for chat in CHATS}
    assert len(parts) == 1, "every chat gets the same digest"
    (per_digest,) = parts
    assert [await w.status("/readyz") for w in workers] == [200] * 3, "followers are ready too"

    await _add_news(postgres_url, tmp_path)
    first.process.kill()
    killed = time.monotonic()
    followers = [w for w in workers if w is not first]
    second = await leader_among(followers, timeout=15)
    failover = time.monotonic() - killed
    print(f"failover took {failover:.1f} s")
    assert failover < 10
    assert time.time() < next_slot_real - 1, "the takeover came too late to test the next slot"

    await asyncio.sleep(max(0.0, next_slot_real - time.time() - 0.5))
    assert {len(fake.messages_to(chat)) for chat in CHATS} == {per_digest}, (
        "the new leader ran the first slot again, or the next one early"
    )
    await eventually(
        lambda: all(len(fake.messages_to(chat)) == 2 * per_digest for chat in CHATS),
        "the new leader did not run the next slot",
        15,
    )
    late = time.time() - next_slot_real
    print(f"next slot delivered {late:.1f} s after its time")
    assert late < 8, f"the next slot reached every chat only {late:.1f} s after its time"

    await asyncio.sleep(2.0)
    assert {len(fake.messages_to(chat)) for chat in CHATS} == {2 * per_digest}
    assert fake.too_many_requests == 0
    assert await second.metric("digestbot_leader") == 1
    await _check_ledger(postgres_url, per_digest)


async def _add_news(postgres_url: str, tmp_path: Path) -> None:
    """A second feed with two English reports: the next slot's news (polled every 2 s)."""
    items = []
    for name in ("en_monsoon_rainfall.txt", "en_deepseek_chinese_labs.txt"):
        title, _, body = fixture_article(name).partition("\n")
        stamp = format_datetime(datetime.now(UTC))
        slug = name.removesuffix(".txt")
        items.append(
            f"<item><title>{escape(title)}</title><link>https://news.example/{slug}</link>"
            f"<pubDate>{stamp}</pubDate><description>{escape(body)}</description></item>"
        )
    feed = tmp_path / "later.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>later'
        f"</title><link>https://news.example/</link>{''.join(items)}</channel></rss>",
        encoding="utf-8",
    )
    engine = make_engine(postgres_url)
    try:
        async with make_uow_factory(engine)() as uow:
            await uow.sources.add(Source(url=str(feed), name="later", kind="file"))
            await uow.commit()
    finally:
        await engine.dispose()


async def _check_ledger(postgres_url: str, per_digest: int) -> None:
    """Two slots ran: two digests, two sent deliveries per chat, each slot recorded once."""
    engine = make_engine(postgres_url)
    try:
        async with engine.connect() as conn:
            digests = await conn.scalar(text("SELECT count(*) FROM digests"))
            rows = (
                await conn.execute(
                    text(
                        "SELECT count(*), count(DISTINCT digest_id), "
                        "bool_and(status = 'sent') FROM deliveries GROUP BY channel_id"
                    )
                )
            ).all()
            slots = await conn.scalar(
                text("SELECT count(DISTINCT last_slot_at) FROM subscriptions")
            )
    finally:
        await engine.dispose()
    assert digests == 2
    assert len(rows) == len(CHATS)
    assert all(tuple(row) == (2, 2, True) for row in rows)
    assert slots == 1
    assert per_digest >= 1
