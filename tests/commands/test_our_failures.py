"""When the bot itself fails (here: its database lost a table), whoever spoke to it hears so
in a line, a button press privately so its spinner stops, and chatter it overheard gets no
apology. A real fault in a real SQLite database, on the fake Telegram."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.access import OPEN_ACCESS
from bot.domain.repositories import UnitOfWorkFactory
from tests.answers.library import DEEPSEEK, store
from tests.commands.telegram_bot import telegram_bot

GROUP = -100777
SORRY = "Sorry, something failed on our side (logged for the operator)."


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_failure_of_ours_gets_a_line_not_silence(
    engine: AsyncEngine, uow_factory: UnitOfWorkFactory
) -> None:
    await store(uow_factory, [DEEPSEEK])
    async with telegram_bot(uow_factory, OPEN_ACCESS) as bot:
        await bot.send(GROUP, "/lang en")
        await bot.send(GROUP, "/digest")
        digest = bot.telegram.messages_to(GROUP)[-1]
        [(_, up), _] = digest.buttons[0]
        before = len(bot.texts(GROUP))
        async with engine.begin() as connection:
            await connection.execute(text("ALTER TABLE channels RENAME TO channels_lost"))

        await bot.send(GROUP, "/sources")
        await bot.send(GROUP, "lunch anyone?")
        await bot.press(digest, up)

        texts = bot.texts(GROUP)[before:]
        assert len(texts) == 1 and SORRY in texts[0], texts
        assert "try again in a few minutes" in texts[0] and "माफ़ कीजिए" in texts[0]
        toast = bot.telegram.press_answers[bot.telegram.last_query_id]
        assert "press again in a few minutes" in toast and not toast.endswith("…")
