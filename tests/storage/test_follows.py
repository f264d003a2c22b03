"""Which sources a channel reads: its own, and the shared ones it did not unfollow."""

from __future__ import annotations

from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.sources import Source


async def test_channels_follow_shared_sources_and_their_own_only(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        shared = await uow.sources.add(Source(url="https://wire.example/feed", name="Wire"))
        mine = await uow.sources.add(Source(url="https://a.example/feed", name="A", shared=False))
        a = await uow.channels.get_or_create("telegram", "-1")
        b = await uow.channels.get_or_create("slack", "C1")
        assert a.id and b.id and shared.id and mine.id
        assert await uow.follows.own(a.id, mine.id, "telegram:1")
        assert not await uow.follows.own(a.id, mine.id, "telegram:1")
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.follows.followed_ids([a.id, b.id]) == {
            a.id: frozenset({shared.id, mine.id}),
            b.id: frozenset({shared.id}),
        }
        assert [f.source.name for f in await uow.follows.of_channel(b.id)] == ["Wire"]
        assert await uow.follows.unfollow(b.id, shared.id)
        assert not await uow.follows.unfollow(b.id, shared.id)
        assert not await uow.follows.unfollow(a.id, mine.id), "an own source is removed instead"
        await uow.follows.set_priority(a.id, shared.id, 3)
        await uow.commit()

    async with uow_factory() as uow:
        assert (await uow.follows.followed_ids([b.id]))[b.id] == frozenset()
        seen_b = await uow.follows.of_channel(b.id)
        assert [(f.source.id, f.followed, f.own) for f in seen_b] == [(shared.id, False, False)]
        assert await uow.follows.priorities([a.id, b.id]) == {a.id: {shared.id: 3}}
        seen_a = {f.source.id: f for f in await uow.follows.of_channel(a.id)}
        assert seen_a[shared.id].weight == 3 and seen_a[mine.id].own
        assert await uow.follows.follow(b.id, shared.id)
        assert not await uow.follows.follow(b.id, shared.id)
        assert await uow.follows.owners(mine.id) == 1
        assert await uow.follows.owned_count(a.id) == 1
        assert await uow.follows.disown(a.id, mine.id)
        assert await uow.follows.owners(mine.id) == 0
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.follows.followed_ids([a.id, b.id]) == {
            a.id: frozenset({shared.id}),
            b.id: frozenset({shared.id}),
        }
