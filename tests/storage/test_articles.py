"""Articles: dedup keys, near-copies and listing by time."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.repositories import UnitOfWorkFactory
from tests.storage.builders import NOW, a_source, an_article


async def test_an_article_round_trips_with_every_field(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        source = await uow.sources.add(a_source())
        article = an_article(
            source_id=source.id,
            lang="hi",
            simhash=(1 << 64) - 1,
            published_at=NOW - timedelta(hours=3),
            author="संवाददाता",
            image_url="https://news.example/a.jpg",
            description="एक विवरण",
            tags=["AI", "चीन"],
        )
        stored = await uow.articles.add(article)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.articles.get(stored.id or 0) == stored
        assert await uow.articles.find_by_canonical_url(article.canonical_url) == stored
        assert await uow.articles.find_by_content_hash(article.content_hash) == stored
        assert await uow.articles.get(10_000) is None


async def test_a_canonical_url_is_stored_once(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.articles.add(an_article("same"))
        with pytest.raises(ValueError, match="already stored"):
            await uow.articles.add(an_article("same", text="other text"))
        assert len(await uow.articles.list_since(NOW - timedelta(1))) == 1


async def test_get_many_keeps_the_order_asked_for(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        ids = [(await uow.articles.add(an_article(f"a{n}"))).id or 0 for n in range(3)]
        found = await uow.articles.get_many([ids[2], 999, ids[0], ids[2]])
    assert [a.id for a in found] == [ids[2], ids[0]]


async def test_near_copies_are_left_out_of_listings_and_simhashes(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        old = await uow.articles.add(an_article("old", fetched_at=NOW - timedelta(days=9)))
        original = await uow.articles.add(an_article("orig", simhash=0xFFFF_0000_FFFF_0000))
        copy = await uow.articles.add(
            an_article("copy", duplicate_of=original.id, fetched_at=NOW + timedelta(minutes=5))
        )
        since = NOW - timedelta(days=7)
        assert await uow.articles.simhashes_since(since) == [(original.id, 0xFFFF_0000_FFFF_0000)]
        assert [a.id for a in await uow.articles.list_since(since)] == [original.id]
        everything = await uow.articles.list_since(since, originals_only=False)
    assert [a.id for a in everything] == [copy.id, original.id]
    assert old.id not in {a.id for a in everything}


async def test_naive_times_are_taken_as_utc_and_come_back_aware(
    uow_factory: UnitOfWorkFactory,
) -> None:
    naive = NOW.replace(tzinfo=None)
    async with uow_factory() as uow:
        stored = await uow.articles.add(an_article(fetched_at=naive, published_at=naive))
        loaded = await uow.articles.get(stored.id or 0)
    assert loaded is not None
    assert (loaded.fetched_at, loaded.published_at) == (NOW, NOW)
