"""Why a digest item was shown to a channel: who reported it, what of the channel's taste it
met, and how the channel weighs its sources.

Rebuilt from what is stored (the item's articles, their sources, the channel's topics,
priorities and votes), so the answer holds for any digest the channel received, however old.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.digest.topics import Phrase, StoryMatcher
from bot.domain.channels import Channel
from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.stories import outlet_of
from bot.services.votes import vote_boost


@dataclass(frozen=True)
class SourceReason:
    """One source of an item as the channel weighs it."""

    name: str
    own: bool
    priority: int


@dataclass(frozen=True)
class ItemReason:
    """Why one item was shown: its reports' outlets, the channel's topics it matched, its
    sources and their weights, whether it was an update, and the channel's votes that bear
    on it (net 👍 minus 👎 on items of the same sources)."""

    number: int
    headline: str
    outlets: list[str]
    reports: int
    is_update: bool
    topics: list[str] = field(default_factory=list)
    sources: list[SourceReason] = field(default_factory=list)
    #: The factor the channel's votes put on it (1: none), and the voted items behind it:
    #: (👍 +1 or 👎 -1, headline), biggest first.
    vote_factor: float = 1.0
    voted: list[tuple[int, str]] = field(default_factory=list)


#: Voted items named in one reason at most.
SHOWN_VOTES = 2


async def explain_digest(
    uow_factory: UnitOfWorkFactory, channel: Channel, digest_id: int, *, now: datetime
) -> list[ItemReason]:
    """The reasons of every item of the digest, in its order; [] when there is no such digest."""
    assert channel.id is not None
    async with uow_factory() as uow:
        digest = await uow.digests.get(digest_id)
        if digest is None:
            return []
        ids = sorted({a for item in digest.items for a in item.article_ids})
        articles = {a.id: a for a in await uow.articles.get_many(ids)}
        listed = await uow.articles.listed_by(ids)
        seen = {f.source.id: f for f in await uow.follows.of_channel(channel.id)}
        topics = (await uow.topics.of_channels([channel.id])).get(channel.id, [])
        votes = await vote_boost(uow, channel, now)
    matcher = StoryMatcher({i: (a.title, a.text) for i, a in articles.items() if i is not None})
    phrases = [Phrase(t.phrase) for t in topics if t.kind == "topic"]
    reasons = []
    for number, item in enumerate(digest.items, 1):
        mine = [articles[a] for a in item.article_ids if a in articles]
        outlets = list(dict.fromkeys(outlet_of(a.url) for a in mine))
        sources = []
        # The sources that brought the item's reports, then those that listed them too.
        carried = [a.source_id for a in mine if a.source_id is not None]
        carried += [s for a in mine for s in sorted(listed.get(a.id or 0, ()))]
        for source_id in dict.fromkeys(carried):
            followed = seen.get(source_id)
            if followed is not None:
                sources.append(SourceReason(followed.source.name, followed.own, followed.weight))
        terms: dict[str, float] = {}
        for article in mine:
            if article.duplicate_of is None:
                for term, weight in article.story_terms.items():
                    terms[term] = terms.get(term, 0.0) + weight
        effect = votes.effect(set(carried), terms)
        matched = [
            p.text
            for p in phrases
            if any(matcher.article_has(a.id, p) for a in mine if a.id is not None)
        ]
        reasons.append(
            ItemReason(
                number=number,
                headline=item.headline,
                outlets=outlets,
                reports=len(mine),
                is_update=item.is_update,
                topics=matched,
                sources=sources,
                vote_factor=effect.factor,
                voted=[
                    (signal.value, signal.headline) for signal, _ in effect.causes[:SHOWN_VOTES]
                ],
            )
        )
    return reasons
