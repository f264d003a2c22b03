"""After a crash, a restarted worker sends what its dead predecessor left at once, and once.

A `digestbot run` names itself on its delivery claims (`Worker`); these tests play its
processes in one: a worker's presence ending stands for its process dying (PostgreSQL ends
the session of a killed process the same way), and `DiesAfterFirstPart` for the kill itself.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.base import OnPart
from bot.adapters.render.telegram_html import render_telegram_parts
from bot.adapters.telegram import TelegramAdapter
from bot.domain.channels import DELIVERY_LEASE, Channel
from bot.domain.digests import Digest
from bot.domain.repositories import UnitOfWorkFactory
from bot.services.deliveries import deliver_due, enqueue
from storage.uow import make_uow_factory
from tests.adapters.samples import NOW, long_hindi_digest, tricky_digest
from tests.delivery.conftest import chats, stored
from tests.delivery.presence import present
from tests.delivery.test_ledger import DiesAfterFirstPart, ProcessDied, part_numbers
from tests.fakes.telegram_server import FakeTelegramServer

CHATS = ("7201", "7202", "7203")
PAST_THE_LEASE = DELIVERY_LEASE + timedelta(minutes=1)


async def a_long_digest_for(uow_factory: UnitOfWorkFactory, *addresses: str) -> int:
    """A digest of several parts enqueued for these chats; returns how many parts it has."""
    digest = long_hindi_digest()
    await enqueue(
        uow_factory, await stored(uow_factory, digest), await chats(uow_factory, *addresses)
    )
    return len(render_telegram_parts(digest))


async def test_a_restarted_worker_sends_what_a_killed_one_left_at_once(
    migrated_url: str,
    engine: AsyncEngine,
    uow_factory: UnitOfWorkFactory,
    telegram: TelegramAdapter,
    telegram_fake: FakeTelegramServer,
) -> None:
    total = await a_long_digest_for(uow_factory, *CHATS)
    async with present(migrated_url) as killed:
        with pytest.raises(ProcessDied):
            await deliver_due(
                make_uow_factory(engine, killed),
                {"telegram": DiesAfterFirstPart(telegram)},
                now=NOW,
            )

    async with present(migrated_url) as restarted:
        # The same moment: the dead worker's leases are fresh, only its death frees them.
        report = await deliver_due(
            make_uow_factory(engine, restarted), {"telegram": telegram}, now=NOW
        )

    assert report.sent == len(CHATS)
    for chat in CHATS:
        assert part_numbers(telegram_fake, chat) == [f"{k}/{total}" for k in range(1, total + 1)]


async def test_claims_that_name_no_worker_keep_their_lease(
    migrated_url: str,
    engine: AsyncEngine,
    uow_factory: UnitOfWorkFactory,
    telegram: TelegramAdapter,
    telegram_fake: FakeTelegramServer,
) -> None:
    total = await a_long_digest_for(uow_factory, "7204")
    # A command-line run names no worker: nothing can tell when it died.
    with pytest.raises(ProcessDied):
        await deliver_due(uow_factory, {"telegram": DiesAfterFirstPart(telegram)}, now=NOW)

    async with present(migrated_url) as worker:
        service = make_uow_factory(engine, worker)
        early = await deliver_due(service, {"telegram": telegram}, now=NOW + timedelta(minutes=4))
        late = await deliver_due(service, {"telegram": telegram}, now=NOW + PAST_THE_LEASE)

    assert (early.sent, late.sent) == (0, 1)
    assert part_numbers(telegram_fake, "7204") == [f"{k}/{total}" for k in range(1, total + 1)]


# On PostgreSQL any claimer can tell a dead worker from its lock; SQLite needs the service.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_worker_that_is_not_present_takes_over_no_named_claim_on_sqlite(
    migrated_url: str,
    engine: AsyncEngine,
    uow_factory: UnitOfWorkFactory,
    telegram: TelegramAdapter,
) -> None:
    await a_long_digest_for(uow_factory, "7205")
    async with present(migrated_url) as running:
        with pytest.raises(ProcessDied):
            await deliver_due(
                make_uow_factory(engine, running),
                {"telegram": DiesAfterFirstPart(telegram)},
                now=NOW,
            )
        # A command-line run beside the service cannot tell whether the service still runs.
        beside = await deliver_due(uow_factory, {"telegram": telegram}, now=NOW)
    assert beside.sent == 0


class WaitsToSend(DiesAfterFirstPart):
    """The Telegram adapter of a sender that stalls before its first part (a long pause)."""

    def __init__(self, inner: TelegramAdapter) -> None:
        super().__init__(inner)
        self.waiting = asyncio.Event()
        self.go = asyncio.Event()

    async def send_digest(
        self,
        channel: Channel,
        digest: Digest,
        *,
        skip_parts: int = 0,
        on_part: OnPart | None = None,
    ) -> list[str]:
        self.waiting.set()
        await self.go.wait()
        return await self.inner.send_digest(channel, digest, skip_parts=skip_parts, on_part=on_part)


async def test_a_sender_whose_claim_was_taken_over_stops_at_its_next_part(
    engine: AsyncEngine,
    uow_factory: UnitOfWorkFactory,
    telegram: TelegramAdapter,
    telegram_fake: FakeTelegramServer,
) -> None:
    total = await a_long_digest_for(uow_factory, "7206")
    stalled = WaitsToSend(telegram)
    first = asyncio.create_task(deliver_due(uow_factory, {"telegram": stalled}, now=NOW))
    await asyncio.wait_for(stalled.waiting.wait(), 10)

    # Its lease runs out, and another sender (of another process) takes the delivery over.
    other = make_uow_factory(engine)
    later = await deliver_due(other, {"telegram": telegram}, now=NOW + PAST_THE_LEASE)
    stalled.go.set()
    report = await asyncio.wait_for(first, 10)

    async with uow_factory() as uow:
        [row] = await uow.deliveries.list()
    received = [str(m.message_id) for m in telegram_fake.messages_to("7206")]
    assert (later.sent, report.sent) == (1, 0)
    # The stalled sender's first part was in flight; it sent nothing after it.
    assert part_numbers(telegram_fake, "7206") == [
        *(f"{k}/{total}" for k in range(1, total + 1)),
        f"1/{total}",
    ]
    assert (row.status, row.message_ids) == ("sent", received[:total])


class CountsChatsInFlight(DiesAfterFirstPart):
    """The Telegram adapter, counting the chats it sends to at once."""

    def __init__(self, inner: TelegramAdapter) -> None:
        super().__init__(inner)
        self.now = 0
        self.most = 0

    async def send_digest(
        self,
        channel: Channel,
        digest: Digest,
        *,
        skip_parts: int = 0,
        on_part: OnPart | None = None,
    ) -> list[str]:
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            await asyncio.sleep(0.02)
            return await self.inner.send_digest(
                channel, digest, skip_parts=skip_parts, on_part=on_part
            )
        finally:
            self.now -= 1


async def test_two_passes_of_one_process_send_to_no_more_chats_at_once_than_one(
    uow_factory: UnitOfWorkFactory, telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    addresses = [str(7300 + n) for n in range(12)]
    await enqueue(
        uow_factory,
        await stored(uow_factory, tricky_digest()),
        await chats(uow_factory, *addresses),
    )
    counting = CountsChatsInFlight(telegram)
    adapters = {"telegram": counting}

    # The deliveries tick and a digest slot's fan-out, both asking at once.
    reports = await asyncio.gather(
        deliver_due(uow_factory, adapters, now=NOW, batch=3, concurrency=3),
        deliver_due(uow_factory, adapters, now=NOW, batch=3, concurrency=3),
    )

    assert sum(r.sent for r in reports) == 12
    assert counting.most <= 3
    assert [len(telegram_fake.messages_to(a)) for a in addresses] == [1] * 12
