"""Votes in the database: one per person and item, replaced by a new one, read back with
what ranking needs (the voted items' sources and story terms)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.votes import DOWN, UP, Vote
from tests.storage.builders import NOW, a_digest, a_source, an_article


async def _delivered_digest(uow_factory: UnitOfWorkFactory) -> tuple[int, list[int], int]:
    """A channel and a two-item digest delivered to it: (channel id, item ids, source id)."""
    async with uow_factory() as uow:
        channel = await uow.channels.get_or_create("telegram", "777")
        source = await uow.sources.add(a_source())
        first = await uow.articles.add(
            an_article("one", source_id=source.id, story_terms={"rbi": 2.0, "repo": 1.0})
        )
        second = await uow.articles.add(
            an_article("two", source_id=source.id, story_terms={"rbi": 1.0, "rate": 0.5})
        )
        digest = await uow.digests.add(a_digest(first.id or 0, second.id or 0))
        assert channel.id is not None and digest.id is not None and source.id is not None
        await uow.deliveries.create(digest.id, channel.id)
        await uow.commit()
    return channel.id, [item.id or 0 for item in digest.items], source.id


async def test_a_stored_digest_gives_each_item_its_id_and_reads_it_back(
    uow_factory: UnitOfWorkFactory,
) -> None:
    _, items, _ = await _delivered_digest(uow_factory)
    async with uow_factory() as uow:
        item = await uow.votes.item(0, items[0])
    assert len(set(items)) == 2 and all(items)
    assert item is None  # no such channel: the item never reached it


async def test_a_new_vote_replaces_the_persons_earlier_one(
    uow_factory: UnitOfWorkFactory,
) -> None:
    channel, items, _ = await _delivered_digest(uow_factory)
    async with uow_factory() as uow:
        await uow.votes.cast(Vote(channel, items[0], "telegram:1", UP), at=NOW)
        await uow.votes.cast(Vote(channel, items[0], "telegram:2", UP), at=NOW)
        await uow.votes.cast(Vote(channel, items[1], "telegram:1", UP), at=NOW)
        await uow.commit()
    async with uow_factory() as uow:
        await uow.votes.cast(
            Vote(channel, items[0], "telegram:1", DOWN), at=NOW + timedelta(minutes=1)
        )
        await uow.commit()
    async with uow_factory() as uow:
        counts = await uow.votes.counts(channel, items)
        other = await uow.votes.counts(channel + 1, items)
    assert counts == {items[0]: (1, 1), items[1]: (1, 0)}
    assert other == {}


async def test_two_presses_racing_leave_one_vote(uow_factory: UnitOfWorkFactory) -> None:
    channel, items, _ = await _delivered_digest(uow_factory)

    async def press(value: int) -> None:
        async with uow_factory() as uow:
            await uow.votes.cast(
                Vote(channel, items[0], "slack:U1", UP if value > 0 else DOWN), at=NOW
            )
            await uow.commit()

    await asyncio.gather(press(1), press(-1), press(1))
    async with uow_factory() as uow:
        ups, downs = (await uow.votes.counts(channel, items))[items[0]]
    assert ups + downs == 1


async def test_recent_votes_carry_the_items_sources_and_summed_story_terms(
    uow_factory: UnitOfWorkFactory,
) -> None:
    channel, items, source = await _delivered_digest(uow_factory)
    async with uow_factory() as uow:
        await uow.votes.cast(Vote(channel, items[0], "telegram:1", DOWN), at=NOW)
        await uow.votes.cast(Vote(channel, items[1], "telegram:1", UP), at=NOW - timedelta(days=90))
        await uow.commit()
    async with uow_factory() as uow:
        [signal] = await uow.votes.recent(channel, NOW - timedelta(days=30))

    assert (signal.item_id, signal.value, signal.at) == (items[0], -1, NOW)
    assert signal.source_ids == {source}
    assert signal.terms == {"rbi": 3.0, "repo": 1.0, "rate": 0.5}
    assert signal.headline == "Story 1"


async def test_an_item_of_an_older_digest_knows_how_many_digests_came_since(
    uow_factory: UnitOfWorkFactory,
) -> None:
    channel, items, _ = await _delivered_digest(uow_factory)
    async with uow_factory() as uow:
        fresh = await uow.votes.item(channel, items[1])
        later = a_digest()
        later.created_at = NOW + timedelta(days=1)
        stored = await uow.digests.add(later)
        assert stored.id is not None
        delivery = await uow.deliveries.create(stored.id, channel)
        assert delivery.id is not None
        await uow.deliveries.mark_sent(delivery.id, ["9"], NOW + timedelta(days=1))
        await uow.commit()
    async with uow_factory() as uow:
        old = await uow.votes.item(channel, items[1])

    assert fresh is not None and fresh.later_digests == 0 and fresh.headline == "Story 2"
    assert old is not None and old.later_digests == 1


async def test_a_vote_counts_for_the_sources_that_listed_the_items_articles_too(
    uow_factory: UnitOfWorkFactory,
) -> None:
    channel, items, source = await _delivered_digest(uow_factory)
    async with uow_factory() as uow:
        wire = await uow.sources.add(a_source("https://wire.example/feed.xml", name="Wire"))
        assert wire.id is not None
        await uow.articles.record_listings(wire.id, ["https://news.example/one"], [])
        await uow.votes.cast(Vote(channel, items[0], "telegram:1", UP), at=NOW)
        await uow.commit()
    async with uow_factory() as uow:
        [signal] = await uow.votes.recent(channel, NOW - timedelta(days=1))

    assert signal.source_ids == {source, wire.id}
