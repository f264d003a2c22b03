"""Search stays fast on a large archive: a common word counts only for its newest articles.

Ranking reads every article it scores, so each word is scored over its newest
MAX_MATCHES_PER_TERM matches only. These tests shrink that cap to 2 to show what it changes
(and what it does not), and check that scoring word by word ranks exactly as each
database's own ranking of the whole query.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import storage.search
from bot.domain.repositories import UnitOfWorkFactory
from storage.search import KEY_WEIGHT, KEYS_TABLE, SEARCH_TABLE, fts5_match, query_keys, query_terms
from storage.uow import SqlUnitOfWorkFactory
from tests.storage.builders import an_article, corpus_articles, search, store


@pytest.fixture
def cap_of_two(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage.search, "MAX_MATCHES_PER_TERM", 2)


async def floods(uow_factory: UnitOfWorkFactory) -> list[int]:
    """Four flood stories, oldest first; the oldest has the word in its title (ranks best)."""
    return await store(
        uow_factory,
        an_article("old", title="Flood in Assam", text="The flood cut off villages."),
        an_article("a", title="Monday", text="A flood warning was issued."),
        an_article("b", title="Tuesday", text="The flood receded."),
        an_article("c", title="Wednesday", text="Flood relief arrived."),
    )


@pytest.mark.usefixtures("cap_of_two")
@pytest.mark.parametrize("window", [1, 1000], ids=["newest-beyond-window", "within-window"])
async def test_a_common_word_counts_only_for_its_newest_articles(
    uow_factory: UnitOfWorkFactory, monkeypatch: pytest.MonkeyPatch, window: int
) -> None:
    monkeypatch.setattr(storage.search, "RECENT_WINDOW", window)
    old, _, newer, newest = await floods(uow_factory)

    found = await search(uow_factory, "flood", limit=5)

    assert sorted(found) == [newer, newest]
    assert old not in found


@pytest.mark.usefixtures("cap_of_two")
async def test_a_rarer_word_still_finds_an_old_article(uow_factory: UnitOfWorkFactory) -> None:
    old, *_ = await floods(uow_factory)
    assert (await search(uow_factory, "flood assam", limit=5))[0] == old


@pytest.mark.usefixtures("cap_of_two")
async def test_within_a_digest_every_match_counts(uow_factory: UnitOfWorkFactory) -> None:
    old, first, _, newest = await floods(uow_factory)
    assert await search(uow_factory, "flood", article_ids=[newest, first, old]) == [
        old,
        newest,
        first,
    ]


async def test_scores_equal_the_databases_own_ranking_of_the_whole_query(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await store(
        uow_factory,
        *corpus_articles(),
        an_article("en", title="DeepSeek funding", text="DeepSeek's model drew investment."),
    )
    query = "DeepSeek मॉडल निवेश funding"
    async with uow_factory() as uow:
        hits = await uow.articles.search(query, limit=10)
    assert isinstance(uow_factory, SqlUnitOfWorkFactory)
    terms = query_terms(query)
    words = await whole_query_scores(uow_factory, SEARCH_TABLE, terms)
    keys = await whole_query_scores(uow_factory, KEYS_TABLE, query_keys(terms))
    expected = combined(words, len(terms), keys, len(query_keys(terms)), uow_factory)

    assert [hit.article_id for hit in hits] == list(expected)
    for hit in hits:
        assert hit.score == pytest.approx(expected[hit.article_id], rel=1e-5)


async def whole_query_scores(
    uow_factory: SqlUnitOfWorkFactory, table: str, terms: list[str]
) -> dict[int, float]:
    """Every match's score from one query of all the words of `table`, by article id."""
    async with uow_factory.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            weights = ", 0.0, 4.0, 1.0, 2.0" if table == SEARCH_TABLE else ""
            result = await conn.execute(
                text(
                    f"SELECT rowid, -bm25({table}{weights}) AS score "
                    f"FROM {table} WHERE {table} MATCH :match"
                ),
                {"match": fts5_match(terms)},
            )
        else:
            tsquery = " || ".join(f"plainto_tsquery('simple', :t{i})" for i in range(len(terms)))
            result = await conn.execute(
                text(
                    f"SELECT article_id, ts_rank(document, {tsquery}) AS score "
                    f"FROM {table} WHERE document @@ ({tsquery})"
                ),
                {f"t{i}": term for i, term in enumerate(terms)},
            )
        return {row_id: float(score) for row_id, score in result.all()}


def combined(
    words: dict[int, float],
    word_count: int,
    keys: dict[int, float],
    key_count: int,
    uow_factory: SqlUnitOfWorkFactory,
) -> dict[int, float]:
    """The words' and the keys' whole-query scores as search adds them, best first (ties:
    newest first): bm25 sums over phrases; ts_rank of an OR query is its terms' mean."""
    sqlite = uow_factory.engine.dialect.name == "sqlite"
    scores = {}
    for article_id in words.keys() | keys.keys():
        word, key = words.get(article_id, 0.0), keys.get(article_id, 0.0)
        if sqlite:
            scores[article_id] = word + KEY_WEIGHT * key
        else:
            total = word * word_count + KEY_WEIGHT * key * key_count
            scores[article_id] = total / (word_count + key_count)
    return dict(sorted(scores.items(), key=lambda item: (-item[1], -item[0])))


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_postgres_search_rows_keep_long_values_out_of_line(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        options = await conn.scalar(
            text(f"SELECT reloptions FROM pg_class WHERE oid = '{SEARCH_TABLE}'::regclass")
        )
    assert "toast_tuple_target=128" in options
