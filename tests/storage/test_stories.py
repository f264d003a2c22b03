"""Stories in the database: derived counts, candidates with their reports, what was sent."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.digests import Digest, DigestItem
from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.stories import Story
from tests.storage.builders import NOW, a_source, an_article


async def _story_of_three(uow_factory: UnitOfWorkFactory) -> tuple[int, list[int]]:
    """A story told by two outlets in two languages, one report copied by a third outlet."""
    async with uow_factory() as uow:
        source = await uow.sources.add(a_source(priority=2))
        story = await uow.stories.create(Story(first_seen_at=NOW, last_seen_at=NOW))
        assert story.id is not None
        first = await uow.articles.add(
            an_article("one", source_id=source.id, story_id=story.id, story_terms={"rbi": 1.5})
        )
        second = await uow.articles.add(
            an_article(
                "two",
                url="https://hindi.example/two",
                canonical_url="https://hindi.example/two",
                lang="hi",
                story_id=story.id,
                fetched_at=NOW + timedelta(hours=2),
            )
        )
        copy = await uow.articles.add(
            an_article(
                "copy",
                url="https://www.mirror.example/c",
                canonical_url="https://www.mirror.example/c",
                story_id=story.id,
                duplicate_of=first.id,
            )
        )
        await uow.stories.refresh([story.id])
        await uow.commit()
    return story.id, [a.id or 0 for a in (first, second, copy)]


async def test_a_story_is_derived_from_its_reports_copies_included(
    uow_factory: UnitOfWorkFactory,
) -> None:
    story_id, (first, _, _) = await _story_of_three(uow_factory)

    async with uow_factory() as uow:
        story = await uow.stories.get(story_id)

    assert story is not None
    assert story.article_count == 3 and story.representative_id == first
    assert story.languages == ["en", "hi"]
    assert story.outlets == ["hindi.example", "mirror.example", "news.example"]
    assert (story.first_seen_at, story.last_seen_at) == (NOW, NOW + timedelta(hours=2))


async def test_candidates_carry_priorities_and_mark_copies(uow_factory: UnitOfWorkFactory) -> None:
    story_id, (first, second, copy) = await _story_of_three(uow_factory)

    async with uow_factory() as uow:
        (candidate,) = await uow.stories.candidates(NOW - timedelta(hours=1))
        too_old = await uow.stories.candidates(NOW + timedelta(hours=3))
        members = await uow.stories.members_since(NOW - timedelta(hours=1))

    assert candidate.story_id == story_id and too_old == []
    by_id = {r.article_id: r for r in candidate.reports}
    assert by_id[first].priority == 2 and by_id[second].priority == 0
    assert by_id[copy].copy_of == first and by_id[first].copy_of is None
    assert [(a, s, t) for a, s, t, _ in members] == [
        (first, story_id, {"rbi": 1.5}),
        (second, story_id, {}),
    ]


async def test_what_a_channel_was_sent_accumulates_per_story(
    uow_factory: UnitOfWorkFactory,
) -> None:
    story_id, (first, second, copy) = await _story_of_three(uow_factory)

    def digest(*ids: int) -> Digest:
        item = DigestItem("h", "b", [], "llm", article_ids=list(ids), story_id=story_id)
        return Digest(lang="en", title="t", items=[item], created_at=NOW)

    async with uow_factory() as uow:
        channel = await uow.channels.get_or_create("telegram", "1")
        other = await uow.channels.get_or_create("telegram", "2")
        stored = await uow.digests.add(digest(first, copy))
        await uow.stories.record_sent(channel.id or 0, stored)
        await uow.stories.record_sent(channel.id or 0, await uow.digests.add(digest(second)))
        await uow.commit()

    async with uow_factory() as uow:
        sent = await uow.stories.sent_to([channel.id or 0, other.id or 0], [story_id])

    assert sent[channel.id or 0] == {story_id: frozenset({first, second, copy})}
    assert other.id not in sent


async def test_a_stored_answer_is_kept_by_the_first_writer(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.answers.put("k" * 64, "digest", {"groups": [1]})
        await uow.answers.put("k" * 64, "digest", {"groups": [2]})
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.answers.get("k" * 64) == {"groups": [1]}
        assert await uow.answers.get("x" * 64) is None
