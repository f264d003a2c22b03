"""Sources: stored once per URL, polled when due, their health kept."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.sources import Source
from tests.storage.builders import NOW, a_source


async def test_a_source_round_trips_with_its_polling_state(uow_factory: UnitOfWorkFactory) -> None:
    source = a_source(
        kind="page",
        lang_hint="hi",
        poll_interval=timedelta(minutes=45),
        added_by="telegram:42",
        last_polled_at=NOW,
        last_success_at=NOW - timedelta(hours=1),
        next_poll_at=NOW + timedelta(minutes=45),
        consecutive_failures=2,
        last_error="HTTP 503 from news.example; will retry",
        etag='W/"abc"',
        last_modified="Sat, 01 Mar 2025 07:00:00 GMT",
    )
    async with uow_factory() as uow:
        stored = await uow.sources.add(source)
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.sources.get(stored.id or 0)

    assert stored.id is not None and stored.created_at is not None
    assert loaded == stored
    assert loaded.next_poll_at is not None and loaded.next_poll_at.tzinfo is not None


async def test_the_same_url_cannot_be_added_twice(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        first = await uow.sources.add(a_source())
        with pytest.raises(ValueError, match=rf"already source #{first.id}"):
            await uow.sources.add(a_source(name="Again"))
        assert [s.name for s in await uow.sources.list()] == ["Example News"]


async def test_due_lists_enabled_sources_whose_time_has_come(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        await uow.sources.add(a_source("https://a.example/", name="never polled"))
        await uow.sources.add(a_source("https://b.example/", name="due", next_poll_at=NOW))
        await uow.sources.add(
            a_source("https://c.example/", name="later", next_poll_at=NOW + timedelta(1))
        )
        await uow.sources.add(a_source("https://d.example/", name="paused", enabled=False))
        due: list[Source] = await uow.sources.due(NOW)
    assert [s.name for s in due] == ["never polled", "due"]


async def test_update_persists_health_and_remove_deletes(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        source = await uow.sources.add(a_source())
        assert await uow.sources.get_by_url(source.url) == source
        source.consecutive_failures = 10
        source.enabled = False
        source.last_error = "feed is not XML; check the URL"
        await uow.sources.update(source)
        assert await uow.sources.get(source.id or 0) == source
        assert await uow.sources.remove(source.id or 0) is True
        assert await uow.sources.remove(source.id or 0) is False
        assert await uow.sources.get_by_url(source.url) is None
