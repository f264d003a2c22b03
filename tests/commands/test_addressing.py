"""In a group the bot answers only when addressed: a command, a mention, a reply to it."""

from __future__ import annotations

from bot.domain.messages import IncomingMessage
from tests.commands.conftest import Chat

GROUP = "-100321"


def _group_message(text: str, **extra: str) -> IncomingMessage:
    return IncomingMessage("telegram", GROUP, "1001", text, message_id="7", extra=extra)


async def test_group_talk_that_does_not_address_the_bot_gets_no_reply(chat: Chat) -> None:
    await chat.router.handle(_group_message("lunch at one?"))
    assert chat.fake.messages_to(GROUP) == []


async def test_a_mention_in_a_group_is_taken_as_a_question(chat: Chat) -> None:
    await chat.router.handle(_group_message("@digest_bot निवेश?", mentioned="true"))
    replies = chat.fake.messages_to(GROUP)
    assert len(replies) == 1
    assert "not in the articles I have" in replies[0].plain or "नहीं" in replies[0].plain
