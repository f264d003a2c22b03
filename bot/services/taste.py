"""A channel's own taste as ranking boosts: what it asked for (topics, mutes) and how it
voted on earlier items.

Each part reads what it needs in the selection's unit of work and returns `StoryBoost`s
(`bot.digest.ranking`): factors that multiply a story's score for this channel only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.digest.ranking import StoryBoost
from bot.domain.channels import Channel
from bot.domain.repositories import UnitOfWork
from bot.domain.stories import StoryCandidate
from bot.services.votes import vote_boost


async def channel_boosts(
    uow: UnitOfWork, channel: Channel, candidates: Sequence[StoryCandidate], now: datetime
) -> list[StoryBoost]:
    """Every boost of the channel's taste, for ranking `candidates` at `now`."""
    boosts: list[StoryBoost] = []
    if votes := await vote_boost(uow, channel, now):
        boosts.append(votes)
    return boosts
