"""Digests keep their items, order, links and notes."""

from __future__ import annotations

from bot.domain.repositories import UnitOfWorkFactory
from tests.storage.builders import a_digest, an_article


async def test_a_digest_round_trips_with_its_items(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        first = await uow.articles.add(an_article("one"))
        second = await uow.articles.add(an_article("two"))
        digest = a_digest(first.id or 0, second.id or 0, lang="hi", items=3)
        digest.style_note = "short, no jargon"
        digest.prompt_hash = "d1"
        digest.model = "gpt-4o-mini"
        stored = await uow.digests.add(digest)
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.digests.get(stored.id or 0)
        missing = await uow.digests.get(10_000)

    assert stored.id is not None
    assert loaded == stored
    assert [item.headline for item in loaded.items] == ["Story 1", "Story 2", "Story 3"]
    assert loaded.is_extract
    assert missing is None
