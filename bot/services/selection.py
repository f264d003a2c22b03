"""Choosing each channel's stories: the window's candidates, ranked for the channel.

A channel sees the reports of the sources it follows only (its own and the shared ones it
did not unfollow), ranked with its own taste (topics, mutes, votes: `bot.services.taste`)
and what it was already sent, so each gets its own selection; channels whose selections
are equal share one composed digest.

What a channel was sent is known per story, so the window can overlap the previous one
safely: it reaches `WINDOW_OVERLAP` further back than the schedule's interval, and a slot
checked late (a tick after its time) never leaves a gap between two digests' windows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from bot.digest.ranking import ChannelTaste, Selection, select
from bot.domain.channels import Channel
from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.stories import StoryCandidate
from bot.services.stories import StoryAssigner
from bot.services.taste import channel_boosts

#: How much further back than its interval a digest looks: reports that arrived just before
#: the previous digest's check are covered, and nothing sent is sent again.
WINDOW_OVERLAP = timedelta(minutes=30)


async def candidate_stories(
    uow_factory: UnitOfWorkFactory,
    *,
    now: datetime,
    since: timedelta,
    assigner: StoryAssigner | None = None,
) -> list[StoryCandidate]:
    """Stories with a report that arrived in `[now - since - WINDOW_OVERLAP, now]`; articles of
    the window that have no story yet (stored before stories existed) are given one first."""
    await (assigner or StoryAssigner()).assign_pending(uow_factory, now)
    async with uow_factory() as uow:
        return await uow.stories.candidates(now - since - WINDOW_OVERLAP)


async def select_stories(
    uow_factory: UnitOfWorkFactory,
    channels: Sequence[Channel],
    *,
    now: datetime,
    since: timedelta,
    assigner: StoryAssigner | None = None,
) -> dict[int, Selection]:
    """Each channel's selection (by channel id): its biggest stories not sent to it before,
    or sent before and grown since (then as updates)."""
    candidates = await candidate_stories(uow_factory, now=now, since=since, assigner=assigner)
    ids = [c.id for c in channels if c.id is not None]
    async with uow_factory() as uow:
        sent = await uow.stories.sent_to(ids, [c.story_id for c in candidates])
        followed = await uow.follows.followed_ids(ids)
        priorities = await uow.follows.priorities(ids)
        boosts = await channel_boosts(uow, channels, candidates, now)
    selections: dict[int, Selection] = {}
    for channel in channels:
        if channel.id is None:
            continue
        taste = ChannelTaste(
            sent=sent.get(channel.id, {}), size=channel.digest_size, boosts=boosts[channel.id]
        )
        seen = visible(candidates, followed[channel.id], priorities.get(channel.id, {}))
        selections[channel.id] = select(seen, taste, now)
    return selections


def visible(
    candidates: Sequence[StoryCandidate],
    source_ids: frozenset[int],
    priorities: Mapping[int, int],
) -> list[StoryCandidate]:
    """The stories as a channel following `source_ids` sees them, weighed with its own
    `priorities` (see `StoryCandidate.only_from`)."""
    return [seen for c in candidates if (seen := c.only_from(source_ids, priorities)) is not None]
