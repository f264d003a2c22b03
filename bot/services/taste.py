"""A channel's own taste as ranking boosts: what it asked for (topics, mutes) and how it
voted on earlier items.

Each part reads what it needs in the selection's unit of work and returns `StoryBoost`s
(`bot.digest.ranking`): factors that multiply a story's score for that channel only. The
channels of one selection are read together, and the window's article texts (for topics)
once, only when a channel has topics or mutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.digest.ranking import StoryBoost
from bot.digest.topics import StoryMatcher, TopicBoost
from bot.domain.channels import Channel
from bot.domain.repositories import UnitOfWork
from bot.domain.stories import StoryCandidate
from bot.services.votes import vote_boost


async def channel_boosts(
    uow: UnitOfWork,
    channels: Sequence[Channel],
    candidates: Sequence[StoryCandidate],
    now: datetime,
) -> dict[int, list[StoryBoost]]:
    """Every boost of each channel's taste (by channel id), for ranking `candidates` at `now`."""
    ids = [c.id for c in channels if c.id is not None]
    boosts: dict[int, list[StoryBoost]] = {channel_id: [] for channel_id in ids}
    topics = await uow.topics.of_channels(ids)
    matcher = StoryMatcher(await story_texts(uow, candidates)) if topics else None
    for channel in channels:
        if channel.id is None:
            continue
        if matcher is not None and channel.id in topics:
            boosts[channel.id].append(
                TopicBoost.of(matcher, topics[channel.id], channel.topics_only)
            )
        if votes := await vote_boost(uow, channel, now):
            boosts[channel.id].append(votes)
    return boosts


async def story_texts(
    uow: UnitOfWork, candidates: Sequence[StoryCandidate]
) -> dict[int, tuple[str, str]]:
    """(title, text) of every report of the candidates, by article id."""
    ids = sorted({r.article_id for c in candidates for r in c.reports})
    articles = await uow.articles.get_many(ids) if ids else []
    return {a.id: (a.title, a.text) for a in articles if a.id is not None}
