"""`why`, replied to a digest, says why each story was shown to this chat."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.votes import vote_command
from tests.commands.conftest import ADMIN, Chat
from tests.commands.feeds import report, serve_feed
from tests.commands.test_channel_sources import _ingest
from tests.commands.test_topics import _news
from tests.fakes.web_server import FakeWebServer


async def test_why_names_the_outlets_the_topic_and_the_sources_weight(
    chat: Chat, web: FakeWebServer, uow_factory: UnitOfWorkFactory
) -> None:
    await _news(web, uow_factory)
    group = Chat(chat.router, chat.fake, chat_id="-1201")
    await group.say("/lang en")
    url = serve_feed(
        web, "/own.xml", [report("gukesh-carlsen-norway-chess.en")], newest=datetime.now(UTC)
    )
    added = await group.say(f"/addsource {url} ChessDesk", user=ADMIN)
    own_id = int(added.split("Added source ")[1].split(" ")[0])
    await group.say(f"/sourcepriority {own_id} 2", user=ADMIN)
    await group.say("/topics add Gukesh", user=ADMIN)
    await _ingest(uow_factory)
    await group.say("/digest size 3", user=ADMIN)
    await group.say("/digest")
    digest = chat.fake.messages_to("-1201")[-1]

    explained = await group.say("why", reply_to=str(digest.message_id))

    lines = explained.splitlines()
    assert lines[0] == "Why these stories:"
    assert lines[1].startswith("1. ")
    assert "reported by 1 outlet (127.0.0.1" in lines[1]
    assert "your topic: Gukesh" in lines[1]
    assert "sources: ChessDesk (this chat's, priority +2)" in lines[1]
    assert "sources: Mix (shared)" in lines[2]
    only_two = await group.say("why 2", reply_to=str(digest.message_id))
    assert only_two.splitlines()[1].startswith("2. ") and len(only_two.splitlines()) == 2
    assert "That digest has no story 9" in await group.say("why 9", reply_to=str(digest.message_id))
    assert "Reply why to one of my digests" in await group.say("/why")
    # A question that starts with "why" is still a question.
    asked = await group.say("why did Tesla open a showroom?", reply_to=str(digest.message_id))
    assert "Why these stories" not in asked


async def test_why_names_the_votes_that_weigh_a_story(
    chat: Chat, web: FakeWebServer, uow_factory: UnitOfWorkFactory
) -> None:
    await _news(web, uow_factory)
    group = Chat(chat.router, chat.fake, chat_id="-1202")
    await group.say("/lang en")
    await group.say("/digest size 2", user=ADMIN)
    await group.say("/digest")
    digest = chat.fake.messages_to("-1202")[-1]
    async with uow_factory() as uow:
        channel = await uow.channels.get_or_create("telegram", "-1202")
        assert channel.id is not None
        digest_id = await uow.deliveries.digest_for_message(channel.id, str(digest.message_id))
        stored = await uow.digests.get(digest_id or 0)
    assert stored is not None and stored.items[0].id is not None
    await group.say(vote_command(stored.items[0].id, 1))

    explained = (await group.say("why 1", reply_to=str(digest.message_id))).splitlines()

    assert "this chat's votes weigh it ×1." in explained[1]
    assert f"👍 “{stored.items[0].headline[:60]}”" in explained[1]
