"""Follow-up questions in a Telegram group, as transcripts through the fake Bot API.

Updates arrive by long polling, as in production; the LLM answerer talks to the fake OpenAI
server over real HTTP, so the tests see the prompts the model received.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.adapters.telegram_updates import TelegramUpdates
from bot.domain.access import OPEN_ACCESS
from bot.domain.repositories import UnitOfWorkFactory
from tests.answers.library import DEEPSEEK, MONSOON, store
from tests.commands.telegram_bot import telegram_bot
from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.telegram_server import FakeTelegramServer, SentMessage

GROUP = -5001


@dataclass
class Group:
    """A Telegram group as a transcript: `await group.say(text)` returns the bot's reply."""

    telegram: FakeTelegramServer
    llm: FakeOpenAIServer
    updates: TelegramUpdates

    async def say(self, text: str, *, reply_to: SentMessage | None = None) -> SentMessage:
        before = len(self.telegram.messages_to(GROUP))
        self.telegram.push_message(
            GROUP,
            text,
            user_id=1001,
            reply_to=reply_to.message_id if reply_to else None,
            chat_type="supergroup",
        )
        async with asyncio.timeout(10):
            while len(self.telegram.messages_to(GROUP)) <= before:
                await asyncio.sleep(0.02)
            # The reply is out; the handler may still be filing the turn under it.
            await self.updates.dispatch.drain()
        return self.telegram.messages_to(GROUP)[-1]


@pytest.fixture
async def group(uow_factory: UnitOfWorkFactory) -> AsyncIterator[Group]:
    async with telegram_bot(uow_factory, OPEN_ACCESS, admins=frozenset()) as bot:
        yield Group(bot.telegram, bot.llm, bot.updates)


async def test_follow_ups_by_reply_see_the_thread_and_keep_the_digests_articles(
    group: Group, uow_factory: UnitOfWorkFactory
) -> None:
    await store(uow_factory, [DEEPSEEK])
    assert "Language: en" in (await group.say("/lang en")).plain
    digest = await group.say("/digest")
    assert DEEPSEEK.url in {url for _, url in digest.links()}
    await store(uow_factory, [MONSOON])  # arrives after the digest: outside its thread

    first = await group.say("Which model did DeepSeek release?", reply_to=digest)
    assert "[1]" in first.plain and first.plain.endswith(f"[1] {DEEPSEEK.title} — {DEEPSEEK.url}")

    second = await group.say("What did training it cost?", reply_to=first)
    assert second.plain.endswith(f"[1] {DEEPSEEK.title} — {DEEPSEEK.url}")
    prompt = group.llm.requests[-1].user
    assert "<<<HISTORY\nQ: Which model did DeepSeek release?\nA: " in prompt
    assert DEEPSEEK.url not in prompt.split("HISTORY>>>")[0]

    calls = group.llm.calls
    third = await group.say("How much monsoon rain did Kerala get?", reply_to=second)
    assert "not in the articles I have" in third.plain
    assert group.llm.calls == calls, "nothing relevant: the model is not asked"

    async with uow_factory() as uow:
        channel = await uow.channels.get_or_create("telegram", str(GROUP))
        assert channel.id is not None
        turns = await uow.conversations.recent(channel.id, str(third.message_id), limit=10)
        deliveries = await uow.deliveries.list()
    (delivery,) = deliveries
    assert [t.question for t in turns] == [
        "Which model did DeepSeek release?",
        "What did training it cost?",
        "How much monsoon rain did Kerala get?",
    ]
    assert all(t.digest_id == delivery.digest_id and t.channel_id == channel.id for t in turns)
    assert turns[0].cited_article_ids and turns[2].cited_article_ids == []
    assert turns[1].answer == second.plain


async def test_a_new_question_outside_any_thread_asks_about_everything_stored(
    group: Group, uow_factory: UnitOfWorkFactory
) -> None:
    await store(uow_factory, [DEEPSEEK, MONSOON])
    await group.say("/lang en")

    answer = await group.say("/ask How much monsoon rain did Kerala get?")

    assert answer.plain.endswith(f"[1] {MONSOON.title} — {MONSOON.url}")
    assert "<<<HISTORY\n(none)\nHISTORY>>>" in group.llm.requests[-1].user
    async with uow_factory() as uow:
        channel = await uow.channels.get_or_create("telegram", str(GROUP))
        assert channel.id is not None
        (turn,) = await uow.conversations.recent(channel.id, str(answer.message_id))
    assert turn.digest_id is None and turn.channel_id == channel.id
