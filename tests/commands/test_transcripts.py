"""Conversations with the bot, read as transcripts: what a user says, what the bot answers."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.commands.registry import all_commands
from bot.commands.router import CommandRouter
from bot.demo_data import SAMPLE_FEED
from bot.domain.articles import Article
from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.sources import Source
from bot.services.ingest import ingest_due
from bot.sources.reader import WebSourceReader
from bot.text.clean import clean_article_text
from bot.text.similarity import content_hash
from tests.commands.conftest import ADMIN, Chat


async def test_user_subscribes_sets_a_schedule_and_a_time_zone(
    chat: Chat, uow_factory: UnitOfWorkFactory
) -> None:
    assert "Language: en" in await chat.say("/lang en")
    reply = await chat.say("/subscribe en")
    assert "Subscribed (en, daily 08:00)" in reply
    reply = await chat.say("/timezone America/New_York")
    assert "Time zone: America/New_York" in reply
    reply = await chat.say("/schedule weekdays 09:30")
    assert "Schedule: weekdays 09:30" in reply
    assert reply.count("09:30") == 4 and "(America/New_York)" in reply  # the echo + 3 runs
    async with uow_factory() as uow:
        channel = await uow.channels.get_or_create("telegram", chat.chat_id)
        assert channel.id is not None
        sub = await uow.channels.get_subscription(channel.id)
    assert sub is not None and sub.active
    assert (sub.schedule, sub.timezone, sub.languages) == (
        "weekdays 09:30",
        "America/New_York",
        "en",
    )


async def test_a_new_chat_follows_the_operators_time_zone(
    chat: Chat, uow_factory: UnitOfWorkFactory
) -> None:
    deps = dataclasses.replace(chat.router.deps, default_timezone="UTC")
    new_chat = Chat(CommandRouter(deps, all_commands()), chat.fake, chat_id="777")

    reply = await new_chat.say("/subscribe en")

    assert "Subscribed (en, daily 08:00)" in reply and "08:00 (UTC)" in reply
    async with uow_factory() as uow:
        channel = await uow.channels.get_or_create("telegram", "777")
        assert channel.id is not None
        sub = await uow.channels.get_subscription(channel.id)
    assert channel.timezone == "UTC"
    assert sub is not None and sub.timezone == "UTC"


async def test_replies_follow_the_chats_language(chat: Chat) -> None:
    await chat.say("/lang hi")
    assert "भाषा: hi" in await chat.say("/lang hi")
    reply = await chat.say("/unsubscribe")
    assert "सदस्य नहीं" in reply and "not subscribed" not in reply
    await chat.say("/lang both")
    reply = await chat.say("/unsubscribe")
    assert "सदस्य नहीं" in reply and "not subscribed" in reply


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("/lang fr", "Unknown language 'fr'"),
        ("/schedule daily 25:00", "impossible time"),
        ("/timezone Mars/Olympus", "Unknown time zone 'Mars/Olympus'"),
        ("/ask", "Write a question"),
        ("/schedule", "Say when"),
    ],
)
async def test_bad_arguments_get_a_reason_and_an_example(
    chat: Chat, message: str, reason: str
) -> None:
    await chat.say("/lang en")
    reply = await chat.say(message)
    assert reason in reply
    assert "Example: /" in reply


async def test_a_very_long_message_is_refused_with_a_reason(chat: Chat) -> None:
    await chat.say("/lang en")
    reply = await chat.say("/ask " + "क" * 4000)
    assert "too long" in reply and "e.g." in reply


async def test_unknown_command_points_to_help(chat: Chat) -> None:
    await chat.say("/lang en")
    assert "/help" in await chat.say("/frobnicate")


async def test_help_lists_admin_commands_only_to_admins(chat: Chat) -> None:
    await chat.say("/lang en")
    member_help = await chat.say("/help")
    admin_help = await chat.say("/help", user=ADMIN)
    assert "/subscribe" in member_help and "/addsource" not in member_help
    assert "/addsource" in admin_help and "e.g. /addsource" in admin_help


async def test_non_admin_addsource_is_refused_and_changes_nothing(
    chat: Chat, uow_factory: UnitOfWorkFactory
) -> None:
    await chat.say("/lang en")
    reply = await chat.say("/addsource https://example.com/feed.xml")
    assert "Only admins" in reply
    async with uow_factory() as uow:
        assert await uow.sources.list() == []
        assert await uow.audit.recent() == []


async def test_admin_addsource_of_cloud_metadata_is_refused(
    chat: Chat, uow_factory: UnitOfWorkFactory
) -> None:
    await chat.say("/lang en")
    reply = await chat.say("/addsource http://169.254.169.254/latest/meta-data/", user=ADMIN)
    assert "Not added" in reply and "169.254.169.254" in reply
    reply = await chat.say("/addsource /etc/passwd", user=ADMIN)
    assert "Not added" in reply
    async with uow_factory() as uow:
        assert await uow.sources.list() == []


async def test_replayed_event_is_handled_once(chat: Chat) -> None:
    await chat.say("/lang en")
    first = await chat.say("/help", event_id="Ev1")
    second = await chat.say("/help", event_id="Ev1")
    assert first and second == ""


async def test_admin_actions_are_audited(chat: Chat, uow_factory: UnitOfWorkFactory) -> None:
    await chat.say("/lang en")
    reply = await chat.say("/style short, focus on funding", user=ADMIN)
    assert "Style note: short, focus on funding" in reply
    reply = await chat.say("/admins add telegram:777", user=ADMIN)
    assert "telegram:777 is now an admin" in reply
    assert "Style note" in await chat.say("/style off", user=777)
    async with uow_factory() as uow:
        audit = await uow.audit.recent()
    assert [e.action for e in audit][:3] == ["style", "admins", "style"]
    assert audit[-1].actor == f"telegram:{ADMIN}"


async def test_follow_up_in_a_digests_thread_cites_that_digests_articles(
    chat: Chat, uow_factory: UnitOfWorkFactory
) -> None:
    reader = WebSourceReader()
    async with uow_factory() as uow:
        source = await uow.sources.add(Source(url=str(SAMPLE_FEED), name="s", kind="file"))
        await uow.commit()
    assert source.id is not None
    await ingest_due(uow_factory, reader, now=datetime.now(UTC), only=[source.id])
    await reader.aclose()
    await chat.say("/lang en")
    await chat.say("/digest")
    digest_message = chat.fake.messages_to(chat.chat_id)[-1]
    urls = {url for _, url in digest_message.links()}
    assert len(urls) == 5
    # An article that arrives after the digest is outside its thread.
    monsoon = Path(__file__).parents[1] / "fixtures" / "articles" / "en_monsoon_rainfall.txt"
    cleaned = clean_article_text(monsoon.read_text(encoding="utf-8"))
    async with uow_factory() as uow:
        await uow.articles.add(
            Article(
                source_id=None,
                url="https://example.net/monsoon",
                canonical_url="https://example.net/monsoon",
                title=cleaned.title,
                text=cleaned.text,
                lang="en",
                content_hash=content_hash(cleaned.text),
                fetched_at=datetime.now(UTC),
            )
        )
        await uow.commit()
    reply_to = str(digest_message.message_id)
    answer = await chat.say("What did DeepSeek release?", reply_to=reply_to)
    assert "[1]" in answer and any(url in answer for url in urls)
    outside = await chat.say("monsoon rainfall", reply_to=reply_to)
    assert "not in the articles I have" in outside
    anywhere = await chat.say("/ask monsoon rainfall")
    assert "https://example.net/monsoon" in anywhere
    async with uow_factory() as uow:
        channel = await uow.channels.get_or_create("telegram", chat.chat_id)
        assert channel.id is not None
        turns = await uow.conversations.recent(channel.id, None, limit=10)
    assert any(t.digest_id is not None for t in turns)
