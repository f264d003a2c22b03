"""A chat denied after its digest was queued is sent nothing, and the admins are not alarmed."""

from __future__ import annotations

from bot.adapters.telegram import TelegramAdapter
from bot.domain.repositories import UnitOfWorkFactory
from bot.services.deliveries import deliver_due, enqueue
from tests.adapters.samples import NOW, tricky_digest
from tests.delivery.conftest import chats, stored
from tests.fakes.telegram_server import FakeTelegramServer

ADMIN = "9001"


async def test_a_queued_digest_to_a_denied_chat_is_dropped_without_an_admin_notice(
    uow_factory: UnitOfWorkFactory, telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    allowed, denied = await chats(uow_factory, "7301", "7302")
    await enqueue(uow_factory, await stored(uow_factory, tricky_digest()), [allowed, denied])
    async with uow_factory() as uow:
        await uow.channels.set_access(denied, "denied")
        await uow.commit()

    report = await deliver_due(
        uow_factory, {"telegram": telegram}, now=NOW, admin_keys=[f"telegram:{ADMIN}"]
    )

    assert report.sent == 1 and report.failed == 1
    assert telegram_fake.messages_to("7301") and not telegram_fake.messages_to("7302")
    assert not telegram_fake.messages_to(ADMIN)
    async with uow_factory() as uow:
        dropped = [d for d in await uow.deliveries.list() if d.channel_id == denied]
    assert [(d.status, d.last_error) for d in dropped] == [
        ("failed", "the chat's access is denied")
    ]
