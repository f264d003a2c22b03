"""Summaries are cached by text, language, prompt and model."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.repositories import UnitOfWorkFactory
from tests.storage.builders import NOW, a_summary, an_article


async def test_a_summary_is_found_again_by_its_cache_key(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        article = await uow.articles.add(an_article())
        stored = await uow.summaries.add(
            a_summary(article, "hi", headline="शीर्षक", untranslated=True, flagged="too long")
        )
        await uow.commit()
    async with uow_factory() as uow:
        cached = await uow.summaries.get_cached(article.content_hash, "hi", "p1", "gpt-4o-mini")
        assert cached == stored
        assert (
            await uow.summaries.get_cached(article.content_hash, "en", "p1", "gpt-4o-mini") is None
        )
        assert (
            await uow.summaries.get_cached(article.content_hash, "hi", "p2", "gpt-4o-mini") is None
        )
        assert await uow.summaries.get_cached(article.content_hash, "hi", "p1", "other") is None


async def test_latest_for_returns_the_newest_in_that_language(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        article = await uow.articles.add(an_article())
        await uow.summaries.add(a_summary(article, prompt_hash="v1", created_at=NOW))
        newer = await uow.summaries.add(
            a_summary(article, prompt_hash="v2", text="Better.", created_at=NOW + timedelta(1))
        )
        await uow.summaries.add(a_summary(article, "hi", created_at=NOW + timedelta(2)))
        assert await uow.summaries.latest_for(article.id or 0, "en") == newer
        assert await uow.summaries.latest_for(article.id or 0, "xx") is None


async def test_storing_a_cache_key_again_replaces_the_summary(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        article = await uow.articles.add(an_article())
        first = await uow.summaries.add(a_summary(article, text="First try."))
        second = await uow.summaries.add(a_summary(article, text="Second try."))
        cached = await uow.summaries.get_cached(article.content_hash, "en", "p1", "gpt-4o-mini")
    assert second.id == first.id
    assert cached is not None and cached.text == "Second try."
