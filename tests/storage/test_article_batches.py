"""Articles stored a feed at a time: few statements, searchable, and a lost race is no error."""

from __future__ import annotations

from bot.domain.repositories import UnitOfWorkFactory
from tests.storage.builders import an_article


async def test_a_batch_is_stored_with_ids_and_is_searchable(uow_factory: UnitOfWorkFactory) -> None:
    articles = [an_article(f"b{i}", text=f"निवेश की खबर संख्या {i}") for i in range(250)]
    async with uow_factory() as uow:
        stored = await uow.articles.add_many(articles)
        await uow.commit()
    assert len({a.id for a in stored}) == 250
    async with uow_factory() as uow:
        hits = await uow.articles.search("निवेश", limit=300)
        urls, hashes = await uow.articles.stored_keys(
            [a.canonical_url for a in articles[:3]] + ["https://elsewhere.example/x"],
            [articles[0].content_hash, "0" * 64],
        )
    assert len(hits) == 250
    assert urls == {a.canonical_url for a in articles[:3]}
    assert hashes == {articles[0].content_hash}


async def test_an_article_another_writer_stored_first_is_left_out(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        await uow.articles.add(an_article("raced"))
        stored = await uow.articles.add_many([an_article("raced"), an_article("fresh")])
        await uow.commit()
    assert [a.canonical_url for a in stored] == [an_article("fresh").canonical_url]
