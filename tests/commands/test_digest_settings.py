"""How many stories a chat's digests show, and how much a source weighs, set from chat."""

from __future__ import annotations

import pytest

from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.sources import Source
from tests.commands.conftest import ADMIN, Chat


async def test_a_chat_sets_how_many_stories_its_digests_show(
    chat: Chat, uow_factory: UnitOfWorkFactory
) -> None:
    await chat.say("/lang en")
    reply = await chat.say("/digest size 5")
    assert "up to 5 stories" in reply
    async with uow_factory() as uow:
        channel = await uow.channels.get_or_create("telegram", chat.chat_id)
    assert channel.digest_size == 5


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("/digest size 0", "from 1 to 20"),
        ("/digest size 500", "from 1 to 20"),
        ("/digest size many", "/digest size N"),
        ("/digest large", "/digest size N"),
    ],
)
async def test_a_bad_digest_size_gets_a_reason_and_changes_nothing(
    chat: Chat, uow_factory: UnitOfWorkFactory, message: str, reason: str
) -> None:
    await chat.say("/lang en")
    reply = await chat.say(message)
    assert reason in reply and "Example: /digest size 5" in reply
    async with uow_factory() as uow:
        channel = await uow.channels.get_or_create("telegram", chat.chat_id)
    assert channel.digest_size == 8


async def test_an_admin_gives_a_source_more_weight_and_it_is_audited(
    chat: Chat, uow_factory: UnitOfWorkFactory
) -> None:
    async with uow_factory() as uow:
        source = await uow.sources.add(Source(url="https://a.example/feed", name="A"))
        await uow.commit()
    await chat.say("/lang en")

    assert "Only admins" in await chat.say(f"/sourcepriority {source.id} 2")
    reply = await chat.say(f"/sourcepriority {source.id} 2", user=ADMIN)

    assert f"Source {source.id} now has priority 2" in reply
    assert "(shared, priority +2)" in await chat.say("/sources")
    async with uow_factory() as uow:
        stored = await uow.sources.get(source.id or 0)
        channel = await uow.channels.get_or_create("telegram", chat.chat_id)
        assert channel.id is not None and source.id is not None
        mine = await uow.follows.priorities([channel.id])
        audit = await uow.audit.recent()
    # The chat weighs the shared source for itself; other channels keep its own priority.
    assert mine == {channel.id: {source.id: 2}}
    assert stored is not None and stored.priority == 0
    assert audit[0].action == "sourcepriority" and "priority 2" in audit[0].detail


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("/sourcepriority 1 9", "from -4 to 4"),
        ("/sourcepriority 1", "from -4 to 4"),
        ("/sourcepriority first 2", "source number first"),
        ("/sourcepriority 99 1", "This chat has no source 99; see /sources"),
    ],
)
async def test_a_bad_priority_gets_a_reason_and_an_example(
    chat: Chat, uow_factory: UnitOfWorkFactory, message: str, reason: str
) -> None:
    async with uow_factory() as uow:
        await uow.sources.add(Source(url="https://a.example/feed", name="A"))
        await uow.commit()
    await chat.say("/lang en")
    reply = await chat.say(message, user=ADMIN)
    assert reason in reply
