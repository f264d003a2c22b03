"""Full-text search in Hindi and English, on both databases."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.repositories import UnitOfWorkFactory
from tests.storage.builders import a_summary, an_article, corpus_articles, search, store

INVESTMENT = "कंपनी ने नई तकनीक में भारी निवेश किया है।बाज़ार ने इसका स्वागत किया।"
FRAGMENTS = "नि:शुल्क सेवा शुरू हुई। उसने नया वेश पहना। नियम बदल गए।"


async def test_a_hindi_word_matches_whole_never_its_fragments(
    uow_factory: UnitOfWorkFactory,
) -> None:
    investment, fragments = await store(
        uow_factory,
        an_article("invest", title="निवेश की खबर", text=INVESTMENT, lang="hi"),
        an_article("frag", title="सेवा", text=FRAGMENTS, lang="hi"),
    )
    assert await search(uow_factory, "निवेश") == [investment]
    assert await search(uow_factory, "नि") == [fragments]
    assert await search(uow_factory, "वेश") == [fragments]


async def test_glued_hindi_sentences_still_split_into_words(
    uow_factory: UnitOfWorkFactory,
) -> None:
    [article] = await store(uow_factory, an_article("glued", text=INVESTMENT, lang="hi"))
    assert await search(uow_factory, "बाज़ार") == [article]
    assert await search(uow_factory, "है") == [article]


async def test_decomposed_input_finds_composed_text(uow_factory: UnitOfWorkFactory) -> None:
    [article] = await store(uow_factory, an_article("nukta", text=INVESTMENT, lang="hi"))
    decomposed = "बाज\u093cार"  # ज + nukta, as some keyboards type it
    assert await search(uow_factory, decomposed) == [article]


async def test_the_real_corpus_is_searchable_by_a_hindi_word(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ids = await store(uow_factory, *corpus_articles())
    async with uow_factory() as uow:
        hits = await uow.articles.search("निवेश", limit=10)
    # 000, 002 and 003 use the word itself; 001 never does, 004 only has निवेशकों.
    assert {hit.article_id for hit in hits} == {ids[0], ids[2], ids[3]}
    for hit in hits:
        assert "निवेश" in hit.snippet
        assert len(hit.snippet) <= 362
        assert hit.lang == "hi"
    assert hits == sorted(hits, key=lambda hit: -hit.score)


async def test_english_words_match_exactly_without_stemming_or_case(
    uow_factory: UnitOfWorkFactory,
) -> None:
    investors, invest = await store(
        uow_factory,
        an_article("a", title="Markets", text="Investors cheered DeepSeek's release."),
        an_article("b", title="Policy", text="The state will invest in chips."),
    )
    assert await search(uow_factory, "investors") == [investors]
    assert await search(uow_factory, "INVEST") == [invest]
    assert await search(uow_factory, "deepseek") == [investors]


async def test_more_matching_words_and_title_hits_rank_first(
    uow_factory: UnitOfWorkFactory,
) -> None:
    weak, strong = await store(
        uow_factory,
        an_article("weak", title="Chips", text="Chip exports rose. DeepSeek was mentioned."),
        an_article("strong", title="DeepSeek funding", text="DeepSeek raised funding again."),
    )
    assert await search(uow_factory, "What about DeepSeek funding?") == [strong, weak]


async def test_search_can_be_restricted_to_some_articles(uow_factory: UnitOfWorkFactory) -> None:
    first, second = await store(
        uow_factory,
        an_article("x", text="Rain in Delhi."),
        an_article("y", text="Rain in Mumbai."),
    )
    assert await search(uow_factory, "rain", article_ids=[second]) == [second]
    assert await search(uow_factory, "rain", article_ids=[]) == []
    assert set(await search(uow_factory, "rain")) == {first, second}


async def test_near_copies_do_not_crowd_the_results(uow_factory: UnitOfWorkFactory) -> None:
    [original] = await store(uow_factory, an_article("o", text="Floods hit Assam."))
    [copy] = await store(
        uow_factory, an_article("c", text="Floods hit Assam today.", duplicate_of=original)
    )
    assert await search(uow_factory, "floods") == [original]
    assert await search(uow_factory, "floods", article_ids=[copy]) == [copy]


async def test_an_english_question_finds_a_hindi_article_through_its_summary(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        article = await uow.articles.add(an_article("hi", text=INVESTMENT, lang="hi"))
        await uow.summaries.add(
            a_summary(
                article,
                "en",
                headline="Company bets on new technology",
                text="The company made a heavy investment in new technology. Markets welcomed it.",
            )
        )
        await uow.commit()
    async with uow_factory() as uow:
        [hit] = await uow.articles.search("Who made an investment?")
    assert hit.article_id == article.id
    assert "The company made a heavy investment in new technology." in hit.snippet


async def test_the_snippet_is_the_passage_around_the_hit(uow_factory: UnitOfWorkFactory) -> None:
    filler = " ".join(f"Sentence number {n} says nothing." for n in range(60))
    text = f"{filler} The flood warning covers Assam. {filler}"
    [article] = await store(uow_factory, an_article("long", text=text))
    async with uow_factory() as uow:
        [hit] = await uow.articles.search("flood")
    assert hit.article_id == article
    assert "The flood warning covers Assam." in hit.snippet
    assert len(hit.snippet) < 400


QUERIES_WITH_SYNTAX = [
    '"निवेश', "AI*", "-DeepSeek", "OR", "AND NOT", "(AI) OR (", "NEAR(a b)", "title:AI",
    "^AI", "'; DROP TABLE articles; --", "\\", "%_", "", "   ", "।।", "* - \" ( ) :", "a:b:c",
    "ai & | ! <->", "!!", "निवेश OR", "NOT निवेश",
]  # fmt: skip


@pytest.mark.parametrize("query", QUERIES_WITH_SYNTAX)
async def test_search_syntax_in_a_query_is_taken_literally(
    uow_factory: UnitOfWorkFactory, query: str
) -> None:
    await store(uow_factory, an_article("s", title="AI OR not", text=INVESTMENT))
    async with uow_factory() as uow:
        hits = await uow.articles.search(query)
    assert isinstance(hits, list)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=st.text(max_size=40))
async def test_no_query_text_ever_makes_search_fail(
    uow_factory: UnitOfWorkFactory, query: str
) -> None:
    async with uow_factory() as uow:
        await uow.articles.search(query)


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_postgres_simple_configuration_keeps_devanagari_words_whole(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as conn:
        lexemes = await conn.scalar(
            text("SELECT tsvector_to_array(to_tsvector('simple', :value))"),
            {"value": "निवेश, प्रौद्योगिकी और क़ानून।बाज़ार Investors"},
        )
    assert sorted(lexemes) == sorted(["निवेश", "प्रौद्योगिकी", "और", "क़ानून", "बाज़ार", "investors"])
