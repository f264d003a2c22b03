"""Leader election on PostgreSQL, in one process: candidates stand for separate workers.

Each candidate holds its own connection, exactly as a worker would, so the database sees
separate sessions; the server ending a session stands for the network or the leader dying.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import psycopg
import pytest

from bot.scheduler.leader import LOCK_CLASS, PostgresLeadership, SoleLeader, elect
from tests.conftest import libpq_url
from tests.scaleout.workers import eventually

SETTLE = 0.3


@dataclass
class Candidate:
    """One campaigning worker and the leadership changes it was told about."""

    leadership: PostgresLeadership
    resign: asyncio.Event = field(default_factory=asyncio.Event)
    changes: list[bool] = field(default_factory=list)
    task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self.leadership.run(self.resign, self.changes.append))

    async def stop(self) -> None:
        self.resign.set()
        if self.task is not None:
            await asyncio.wait_for(self.task, 5)


@pytest.fixture
async def candidates(postgres_url: str) -> AsyncIterator[list[Candidate]]:
    made = [
        Candidate(PostgresLeadership(postgres_url, retry=0.1, keepalive=0.1, settle=SETTLE))
        for _ in range(3)
    ]
    for candidate in made:
        candidate.start()
    yield made
    for candidate in made:
        await candidate.stop()


def leaders(candidates: list[Candidate]) -> list[Candidate]:
    return [c for c in candidates if c.leadership.is_leader]


async def test_exactly_one_of_three_candidates_leads(candidates: list[Candidate]) -> None:
    await eventually(lambda: len(leaders(candidates)) == 1, "nobody leads", 5)
    await asyncio.sleep(0.5)
    (leader,) = leaders(candidates)
    assert leader.changes == [True]
    assert all(c.changes == [] for c in candidates if c is not leader)


async def test_a_leader_whose_session_ends_stops_at_once_and_another_takes_over(
    candidates: list[Candidate], postgres_url: str
) -> None:
    await eventually(lambda: len(leaders(candidates)) == 1, "nobody leads", 5)
    (first,) = leaders(candidates)

    with psycopg.connect(libpq_url(postgres_url), autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
            "AND granted AND classid = %s::oid AND objid = hashtext(current_schema())::oid",
            (LOCK_CLASS,),
        )
    ended = time.monotonic()

    await eventually(lambda: first.changes == [True, False], "the old leader kept leading", 3)
    await eventually(
        lambda: len(leaders(candidates)) == 1 and leaders(candidates)[0] is not first,
        "nobody took over",
        5,
    )
    assert time.monotonic() - ended >= SETTLE, "the new leader waited for the old one to stop"


async def test_a_resigning_leader_hands_over_without_being_told_it_lost(
    candidates: list[Candidate],
) -> None:
    await eventually(lambda: len(leaders(candidates)) == 1, "nobody leads", 5)
    (first,) = leaders(candidates)

    await first.stop()

    assert first.changes == [True] and not first.leadership.is_leader
    await eventually(lambda: len(leaders(candidates)) == 1, "nobody took over", 5)


async def test_an_unreachable_database_means_following_not_crashing() -> None:
    candidate = Candidate(
        PostgresLeadership("postgresql+psycopg://nobody@127.0.0.1:9/none", retry=0.05, timeout=1)
    )
    candidate.start()
    await asyncio.sleep(0.5)
    assert candidate.task is not None and not candidate.task.done()
    assert not candidate.leadership.is_leader and candidate.changes == []
    await candidate.stop()


async def test_sqlite_has_one_process_which_always_leads(tmp_path: object) -> None:
    leadership = elect("sqlite:///./data/digestbot.db")
    assert isinstance(leadership, SoleLeader)
    changes: list[bool] = []
    resign = asyncio.Event()
    task = asyncio.create_task(leadership.run(resign, changes.append))
    await asyncio.sleep(0)
    assert leadership.is_leader and changes == [True]
    resign.set()
    await task
    assert not leadership.is_leader and changes == [True]
