"""Questions in one language about news in the other, offline: a chat of both languages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.demo_data import SAMPLE_FEED
from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.sources import Source
from bot.services.ingest import ingest_due
from bot.sources.reader import WebSourceReader
from tests.commands.conftest import Chat

#: The sample feed's copy of the corpus column on Moonshot's Kimi K2 Thinking.
KIMI_COLUMN = "https://example.org/hi/opinion/are-deepseek-moments-the-new-normal"
ENGLISH_EXTRACTS = "Most relevant passages from the stored articles"
HINDI_EXTRACTS = "संग्रहित लेखों के सबसे प्रासंगिक अंश"


async def ingest_the_hindi_sample_feed(uow_factory: UnitOfWorkFactory) -> None:
    """The five Hindi corpus articles, stored as ingest stores them: no summary yet."""
    reader = WebSourceReader()
    async with uow_factory() as uow:
        source = await uow.sources.add(Source(url=str(SAMPLE_FEED), name="s", kind="file"))
        await uow.commit()
    assert source.id is not None
    await ingest_due(uow_factory, reader, now=datetime.now(UTC), only=[source.id])
    await reader.aclose()


async def test_an_english_question_about_hindi_news_is_answered_in_english_from_the_article(
    chat: Chat, uow_factory: UnitOfWorkFactory
) -> None:
    await ingest_the_hindi_sample_feed(uow_factory)

    answer = await chat.say("/ask How much did it cost to train Kimi K2 Thinking?")

    assert answer.startswith(ENGLISH_EXTRACTS), answer
    assert "किमी के2 थिंकिंग को प्रशिक्षित करने में 4.6 मिलियन डॉलर" in answer
    assert f"[1] क्या डीपसीक मोमेंट्स अब नया सामान्य है? — {KIMI_COLUMN}" in answer


async def test_a_hindi_question_in_the_same_chat_is_answered_in_hindi(
    chat: Chat, uow_factory: UnitOfWorkFactory
) -> None:
    await ingest_the_hindi_sample_feed(uow_factory)

    answer = await chat.say("/ask किमी के2 थिंकिंग को प्रशिक्षित करने में कितना खर्च आया?")

    assert answer.startswith(HINDI_EXTRACTS), answer
    assert "4.6 मिलियन डॉलर" in answer and KIMI_COLUMN in answer


@pytest.mark.parametrize(
    ("language", "expected"),
    [("hi", "यह मेरे पास मौजूद लेखों में नहीं है"), ("both", "That is not in the articles I have")],
)
async def test_a_chat_that_chose_one_language_is_answered_in_it_whatever_the_question(
    chat: Chat, language: str, expected: str
) -> None:
    await chat.say(f"/lang {language}")

    answer = await chat.say("/ask How much rain fell in Kerala this monsoon?")

    assert answer.startswith(expected), answer
