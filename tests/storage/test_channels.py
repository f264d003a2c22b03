"""Channels: one per platform address, even when created twice at once; one subscription each."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.domain.channels import Subscription
from bot.domain.repositories import UnitOfWorkFactory
from tests.storage.builders import NOW


async def test_get_or_create_makes_a_channel_once(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        created = await uow.channels.get_or_create("telegram", "-100123", title="News team")
        again = await uow.channels.get_or_create("telegram", "-100123", title="ignored")
        other = await uow.channels.get_or_create("slack", "-100123")
        await uow.commit()
    assert created == again
    assert (created.title, created.language, created.timezone) == (
        "News team",
        "both",
        "Asia/Kolkata",
    )
    assert other.id != created.id


async def test_a_new_channel_takes_the_given_time_zone_and_an_old_one_keeps_its_own(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        old = await uow.channels.get_or_create("telegram", "-1")
        new = await uow.channels.get_or_create("telegram", "-2", timezone="UTC")
        again = await uow.channels.get_or_create("telegram", "-1", timezone="UTC")
        await uow.commit()
    assert (old.timezone, new.timezone, again.timezone) == ("Asia/Kolkata", "UTC", "Asia/Kolkata")


async def test_concurrent_get_or_create_yields_one_channel(uow_factory: UnitOfWorkFactory) -> None:
    async def first_message() -> int:
        async with uow_factory() as uow:
            channel = await uow.channels.get_or_create("slack", "C0NEW")
            await uow.commit()
            return channel.id or 0

    ids = await asyncio.gather(*(first_message() for _ in range(5)))
    assert len(set(ids)) == 1


async def test_update_persists_settings_and_a_new_address(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        channel = await uow.channels.get_or_create("telegram", "-100")
        channel.language = "hi"
        channel.timezone = "Europe/Berlin"
        channel.style_note = "मज़ेदार"
        channel.active = False
        channel.inactive_reason = "bot was removed from the chat"
        channel.address = "-100999"  # the group became a supergroup
        await uow.channels.update(channel)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.channels.get(channel.id or 0) == channel
        assert (await uow.channels.get_or_create("telegram", "-100999")).id == channel.id


async def test_update_refuses_an_address_another_channel_has(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        taken = await uow.channels.get_or_create("telegram", "1")
        channel = await uow.channels.get_or_create("telegram", "2")
        channel.address = "1"
        with pytest.raises(ValueError, match=f"already channel #{taken.id}"):
            await uow.channels.update(channel)


async def test_a_channel_has_one_subscription_saved_in_place(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        channel = await uow.channels.get_or_create("telegram", "42")
        assert await uow.channels.get_subscription(channel.id or 0) is None
        first = await uow.channels.save_subscription(Subscription(channel_id=channel.id or 0))
        changed = Subscription(
            channel_id=channel.id or 0,
            languages="en",
            schedule="weekdays 07:30",
            timezone="Asia/Kolkata",
            active=False,
            paused_reason="blocked by the user",
            last_slot_at=NOW - timedelta(hours=1),
        )
        second = await uow.channels.save_subscription(changed)
        loaded = await uow.channels.get_subscription(channel.id or 0)
    assert second.id == first.id
    assert loaded == second


async def test_active_subscriptions_skip_paused_ones_and_inactive_channels(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        live = await uow.channels.get_or_create("telegram", "live")
        paused = await uow.channels.get_or_create("telegram", "paused")
        gone = await uow.channels.get_or_create("slack", "gone")
        for channel, wanted in ((live, True), (paused, False), (gone, True)):
            await uow.channels.save_subscription(
                Subscription(channel_id=channel.id or 0, active=wanted)
            )
        gone.active = False
        await uow.channels.update(gone)
        active = await uow.channels.active_subscriptions()
    assert [(sub.channel_id, chan.key) for sub, chan in active] == [(live.id, "telegram:live")]
