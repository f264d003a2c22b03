"""Scheduled digests: each slot runs once, missed slots coalesce, stale ones are skipped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.adapters.telegram import TelegramAdapter
from bot.domain.channels import Subscription
from bot.services.scheduled import run_due_slots
from tests.fakes.telegram_server import FakeTelegramServer
from tests.services.conftest import Pipeline

SLOT = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


async def _subscribe(
    pipeline: Pipeline,
    chat_id: str,
    schedule: str = "daily 08:00",
    zone: str = "UTC",
    last_slot_at: datetime | None = None,
) -> int:
    async with pipeline.uow_factory() as uow:
        chat = await uow.channels.get_or_create("telegram", chat_id)
        assert chat.id is not None
        await uow.channels.save_subscription(
            Subscription(
                channel_id=chat.id,
                languages="hi",
                schedule=schedule,
                timezone=zone,
                last_slot_at=last_slot_at,
            )
        )
        await uow.commit()
    return chat.id


async def test_a_due_slot_runs_once_and_not_again(
    pipeline: Pipeline, telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    await _subscribe(pipeline, "7001")
    adapters = {"telegram": telegram}
    runs, report = await run_due_slots(
        pipeline.uow_factory, pipeline.maker, adapters, now=SLOT + timedelta(minutes=1)
    )
    assert [r.slot for r in runs] == [SLOT] and report.sent == 1
    runs, report = await run_due_slots(
        pipeline.uow_factory, pipeline.maker, adapters, now=SLOT + timedelta(minutes=2)
    )
    assert runs == [] and report.sent == 0
    assert len(telegram_fake.messages_to("7001")) == 1


async def test_slots_missed_during_downtime_are_sent_once(
    pipeline: Pipeline, telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    await _subscribe(pipeline, "7002", last_slot_at=SLOT - timedelta(days=3))
    runs, _ = await run_due_slots(
        pipeline.uow_factory,
        pipeline.maker,
        {"telegram": telegram},
        now=SLOT + timedelta(minutes=40),
    )
    assert len(runs) == 1 and runs[0].slot == SLOT
    assert len(telegram_fake.messages_to("7002")) == 1


async def test_a_slot_older_than_the_grace_window_is_skipped(
    pipeline: Pipeline, telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    channel_id = await _subscribe(pipeline, "7003")
    runs, _ = await run_due_slots(
        pipeline.uow_factory, pipeline.maker, {"telegram": telegram}, now=SLOT + timedelta(hours=5)
    )
    assert runs == []
    assert telegram_fake.messages_to("7003") == []
    async with pipeline.uow_factory() as uow:
        subscription = await uow.channels.get_subscription(channel_id)
    assert subscription is not None and subscription.last_slot_at == SLOT


async def test_subscriptions_sharing_a_slot_share_one_composition(
    pipeline: Pipeline, telegram: TelegramAdapter
) -> None:
    for n in range(4):
        await _subscribe(pipeline, str(7100 + n))
    runs, report = await run_due_slots(
        pipeline.uow_factory,
        pipeline.maker,
        {"telegram": telegram},
        now=SLOT + timedelta(minutes=1),
    )
    assert len(runs) == 1 and runs[0].digests == 1 and report.sent == 4


async def test_local_time_schedule_in_kolkata(
    pipeline: Pipeline, telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    # 13:30 in Kolkata is 08:00 UTC.
    await _subscribe(pipeline, "7004", schedule="daily 13:30", zone="Asia/Kolkata")
    runs, _ = await run_due_slots(
        pipeline.uow_factory,
        pipeline.maker,
        {"telegram": telegram},
        now=SLOT + timedelta(minutes=1),
    )
    assert len(runs) == 1 and runs[0].slot == SLOT


async def test_schedule_off_never_runs(pipeline: Pipeline, telegram: TelegramAdapter) -> None:
    await _subscribe(pipeline, "7005", schedule="off")
    runs, _ = await run_due_slots(
        pipeline.uow_factory,
        pipeline.maker,
        {"telegram": telegram},
        now=SLOT + timedelta(minutes=1),
    )
    assert runs == []


async def test_two_schedulers_racing_for_one_slot_send_it_once(
    pipeline: Pipeline, telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    import asyncio

    for chat in ("7101", "7102", "7103"):
        await _subscribe(pipeline, chat)
    adapters = {"telegram": telegram}
    now = SLOT + timedelta(minutes=1)

    await asyncio.gather(
        run_due_slots(pipeline.uow_factory, pipeline.maker, adapters, now=now),
        run_due_slots(pipeline.uow_factory, pipeline.maker, adapters, now=now),
    )

    assert [len(telegram_fake.messages_to(chat)) for chat in ("7101", "7102", "7103")] == [1, 1, 1]


async def test_recording_a_slot_keeps_a_schedule_changed_meanwhile(
    pipeline: Pipeline, telegram: TelegramAdapter
) -> None:
    chat_id = await _subscribe(pipeline, "7104")
    async with pipeline.uow_factory() as uow:
        ((sub, _),) = [(s, c) for s, c in await uow.channels.active_subscriptions()]
        await uow.channels.save_subscription(
            Subscription(channel_id=chat_id, languages="en", schedule="weekdays 09:30")
        )
        assert sub.id is not None
        assert await uow.channels.advance_slot(sub.id, SLOT)
        assert not await uow.channels.advance_slot(sub.id, SLOT), "a slot is recorded once"
        await uow.commit()
    async with pipeline.uow_factory() as uow:
        ((stored, _),) = await uow.channels.active_subscriptions()
    assert (stored.schedule, stored.languages, stored.last_slot_at) == (
        "weekdays 09:30",
        "en",
        SLOT,
    )


async def test_a_digest_after_downtime_covers_the_slots_it_stands_for(
    pipeline: Pipeline, telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    # The articles arrived just after the 26th's slot; the service was down on the 27th.
    await _subscribe(pipeline, "7105", last_slot_at=SLOT)
    later = SLOT + timedelta(days=2)

    runs, report = await run_due_slots(
        pipeline.uow_factory,
        pipeline.maker,
        {"telegram": telegram},
        now=later + timedelta(minutes=1),
    )

    assert [r.slot for r in runs] == [later] and report.sent == 1
    assert len(telegram_fake.messages_to("7105")) == 1
