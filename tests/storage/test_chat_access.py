"""A chat's access: written only by its own methods, the notice stamped once under races, and
slots skip chats that may not use the bot."""

from __future__ import annotations

import asyncio

from bot.domain.channels import Subscription
from bot.domain.repositories import UnitOfWorkFactory
from tests.storage.builders import NOW


async def test_a_new_chat_gets_the_access_given_and_an_existing_one_keeps_its_own(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        operator = await uow.channels.get_or_create("telegram", "-1")
        waiting = await uow.channels.get_or_create("telegram", "-2", access="pending")
        again = await uow.channels.get_or_create("telegram", "-2", access="allowed")
        await uow.commit()
    assert (operator.access, waiting.access, again.access) == ("allowed", "pending", "pending")


async def test_access_changes_only_through_set_access_not_update(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        chat = await uow.channels.get_or_create("telegram", "-3", access="pending")
        await uow.commit()
    assert chat.id is not None
    async with uow_factory() as uow:
        assert await uow.channels.set_access(chat.id, "allowed")
        assert not await uow.channels.set_access(chat.id + 1000, "allowed")
        await uow.commit()
    chat.language = "en"  # a stale copy, still saying pending, saved by some command
    async with uow_factory() as uow:
        await uow.channels.update(chat)
        await uow.commit()
    async with uow_factory() as uow:
        found = await uow.channels.find("telegram", "-3")
        missing = await uow.channels.find("telegram", "-404")
    assert found is not None and (found.access, found.language) == ("allowed", "en")
    assert missing is None


async def test_two_messages_at_once_stamp_the_notice_once(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        chat = await uow.channels.get_or_create("slack", "C0WAIT", access="pending")
        await uow.commit()
    assert chat.id is not None
    channel_id = chat.id

    async def message() -> bool:
        async with uow_factory() as uow:
            first = await uow.channels.mark_access_noticed(channel_id, NOW)
            await uow.commit()
            return first

    results = await asyncio.gather(*(message() for _ in range(4)))
    assert sorted(results) == [False, False, False, True]
    async with uow_factory() as uow:
        stamped = await uow.channels.get(channel_id)
    assert stamped is not None and stamped.access_noticed_at == NOW


async def test_chats_lists_telegram_and_slack_by_access_and_slots_skip_the_not_allowed(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        ids = {}
        for address, access in (("-10", "allowed"), ("-11", "pending"), ("-12", "denied")):
            chat = await uow.channels.get_or_create("telegram", address, access=access)  # type: ignore[arg-type]
            assert chat.id is not None
            ids[access] = chat.id
            await uow.channels.save_subscription(Subscription(channel_id=chat.id))
        await uow.channels.get_or_create("console", "stdout")
        await uow.commit()
    async with uow_factory() as uow:
        everyone = await uow.channels.chats()
        waiting = await uow.channels.chats(access="pending")
        subscribed = await uow.channels.active_subscriptions()
    assert [c.address for c in everyone] == ["-10", "-11", "-12"]
    assert [c.id for c in waiting] == [ids["pending"]]
    assert [c.id for _, c in subscribed] == [ids["allowed"]]
