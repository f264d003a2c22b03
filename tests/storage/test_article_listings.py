"""A source that lists an article stored under another source carries it too: search by
source finds it, on both databases; removing a source drops its listings, not the article."""

from __future__ import annotations

from bot.domain.repositories import UnitOfWorkFactory
from tests.storage.builders import a_source, an_article, search, store


async def _sources(uow_factory: UnitOfWorkFactory, *urls: str) -> list[int]:
    async with uow_factory() as uow:
        ids = [(await uow.sources.add(a_source(url, name=url))).id or 0 for url in urls]
        await uow.commit()
    return ids


async def test_search_by_source_finds_an_article_its_source_only_listed(
    uow_factory: UnitOfWorkFactory,
) -> None:
    national, top, sport = await _sources(
        uow_factory, "https://a.example/national", "https://a.example/top", "https://b.example/x"
    )
    [article] = await store(
        uow_factory, an_article("budget", title="बजट में निवेश", source_id=national)
    )
    async with uow_factory() as uow:
        recorded = await uow.articles.record_listings(top, ["https://news.example/budget"], [])
        again = await uow.articles.record_listings(top, ["https://news.example/budget"], [])
        await uow.commit()

    assert (recorded, again) == (1, 0)
    assert await search(uow_factory, "निवेश", source_ids=[top]) == [article]
    assert await search(uow_factory, "निवेश", source_ids=[national]) == [article]
    assert await search(uow_factory, "निवेश", source_ids=[sport]) == []


async def test_a_listing_is_found_by_the_articles_text_under_another_address(
    uow_factory: UnitOfWorkFactory,
) -> None:
    first, second = await _sources(uow_factory, "https://a.example/f", "https://c.example/f")
    stored = an_article("recall", title="Toyota recall", source_id=first)
    await store(uow_factory, stored)
    async with uow_factory() as uow:
        recorded = await uow.articles.record_listings(
            second, ["https://mirror.example/recall"], [stored.content_hash]
        )
        urls = await uow.articles.recent_urls(second, limit=10)
        await uow.commit()

    assert recorded == 1
    assert urls == {"https://news.example/recall"}


async def test_removing_the_listing_source_keeps_the_article_for_its_first_source(
    uow_factory: UnitOfWorkFactory,
) -> None:
    national, top = await _sources(uow_factory, "https://a.example/n", "https://a.example/t")
    [article] = await store(uow_factory, an_article("vote", title="Election", source_id=national))
    async with uow_factory() as uow:
        await uow.articles.record_listings(top, ["https://news.example/vote"], [])
        await uow.commit()
    async with uow_factory() as uow:
        await uow.sources.remove(top)
        await uow.commit()

    assert await search(uow_factory, "election", source_ids=[national]) == [article]
    assert await search(uow_factory, "election", source_ids=[top]) == []
