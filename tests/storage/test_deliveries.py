"""The delivery ledger: idempotent, claimed once, retried or finally failed."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.domain.repositories import UnitOfWorkFactory
from tests.storage.builders import NOW, a_digest


async def digest_and_channels(uow_factory: UnitOfWorkFactory, count: int) -> tuple[int, list[int]]:
    async with uow_factory() as uow:
        digest = await uow.digests.add(a_digest())
        channels = [await uow.channels.get_or_create("telegram", str(n)) for n in range(count)]
        await uow.commit()
    return digest.id or 0, [c.id or 0 for c in channels]


async def pending(uow_factory: UnitOfWorkFactory, count: int) -> list[int]:
    digest_id, channel_ids = await digest_and_channels(uow_factory, count)
    async with uow_factory() as uow:
        ids = [(await uow.deliveries.create(digest_id, c)).id or 0 for c in channel_ids]
        await uow.commit()
    return ids


async def test_creating_a_delivery_twice_returns_the_same_row(
    uow_factory: UnitOfWorkFactory,
) -> None:
    digest_id, [channel_id] = await digest_and_channels(uow_factory, 1)
    async with uow_factory() as uow:
        first = await uow.deliveries.create(digest_id, channel_id)
        await uow.deliveries.mark_sent(first.id or 0, ["7"], NOW)
        again = await uow.deliveries.create(digest_id, channel_id)
    assert first.status == "pending" and first.attempts == 0
    assert (again.id, again.status, again.message_ids) == (first.id, "sent", ["7"])


async def test_claim_moves_due_deliveries_to_sending(uow_factory: UnitOfWorkFactory) -> None:
    due, later, _ = await pending(uow_factory, 3)
    async with uow_factory() as uow:
        await uow.deliveries.mark_failed(later, "flood wait", retry_at=NOW + timedelta(minutes=5))
        claimed = await uow.deliveries.claim(NOW, limit=1)
        await uow.commit()
    assert [(d.id, d.status, d.attempts) for d in claimed] == [(due, "sending", 1)]
    async with uow_factory() as uow:
        rest = await uow.deliveries.claim(NOW + timedelta(minutes=10))
    assert later in {d.id for d in rest}
    assert all(d.status == "sending" for d in rest)


async def test_a_failure_is_retried_later_or_final(uow_factory: UnitOfWorkFactory) -> None:
    retried, final = await pending(uow_factory, 2)
    async with uow_factory() as uow:
        await uow.deliveries.claim(NOW)
        await uow.deliveries.mark_failed(retried, "timeout", retry_at=NOW + timedelta(1))
        await uow.deliveries.mark_failed(final, "bot was blocked by the user", retry_at=None)
        assert await uow.deliveries.claim(NOW) == []
        failed = await uow.deliveries.list(status="failed")
        waiting = await uow.deliveries.list(status="pending")
    assert [(d.id, d.last_error, d.attempts) for d in failed] == [
        (final, "bot was blocked by the user", 1)
    ]
    assert [(d.id, d.next_attempt_at) for d in waiting] == [(retried, NOW + timedelta(1))]


async def test_list_is_newest_first(uow_factory: UnitOfWorkFactory) -> None:
    ids = await pending(uow_factory, 3)
    async with uow_factory() as uow:
        assert [d.id for d in await uow.deliveries.list()] == ids[::-1]
        assert [d.id for d in await uow.deliveries.list(limit=2)] == ids[:0:-1]


async def test_a_reply_to_a_sent_message_leads_back_to_its_digest(
    uow_factory: UnitOfWorkFactory,
) -> None:
    digest_id, [channel_id, other] = await digest_and_channels(uow_factory, 2)
    async with uow_factory() as uow:
        delivery = await uow.deliveries.create(digest_id, channel_id)
        await uow.deliveries.mark_sent(delivery.id or 0, ["101", "102"], NOW)
        sent = (await uow.deliveries.list(status="sent"))[0]
        assert await uow.deliveries.digest_for_message(channel_id, "102") == digest_id
        assert await uow.deliveries.digest_for_message(channel_id, "10") is None
        assert await uow.deliveries.digest_for_message(other, "102") is None
    assert (sent.sent_at, sent.message_ids) == (NOW, ["101", "102"])


async def test_concurrent_claimers_never_share_a_delivery(uow_factory: UnitOfWorkFactory) -> None:
    ids = await pending(uow_factory, 12)

    async def claimer() -> list[int]:
        async with uow_factory() as uow:
            claimed = await uow.deliveries.claim(NOW, limit=5)
            await uow.commit()
            return [d.id or 0 for d in claimed]

    batches = await asyncio.gather(*(claimer() for _ in range(4)))
    everything = [i for batch in batches for i in batch]
    assert sorted(everything) == ids


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_postgres_claim_skips_rows_another_open_transaction_holds(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ids = await pending(uow_factory, 4)
    async with uow_factory() as first, uow_factory() as second:
        held = await first.deliveries.claim(NOW, limit=2)
        skipped = await second.deliveries.claim(NOW, limit=10)
        await second.commit()
        await first.commit()
    assert [d.id for d in held] == ids[:2]
    assert [d.id for d in skipped] == ids[2:]


async def test_marking_an_unknown_delivery_is_an_error(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        with pytest.raises(ValueError, match="delivery #999 does not exist"):
            await uow.deliveries.mark_sent(999, ["1"], NOW)
