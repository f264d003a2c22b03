"""Due sources are claimed, so workers sharing a database never poll one source at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.sources import Source
from storage.db import make_engine
from storage.uow import make_uow_factory

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


async def add_sources(uow_factory: UnitOfWorkFactory, count: int) -> None:
    async with uow_factory() as uow:
        for n in range(count):
            await uow.sources.add(Source(url=f"https://news{n}.example/feed", name=f"n{n}"))
        await uow.commit()


async def claim(uow_factory: UnitOfWorkFactory, now: datetime, limit: int = 100) -> list[Source]:
    async with uow_factory() as uow:
        taken = await uow.sources.claim_due(now, limit=limit, lease=LEASE)
        await uow.commit()
    return taken


async def test_a_claimed_source_is_not_due_until_its_lease_ends(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await add_sources(uow_factory, 3)

    first = await claim(uow_factory, NOW, limit=2)
    second = await claim(uow_factory, NOW)

    assert [s.name for s in first] == ["n0", "n1"] and [s.name for s in second] == ["n2"]
    assert all(s.next_poll_at == NOW + LEASE for s in first + second)
    assert await claim(uow_factory, NOW + LEASE - timedelta(seconds=1)) == []
    assert len(await claim(uow_factory, NOW + LEASE)) == 3, "a crashed poller's sources return"


async def test_claims_take_the_most_overdue_first_and_skip_paused_sources(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        await uow.sources.add(Source(url="https://a.example/", name="recent", next_poll_at=NOW))
        await uow.sources.add(Source(url="https://b.example/", name="never polled"))
        await uow.sources.add(
            Source(url="https://c.example/", name="old", next_poll_at=NOW - timedelta(hours=1))
        )
        await uow.sources.add(Source(url="https://d.example/", name="paused", enabled=False))
        await uow.commit()

    assert [s.name for s in await claim(uow_factory, NOW)] == ["never polled", "old", "recent"]


async def test_concurrent_claimers_on_separate_connections_never_share_a_source(
    postgres_url: str,
) -> None:
    engines = [make_engine(postgres_url) for _ in range(4)]
    try:
        factories = [make_uow_factory(engine) for engine in engines]
        await add_sources(factories[0], 200)

        async def claimer(uow_factory: UnitOfWorkFactory) -> list[int]:
            ids: list[int] = []
            while taken := await claim(uow_factory, NOW, limit=7):
                ids += [s.id or 0 for s in taken]
                await asyncio.sleep(0)
            return ids

        claimed = await asyncio.gather(*(claimer(f) for f in factories))
    finally:
        for engine in engines:
            await engine.dispose()

    every = [source_id for ids in claimed for source_id in ids]
    assert len(every) == len(set(every)) == 200
    assert sum(1 for ids in claimed if ids) >= 2
