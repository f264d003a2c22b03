"""A source failing ten polls in a row is paused, and the admins hear why, through Telegram."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from bot.adapters.pacing import Rate
from bot.adapters.telegram import TelegramAdapter
from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.sources import Source
from bot.services.ingest import MAX_BACKOFF, admin_pause_notice, ingest_due
from bot.sources.reader import WebSourceReader
from tests.fakes.telegram_server import FakeTelegramServer
from tests.fakes.web_server import FakeWebServer
from tests.ingest.conftest import NOW, add_source, stored_source

TOKEN = "7012345678:AAF-ingest_tests_token_for_the_fake_only"
FAST = Rate(200, 1.0)
GROUP = "-1001234567890"


async def failing_source(uow_factory: UnitOfWorkFactory, server: FakeWebServer) -> Source:
    async def down(request: web.Request) -> web.StreamResponse:
        return web.Response(status=503, text="maintenance")

    server.route("/feed", down)
    async with uow_factory() as uow:
        group = await uow.channels.get_or_create("telegram", GROUP, title="news desk")
        await uow.admins.add("telegram:77", added_by="telegram:42")
        await uow.commit()
    return await add_source(uow_factory, server.url("/feed"), channel_id=group.id)


async def test_tenth_failure_pauses_the_source_and_tells_admins_and_its_channel(
    uow_factory: UnitOfWorkFactory,
    server: FakeWebServer,
    reader: WebSourceReader,
    telegram: TelegramAdapter,
    telegram_fake: FakeTelegramServer,
) -> None:
    source = await failing_source(uow_factory, server)
    on_paused = admin_pause_notice({"telegram": telegram}, {"telegram:42"}, uow_factory)
    now = NOW

    for poll in range(1, 10):
        (report,) = await ingest_due(uow_factory, reader, now=now, on_paused=on_paused)
        assert report.failed and not report.paused, poll
        now += MAX_BACKOFF
    assert telegram_fake.messages_to(42) == []
    (tenth,) = await ingest_due(uow_factory, reader, now=now, on_paused=on_paused)

    stored = await stored_source(uow_factory, source.id)
    assert tenth.paused and not stored.enabled and stored.consecutive_failures == 10
    assert stored.last_error is not None and "HTTP 503" in stored.last_error
    for chat in ("42", "77", GROUP):
        (notice,) = telegram_fake.messages_to(chat)
        assert f"Source {source.id}" in notice.plain
        assert "paused after 10 failed polls in a row" in notice.plain
        assert "HTTP 503" in notice.plain and f"/resumesource {source.id}" in notice.plain
    assert await ingest_due(uow_factory, reader, now=now + MAX_BACKOFF, on_paused=on_paused) == []


async def test_a_failing_notice_never_breaks_ingest(
    uow_factory: UnitOfWorkFactory, server: FakeWebServer, reader: WebSourceReader
) -> None:
    source = await failing_source(uow_factory, server)
    async with uow_factory() as uow:
        stored = await uow.sources.get(source.id or 0)
        assert stored is not None
        stored.consecutive_failures = 9
        await uow.sources.update(stored)
        await uow.commit()

    async def broken_notice(source: Source, error: str) -> None:
        raise RuntimeError("chat platform down")

    (report,) = await ingest_due(
        uow_factory, reader, now=NOW + timedelta(minutes=1), on_paused=broken_notice
    )

    assert report.paused
    assert not (await stored_source(uow_factory, source.id)).enabled
