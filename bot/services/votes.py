"""Votes as use cases: record one, and read a channel's votes back as a ranking boost or as
the reason a story ranks where it does (for `why`)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

from bot.digest.votes import WINDOW, VoteBoost, VoteEffect
from bot.domain.channels import Channel
from bot.domain.repositories import UnitOfWork, UnitOfWorkFactory
from bot.domain.votes import Vote, VotedItem, VoteValue


async def cast_vote(
    uow_factory: UnitOfWorkFactory,
    channel: Channel,
    user_key: str,
    item_id: int,
    value: VoteValue,
    *,
    now: datetime,
) -> VotedItem | None:
    """Record `user_key`'s vote on an item the channel received (replacing an earlier vote);
    the item, or None when the channel never received such an item (nothing recorded)."""
    assert channel.id is not None
    async with uow_factory() as uow:
        item = await uow.votes.item(channel.id, item_id)
        if item is None:
            return None
        await uow.votes.cast(Vote(channel.id, item_id, user_key, value), at=now)
        await uow.commit()
    return item


async def vote_boost(uow: UnitOfWork, channel: Channel, now: datetime) -> VoteBoost:
    """The channel's recent votes as a ranking boost (a boost of no votes changes nothing)."""
    assert channel.id is not None
    return VoteBoost(await uow.votes.recent(channel.id, now - WINDOW), now)


async def vote_effect(
    uow: UnitOfWork,
    channel: Channel,
    source_ids: Collection[int],
    terms: Mapping[str, float],
    now: datetime,
) -> VoteEffect:
    """What the channel's votes do to a story of these sources and story terms, and the
    votes that caused it (biggest first), for telling a channel why it was shown a story."""
    return (await vote_boost(uow, channel, now)).effect(source_ids, terms)
