"""The unit of work: all or nothing, and platform events handled once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.repositories import UnitOfWorkFactory
from storage.uow import SqlUnitOfWorkFactory
from tests.storage.builders import a_source, an_article


async def test_leaving_without_commit_stores_nothing(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.sources.add(a_source())
        await uow.articles.add(an_article())
    async with uow_factory() as uow:
        assert await uow.sources.list() == []
        assert await uow.articles.search("text") == []


async def test_an_error_half_way_loses_the_half_done_work(uow_factory: UnitOfWorkFactory) -> None:
    with pytest.raises(RuntimeError):
        async with uow_factory() as uow:
            await uow.sources.add(a_source("https://kept.example/"))
            await uow.commit()
            await uow.sources.add(a_source("https://lost.example/"))
            raise RuntimeError("fetch failed")
    async with uow_factory() as uow:
        assert [s.url for s in await uow.sources.list()] == ["https://kept.example/"]


async def test_rollback_discards_since_the_last_commit(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.admins.add("telegram:1", "telegram:0")
        await uow.commit()
        await uow.admins.add("telegram:2", "telegram:0")
        await uow.rollback()
        assert await uow.admins.list() == ["telegram:1"]


async def test_a_unit_of_work_is_used_once_per_block(uow_factory: UnitOfWorkFactory) -> None:
    uow = uow_factory()
    with pytest.raises(RuntimeError, match="inside `async with uow:`"):
        await uow.commit()
    async with uow:
        with pytest.raises(RuntimeError, match="already in use"):
            await uow.__aenter__()


async def test_an_event_is_remembered_once_even_when_delivered_concurrently(
    engine: AsyncEngine,
) -> None:
    factory = SqlUnitOfWorkFactory(engine)

    async def receive(event_id: str) -> bool:
        async with factory() as uow:
            first_time = await uow.remember_event(event_id)
            await uow.commit()
            return first_time

    results = await asyncio.gather(*(receive("Ev01") for _ in range(4)))
    assert sorted(results) == [False, False, False, True]
    assert await receive("Ev02") is True


async def test_old_events_can_be_forgotten(engine: AsyncEngine) -> None:
    factory = SqlUnitOfWorkFactory(engine)
    async with factory() as uow:
        await uow.remember_event("Ev01")
        assert await uow.forget_events_before(datetime.now(UTC) + timedelta(seconds=1)) == 1
        assert await uow.remember_event("Ev01") is True
