"""What operators see on /metrics after a fan-out: outcomes by platform, 429s, queue depth."""

from __future__ import annotations

from bot import metrics
from bot.adapters.telegram import TelegramAdapter
from bot.domain.repositories import UnitOfWorkFactory
from bot.services.deliveries import deliver_due, enqueue
from tests.adapters.samples import NOW, tricky_digest
from tests.delivery.conftest import chats, stored
from tests.fakes.telegram_server import FakeTelegramServer


def _value(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


async def test_deliveries_are_counted_by_platform_and_outcome(
    uow_factory: UnitOfWorkFactory, telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    sent = _value("digestbot_deliveries_total", platform="telegram", status="sent")
    retrying = _value("digestbot_deliveries_total", platform="telegram", status="retrying")
    ids = await chats(uow_factory, "9001", "9002", "9003")
    telegram_fake.inject_fault("9003", "server_error", times=1)
    await enqueue(uow_factory, await stored(uow_factory, tricky_digest()), ids)

    await deliver_due(uow_factory, {"telegram": telegram}, now=NOW)

    assert _value("digestbot_deliveries_total", platform="telegram", status="sent") == sent + 2
    assert (
        _value("digestbot_deliveries_total", platform="telegram", status="retrying") == retrying + 1
    )
    async with uow_factory() as uow:
        assert await uow.deliveries.queued() == 1
