"""What `why` will say about votes: the effect on a story and the votes that caused it, read
from real storage."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.votes import DOWN, UP
from bot.services.votes import cast_vote, vote_effect
from tests.storage.builders import NOW, a_digest, a_source, an_article


async def test_the_effect_on_a_story_names_the_votes_behind_it(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        channel = await uow.channels.get_or_create("slack", "C0WHY")
        liked = await uow.sources.add(a_source("https://liked.example/feed"))
        other = await uow.sources.add(a_source("https://other.example/feed"))
        first = await uow.articles.add(
            an_article("rbi", source_id=liked.id, story_terms={"rbi": 4.0, "repo": 2.0})
        )
        second = await uow.articles.add(
            an_article("kohli", source_id=other.id, story_terms={"kohli": 4.0, "odi": 2.0})
        )
        digest = await uow.digests.add(a_digest(first.id or 0, items=1))
        elsewhere = await uow.digests.add(a_digest(second.id or 0, items=1))
        assert channel.id is not None and digest.id is not None
        await uow.deliveries.create(digest.id, channel.id)
        await uow.commit()
    [item] = digest.items
    assert item.id is not None and elsewhere.items[0].id is not None

    cast = await cast_vote(uow_factory, channel, "slack:U1", item.id, UP, now=NOW)
    again = await cast_vote(uow_factory, channel, "slack:U2", item.id, DOWN, now=NOW)
    changed = await cast_vote(uow_factory, channel, "slack:U2", item.id, UP, now=NOW)
    refused = await cast_vote(
        uow_factory, channel, "slack:U1", elsewhere.items[0].id, DOWN, now=NOW
    )
    async with uow_factory() as uow:
        effect = await vote_effect(
            uow, channel, {liked.id or 0}, {"rbi": 3.0, "repo": 1.0}, NOW + timedelta(hours=1)
        )
        unrelated = await vote_effect(uow, channel, {other.id or 0}, {"kohli": 1.0}, NOW)

    assert cast is not None and again is not None and changed is not None and refused is None
    assert effect.factor > 1 and [v.item_id for v, _ in effect.causes] == [item.id, item.id]
    assert {v.headline for v, _ in effect.causes} == {"Story 1"}
    assert unrelated.factor == 1 and unrelated.causes == ()
