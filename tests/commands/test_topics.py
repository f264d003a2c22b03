"""A chat's topics put their stories first, mutes remove stories, in Hindi and English.

The stories are real-style reports from one shared feed on the fake web server, ingested
by the real reader; each chat asks for a digest through the real router and the fake
Telegram server. A chat of one story per digest shows what ranks first for it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.sources import Source
from bot.domain.topics import MAX_TOPICS
from tests.commands.conftest import ADMIN, Chat
from tests.commands.feeds import report, serve_feed
from tests.commands.test_channel_sources import _ingest
from tests.fakes.web_server import FakeWebServer

#: Newest first: the Hindi reports are the oldest, so no plain ranking puts them first.
FEED = (
    "tesla-mumbai-showroom.en",
    "toyota-recall.en",
    "fed-holds-rates.en",
    "gold-record-high.en",
    "isro-eos09-launch.hi",
    "mandhana-southampton-century.hi",
)
TITLES = {r: report(r).title for r in FEED}


async def _news(web: FakeWebServer, uow_factory: UnitOfWorkFactory) -> None:
    url = serve_feed(web, "/mix.xml", [report(r) for r in FEED], newest=datetime.now(UTC))
    async with uow_factory() as uow:
        await uow.sources.add(Source(url=url, name="Mix"))
        await uow.commit()
    await _ingest(uow_factory)


async def _first_story(chat: Chat) -> str:
    """The report whose title leads the chat's next one-story digest."""
    digest = await chat.say("/digest")
    found = [(digest.find(title[:40]), r) for r, title in TITLES.items() if title[:40] in digest]
    assert found, digest
    return min(found)[1]


async def _one_story_chat(chat: Chat, chat_id: str, lang: str = "en") -> Chat:
    other = Chat(chat.router, chat.fake, chat_id=chat_id)
    await other.say(f"/lang {lang}")
    await other.say("/digest size 1", user=ADMIN)
    return other


async def test_a_hindi_topic_puts_a_hindi_story_first(
    chat: Chat, web: FakeWebServer, uow_factory: UnitOfWorkFactory
) -> None:
    await _news(web, uow_factory)
    plain = await _one_story_chat(chat, "601", "hi")
    topical = await _one_story_chat(chat, "602", "hi")

    added = await topical.say("/topics add इसरो")
    assert "इसरो" in added

    assert await _first_story(plain) == "tesla-mumbai-showroom.en"
    assert await _first_story(topical) == "isro-eos09-launch.hi"


async def test_an_english_topic_finds_its_name_written_in_devanagari(
    chat: Chat, web: FakeWebServer, uow_factory: UnitOfWorkFactory
) -> None:
    await _news(web, uow_factory)
    topical = await _one_story_chat(chat, "603")
    await topical.say("/topics add Southampton")

    assert await _first_story(topical) == "mandhana-southampton-century.hi"


async def test_a_muted_story_is_absent_and_only_mode_shows_just_the_topics(
    chat: Chat, web: FakeWebServer, uow_factory: UnitOfWorkFactory
) -> None:
    await _news(web, uow_factory)
    muted = Chat(chat.router, chat.fake, chat_id="604")
    await muted.say("/lang en")
    assert "will not be shown" in await muted.say("/mute Tesla")
    digest = await muted.say("/digest")
    assert TITLES["toyota-recall.en"][:40] in digest
    assert "Tesla" not in digest

    only = Chat(chat.router, chat.fake, chat_id="605")
    await only.say("/lang en")
    assert "Add a topic first" in await only.say("/topics only on")
    await only.say("/topics add Federal Reserve")
    assert "only stories of your topics" in await only.say("/topics only on")
    listing = await only.say("/topics")
    assert (
        "Topics (shown first): Federal Reserve" in listing and "Only topics' stories: on" in listing
    )
    digest = await only.say("/digest")
    assert TITLES["fed-holds-rates.en"][:40] in digest
    assert "Toyota" not in digest and "Tesla" not in digest


async def test_topics_are_for_admins_in_groups_and_bad_input_gets_a_reason(
    chat: Chat, uow_factory: UnitOfWorkFactory
) -> None:
    group = Chat(chat.router, chat.fake, chat_id="-1009")
    await group.say("/lang en")
    refused = await group.say("/topics add budget")
    assert "In a group only admins can use /topics" in refused
    assert "Added topic 'budget'" in await group.say("/topics add budget", user=ADMIN)

    too_long = await group.say("/topics add " + "x" * 500, user=ADMIN)
    assert "at most 100 characters (this one has 500)" in too_long
    assert "Example: /topics add DeepSeek" in too_long
    assert "is not a topic of this chat" in await group.say("/topics remove cricket", user=ADMIN)
    assert "Write /topics" in await group.say("/topics frobnicate", user=ADMIN)

    for n in range(MAX_TOPICS - 1):
        await group.say(f"/mute word{n}", user=ADMIN)
    full = await group.say("/mute onemore", user=ADMIN)
    assert f"already has {MAX_TOPICS} topics and mutes" in full
    assert "no longer muted" in await group.say("/unmute WORD3", user=ADMIN)
    async with uow_factory() as uow:
        channel = await uow.channels.get_or_create("telegram", "-1009")
        assert channel.id is not None
        stored = (await uow.topics.of_channels([channel.id]))[channel.id]
        audit = await uow.audit.recent(limit=1)
    assert len(stored) == MAX_TOPICS - 1
    assert audit[0].action == "unmute" and "WORD3" in audit[0].detail
