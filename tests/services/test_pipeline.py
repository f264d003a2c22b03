"""The main job through real storage, the real reader and a fake Telegram server."""

from __future__ import annotations

from datetime import timedelta

from bot.adapters.telegram import TelegramAdapter
from bot.domain.channels import Channel
from bot.domain.languages import Lang
from bot.services.ingest import ingest_due
from bot.services.publish import deliver_all, publish
from tests.fakes.telegram_server import FakeTelegramServer
from tests.services.conftest import NOW, Pipeline


async def test_polling_the_same_feed_again_stores_nothing_twice(pipeline: Pipeline) -> None:
    (again,) = await ingest_due(
        pipeline.uow_factory,
        pipeline.reader,
        now=NOW + timedelta(hours=1),
        only=[pipeline.source_id],
    )
    assert again.new == 0
    assert again.error is None
    async with pipeline.uow_factory() as uow:
        assert len(await uow.articles.list_since(NOW - timedelta(days=1))) == 5
        source = await uow.sources.get(pipeline.source_id)
    assert source is not None and source.last_success_at is not None
    assert source.consecutive_failures == 0


async def test_every_subscribed_chat_gets_each_digest_exactly_once(
    pipeline: Pipeline, telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    async with pipeline.uow_factory() as uow:
        chats = [await uow.channels.get_or_create("telegram", str(1000 + n)) for n in range(5)]
        await uow.commit()
    targets: list[tuple[Channel, list[Lang]]] = [(chat, ["hi", "en"]) for chat in chats]
    adapters = {"telegram": telegram}
    report = await publish(pipeline.uow_factory, pipeline.maker, adapters, targets, now=NOW)
    assert report.delivery.sent == 10 and report.delivery.failed == 0
    # A second pass finds nothing due: what was sent is never sent again.
    again = await deliver_all(pipeline.uow_factory, adapters, now=NOW + timedelta(minutes=1))
    assert again.sent == 0
    for chat in chats:
        received = telegram_fake.messages_to(chat.address)
        assert len(received) == 2
        assert "समाचार सार" in received[0].plain and "News digest" in received[1].plain
        assert len({url for _, url in received[0].links()}) == 5


async def test_one_composition_per_language_however_many_chats(
    pipeline: Pipeline, telegram: TelegramAdapter
) -> None:
    async with pipeline.uow_factory() as uow:
        chats = [await uow.channels.get_or_create("telegram", str(2000 + n)) for n in range(20)]
        await uow.commit()
    report = await publish(
        pipeline.uow_factory,
        pipeline.maker,
        {"telegram": telegram},
        [(chat, ["hi", "en"]) for chat in chats],
        now=NOW,
    )
    assert [len(report.digests[lang]) for lang in ("hi", "en")] == [1, 1]
    # The five articles are one story: one summary per language, of its representative.
    assert len(pipeline.summarizer.calls) == 2
    await publish(
        pipeline.uow_factory,
        pipeline.maker,
        {"telegram": telegram},
        [(chats[0], ["hi", "en"])],
        now=NOW + timedelta(minutes=5),
    )
    assert len(pipeline.summarizer.calls) == 2, "a re-run with no new article summarizes nothing"


async def test_blocked_bot_pauses_the_subscription_and_records_why(
    pipeline: Pipeline, telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    async with pipeline.uow_factory() as uow:
        chat = await uow.channels.get_or_create("telegram", "3001")
        assert chat.id is not None
        from bot.domain.channels import Subscription

        await uow.channels.save_subscription(Subscription(channel_id=chat.id, languages="hi"))
        await uow.commit()
    telegram_fake.inject_fault("3001", "blocked")
    report = await publish(
        pipeline.uow_factory, pipeline.maker, {"telegram": telegram}, [(chat, ["hi"])], now=NOW
    )
    assert report.delivery.failed == 1
    assert chat.id is not None
    async with pipeline.uow_factory() as uow:
        stored = await uow.channels.get(chat.id)
        subscription = await uow.channels.get_subscription(chat.id)
        failed = await uow.deliveries.list(status="failed")
    assert stored is not None and not stored.active
    assert subscription is not None and not subscription.active
    assert subscription.paused_reason and "blocked" in subscription.paused_reason.lower()
    assert len(failed) == 1 and failed[0].last_error


async def test_group_migrated_to_supergroup_is_followed_and_delivered(
    pipeline: Pipeline, telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    async with pipeline.uow_factory() as uow:
        chat = await uow.channels.get_or_create("telegram", "-4001")
        await uow.commit()
    telegram_fake.inject_fault("-4001", "migrated", migrate_to=-1004001)
    report = await publish(
        pipeline.uow_factory, pipeline.maker, {"telegram": telegram}, [(chat, ["en"])], now=NOW
    )
    assert report.delivery.sent == 1
    assert len(telegram_fake.messages_to(-1004001)) == 1
    assert chat.id is not None
    async with pipeline.uow_factory() as uow:
        moved = await uow.channels.get(chat.id)
    assert moved is not None and moved.address == "-1004001"


async def test_transient_failure_is_retried_later_and_then_delivered(
    pipeline: Pipeline, telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    async with pipeline.uow_factory() as uow:
        chat = await uow.channels.get_or_create("telegram", "5001")
        await uow.commit()
    telegram_fake.inject_fault("5001", "server_error", times=1)
    first = await publish(
        pipeline.uow_factory, pipeline.maker, {"telegram": telegram}, [(chat, ["hi"])], now=NOW
    )
    assert first.delivery.sent == 0 and first.delivery.retrying == 1
    later = await deliver_all(
        pipeline.uow_factory, {"telegram": telegram}, now=NOW + timedelta(hours=1)
    )
    assert later.sent == 1
    assert len(telegram_fake.messages_to("5001")) == 1
