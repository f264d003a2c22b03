"""A channel's topics and mutes are kept once each, whatever the case they are typed in."""

from __future__ import annotations

from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.topics import ChannelTopic


async def test_topics_are_kept_per_channel_and_kind_once_each(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        a = await uow.channels.get_or_create("telegram", "-1")
        b = await uow.channels.get_or_create("telegram", "-2")
        assert a.id and b.id
        assert await uow.topics.add(a.id, "topic", "निवेश")
        assert await uow.topics.add(a.id, "topic", "DeepSeek")
        assert not await uow.topics.add(a.id, "topic", "deepseek")
        assert await uow.topics.add(a.id, "mute", "DeepSeek")
        assert await uow.topics.add(b.id, "mute", "cricket")
        await uow.commit()

    async with uow_factory() as uow:
        assert not await uow.topics.remove(a.id, "mute", "cricket")
        assert await uow.topics.remove(a.id, "topic", "DEEPSEEK")
        await uow.commit()
        stored = await uow.topics.of_channels([a.id, b.id])
    assert stored == {
        a.id: [ChannelTopic(a.id, "topic", "निवेश"), ChannelTopic(a.id, "mute", "DeepSeek")],
        b.id: [ChannelTopic(b.id, "mute", "cricket")],
    }
