"""A delivery that finally fails is told to the admins in their own chats, once per pass."""

from __future__ import annotations

from datetime import timedelta

from bot.adapters.telegram import TelegramAdapter
from bot.domain.repositories import UnitOfWorkFactory
from bot.services.deliveries import MAX_ATTEMPTS, deliver_due, enqueue
from tests.adapters.samples import NOW, tricky_digest
from tests.delivery.conftest import chats, stored
from tests.fakes.telegram_server import FakeTelegramServer

ADMIN = "9001"


async def test_a_blocked_chat_pauses_and_the_admin_is_told_why(
    uow_factory: UnitOfWorkFactory, telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    [channel] = await chats(uow_factory, "7101")
    await enqueue(uow_factory, await stored(uow_factory, tricky_digest()), [channel])
    telegram_fake.inject_fault("7101", "blocked")

    report = await deliver_due(
        uow_factory, {"telegram": telegram}, now=NOW, admin_keys=[f"telegram:{ADMIN}"]
    )

    assert report.failed == 1
    [notice] = telegram_fake.messages_to(ADMIN)
    assert "1 digest delivery failed" in notice.plain
    assert "telegram:7101" in notice.plain and "blocked by the user" in notice.plain
    assert "digestbot deliveries --failed" in notice.plain
    async with uow_factory() as uow:
        paused = await uow.channels.get(channel)
    assert paused is not None and not paused.active


async def test_retries_run_out_and_then_the_admin_and_the_chat_are_told(
    uow_factory: UnitOfWorkFactory, telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    [channel] = await chats(uow_factory, "7102")
    await enqueue(uow_factory, await stored(uow_factory, tricky_digest()), [channel])
    telegram_fake.inject_fault("7102", "server_error", times=MAX_ATTEMPTS)
    admins = [f"telegram:{ADMIN}"]

    for attempt in range(MAX_ATTEMPTS):
        now = NOW + timedelta(hours=2 * attempt)
        report = await deliver_due(uow_factory, {"telegram": telegram}, now=now, admin_keys=admins)
        if attempt < MAX_ATTEMPTS - 1:
            assert report.retrying == 1 and not telegram_fake.messages_to(ADMIN)

    assert report.failed == 1
    [notice] = telegram_fake.messages_to(ADMIN)
    assert f"gave up after {MAX_ATTEMPTS} attempts" in notice.plain
    # The chat itself still works (the fault is used up), so it learns its digest is missing.
    assert "digest delivery failed" in telegram_fake.messages_to("7102")[-1].plain


async def test_many_failures_in_one_pass_make_one_notice(
    uow_factory: UnitOfWorkFactory, telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    addresses = [str(7200 + n) for n in range(8)]
    channels = await chats(uow_factory, *addresses)
    await enqueue(uow_factory, await stored(uow_factory, tricky_digest()), channels)
    for address in addresses:
        telegram_fake.inject_fault(address, "kicked")
    async with uow_factory() as uow:
        await uow.admins.add("telegram:9002", added_by="test")
        await uow.commit()

    await deliver_due(
        uow_factory, {"telegram": telegram}, now=NOW, admin_keys=[f"telegram:{ADMIN}"]
    )

    for admin in (ADMIN, "9002"):
        [notice] = telegram_fake.messages_to(admin)
        assert notice.plain.startswith("8 digest deliveries failed")
        assert "… and 3 more" in notice.plain


async def test_without_admin_keys_nobody_is_messaged(
    uow_factory: UnitOfWorkFactory, telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    [channel] = await chats(uow_factory, "7301")
    await enqueue(uow_factory, await stored(uow_factory, tricky_digest()), [channel])
    telegram_fake.inject_fault("7301", "chat_not_found")

    report = await deliver_due(uow_factory, {"telegram": telegram}, now=NOW)

    assert report.failed == 1 and telegram_fake.messages == []
