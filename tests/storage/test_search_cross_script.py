"""Names match across scripts: an English question finds a Hindi article, and back."""

from __future__ import annotations

from alembic import command

from bot.domain.articles import Article
from bot.domain.repositories import UnitOfWorkFactory
from storage.db import make_engine
from storage.migrate import alembic_config
from storage.search import article_keys, query_keys, query_terms
from storage.uow import make_uow_factory
from tests.storage.builders import an_article, corpus_articles, search, store

KIMI = "How much did it cost to train Kimi K2 Thinking?"


def kimi_column(articles: list[Article]) -> Article:
    (column,) = [a for a in articles if "किमी के2 थिंकिंग" in a.text]
    return column


async def test_an_english_name_finds_the_hindi_article_that_writes_it_in_devanagari(
    uow_factory: UnitOfWorkFactory,
) -> None:
    corpus = corpus_articles()
    ids = await store(uow_factory, *corpus)
    column = ids[corpus.index(kimi_column(corpus))]

    async with uow_factory() as uow:
        hits = await uow.articles.search(KIMI, limit=3)

    assert hits[0].article_id == column
    assert "किमी के2 थिंकिंग को प्रशिक्षित करने में 4.6 मिलियन डॉलर" in hits[0].snippet


async def test_a_hindi_name_finds_the_english_article_and_back(
    uow_factory: UnitOfWorkFactory,
) -> None:
    english, hindi = await store(
        uow_factory,
        an_article("en", title="Moonshot funding", text="Moonshot raised money for Kimi."),
        an_article("hi", title="मौसम", text="मूनशॉट के बारे में एक खबर।", lang="hi"),
    )

    assert await search(uow_factory, "मूनशॉट") == [hindi, english]
    assert await search(uow_factory, "Moonshot") == [english, hindi]


async def test_a_word_found_as_written_ranks_above_one_found_by_its_key(
    uow_factory: UnitOfWorkFactory,
) -> None:
    hindi, english = await store(
        uow_factory,
        an_article("hi", title="एक खबर", text="डीपसीक ने नया मॉडल जारी किया।", lang="hi"),
        an_article("en", title="A story", text="DeepSeek released a new model."),
    )

    assert await search(uow_factory, "DeepSeek") == [english, hindi]


async def test_short_skeletons_match_nothing_across_scripts(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await store(
        uow_factory,
        an_article("pain", title="दर्द", text="उसे बहुत कष्ट हुआ और तरण ताल बंद था।", lang="hi"),
        an_article("kimi", title="नाम", text="किमी ने कहा।", lang="hi"),
    )

    assert query_keys(query_terms("cost of the train to Kimi")) == []
    assert await search(uow_factory, "cost of the train to Kimi") == []


def test_an_article_is_keyed_by_each_distinct_distinctive_word_once() -> None:
    keys = article_keys("डीपसीक और DeepSeek", "किमी के2 थिंकिंग, 2025 में 4.6 मिलियन")

    assert keys.split() == ["dpsk", "k2", "tnkng"]


async def test_articles_stored_before_the_keys_existed_are_keyed_by_the_migration(
    migrated_url: str,
) -> None:
    engine = make_engine(migrated_url)
    uow_factory = make_uow_factory(engine)
    try:
        corpus = corpus_articles()
        await store(uow_factory, *corpus)
        config = alembic_config(migrated_url)
        command.downgrade(config, "0006")
        command.upgrade(config, "head")

        async with uow_factory() as uow:
            hits = await uow.articles.search(KIMI, limit=1)
    finally:
        await engine.dispose()

    assert [hit.url for hit in hits] == [kimi_column(corpus).url]
