"""Conversation turns, recalled per thread or per channel."""

from __future__ import annotations

from bot.domain.channels import ConversationTurn
from bot.domain.repositories import UnitOfWorkFactory
from tests.storage.builders import a_digest


async def test_turns_round_trip_and_recent_is_oldest_first(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        channel = await uow.channels.get_or_create("slack", "C1")
        digest = await uow.digests.add(a_digest())
        turns = [
            await uow.conversations.add(
                ConversationTurn(
                    channel_id=channel.id or 0,
                    user_id="U1",
                    question=f"सवाल {n}?",
                    answer=f"जवाब {n}।",
                    lang="hi",
                    digest_id=digest.id,
                    thread_id="1700000000.000100" if n % 2 else None,
                    cited_article_ids=[n, n + 1],
                )
            )
            for n in range(6)
        ]
        await uow.commit()
    async with uow_factory() as uow:
        in_thread = await uow.conversations.recent(channel.id or 0, "1700000000.000100", limit=2)
        in_channel = await uow.conversations.recent(channel.id or 0, None)
        elsewhere = await uow.conversations.recent((channel.id or 0) + 1, None)

    assert all(turn.id is not None and turn.created_at is not None for turn in turns)
    assert in_thread == [turns[3], turns[5]]
    assert in_channel == turns[2:]
    assert elsewhere == []
