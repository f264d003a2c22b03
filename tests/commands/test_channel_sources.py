"""Each chat reads its own sources and the shared ones it follows, on Telegram and Slack.

A Telegram group adds a feed; a Slack channel of the same bot never sees that source, in
`/sources`, its digest, `ask` or a follow-up in its digest's thread. A source the operator
added reaches both until one unfollows it. Everything goes through the real router, the
real reader polling the fake web server, and the fake Telegram and Slack servers.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime

from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.sources import Source
from bot.services.ingest import ingest_due
from bot.sources.reader import WebSourceReader
from tests.commands.conftest import ADMIN, Chat
from tests.commands.feeds import report, serve_feed
from tests.commands.slack_workspace import SLACK_ADMIN, Workspace
from tests.fakes.web_server import FakeWebServer

GROUP_A, GROUP_C = "-1001", "-1003"
OWN = ("isro-eos09-launch.en", "tesla-mumbai-showroom.en")
SHARED = ("toyota-recall.en", "fed-holds-rates.en")


async def _ingest(uow_factory: UnitOfWorkFactory) -> None:
    reader = WebSourceReader(allow_private_urls=True)
    try:
        await ingest_due(uow_factory, reader, now=datetime.now(UTC))
    finally:
        await reader.aclose()


async def _newsroom(web: FakeWebServer, uow_factory: UnitOfWorkFactory) -> tuple[str, Source]:
    """A feed for the group to add, and a shared source the operator added."""
    now = datetime.now(UTC)
    own_url = serve_feed(web, "/alpha.xml", [report(r) for r in OWN], newest=now)
    shared_url = serve_feed(web, "/wire.xml", [report(r) for r in SHARED], newest=now)
    async with uow_factory() as uow:
        shared = await uow.sources.add(Source(url=shared_url, name="Wire"))
        await uow.commit()
    return own_url, shared


async def test_a_source_added_in_one_chat_is_invisible_to_another_everywhere(
    chat: Chat, workspace: Workspace, web: FakeWebServer, uow_factory: UnitOfWorkFactory
) -> None:
    group = Chat(chat.router, chat.fake, chat_id=GROUP_A)
    own_url, shared = await _newsroom(web, uow_factory)
    await group.say("/lang en")
    await workspace.say("/digest lang en")
    added = await group.say(f"/addsource {own_url} Alpha", user=ADMIN)
    assert "Added source" in added
    own_id = int(added.split("Added source ")[1].split(" ")[0])
    await _ingest(uow_factory)

    listed_a = await group.say("/sources")
    listed_b = (await workspace.say("/digest sources")).text
    assert "Alpha (this chat's)" in listed_a and "Wire (shared)" in listed_a
    assert "Wire (shared)" in listed_b
    assert "Alpha" not in listed_b and "alpha.xml" not in listed_b

    digest_a = await group.say("/digest")
    digest_b = await workspace.say("/digest digest")
    assert "ISRO" in digest_a and "Toyota" in digest_a
    assert "Toyota" in digest_b.text and "Fed" in digest_b.text
    assert "ISRO" not in digest_b.text and "Tesla" not in digest_b.text
    assert not any("alpha" in url or "isro" in url for _, url in digest_b.links())

    assert "Sriharikota" in await group.say("/ask Where did ISRO launch EOS-09 from?")
    asked = await workspace.say("/digest ask Where did ISRO launch EOS-09 from?")
    followed_up = await workspace.say("Where did ISRO launch EOS-09 from?", thread=digest_b)
    for answer in (asked.text, followed_up.text):
        assert answer.startswith("That is not in the articles I have"), answer

    # The Slack channel cannot act on the group's source by number either.
    refused = await workspace.say(f"/digest removesource {own_id}", user=SLACK_ADMIN)
    assert f"This chat has no source {own_id}; see /sources" in refused.text
    assert "Example: /removesource" in refused.text
    async with uow_factory() as uow:
        assert (await uow.sources.get(own_id)) is not None
    assert shared.id is not None


async def test_a_shared_source_reaches_every_chat_until_one_unfollows_it(
    chat: Chat, workspace: Workspace, web: FakeWebServer, uow_factory: UnitOfWorkFactory
) -> None:
    _, shared = await _newsroom(web, uow_factory)
    await chat.say("/lang en")
    await workspace.say("/digest lang en")
    await _ingest(uow_factory)

    refused = await workspace.say(f"/digest unfollow {shared.id}")
    assert "Only admins can use /unfollow" in refused.text
    done = await workspace.say(f"/digest unfollow {shared.id}", user=SLACK_ADMIN)
    assert f"Source {shared.id} no longer reaches this chat" in done.text

    listed = (await workspace.say("/digest sources")).text
    assert "not followed here" in listed and f"{shared.id}. Wire" in listed
    assert "Nothing new" in (await workspace.say("/digest digest")).text
    assert "Toyota" in await chat.say("/digest")
    not_found = await workspace.say("/digest ask What did Toyota recall?")
    assert not_found.text.startswith("That is not in the articles I have")

    back = await workspace.say(f"/digest follow {shared.id}", user=SLACK_ADMIN)
    assert "follows source" in back.text and "again" in back.text
    assert "Toyota" in (await workspace.say("/digest digest")).text


async def test_two_chats_adding_one_url_share_its_fetch_and_keep_their_own_lists(
    chat: Chat, web: FakeWebServer, uow_factory: UnitOfWorkFactory
) -> None:
    first = Chat(chat.router, chat.fake, chat_id=GROUP_A)
    second = Chat(chat.router, chat.fake, chat_id=GROUP_C)
    own_url, _ = await _newsroom(web, uow_factory)
    for group in (first, second):
        await group.say("/lang en")
        assert "Added source" in await group.say(f"/addsource {own_url} Alpha", user=ADMIN)
    polls_before = sum(r.path == "/alpha.xml" for r in web.requests)
    await _ingest(uow_factory)

    assert sum(r.path == "/alpha.xml" for r in web.requests) == polls_before + 1
    async with uow_factory() as uow:
        sources = [s for s in await uow.sources.list() if s.url == own_url]
        stored = await uow.articles.list_since(datetime(2000, 1, 1, tzinfo=UTC))
    assert len(sources) == 1
    assert sum("ISRO" in a.title for a in stored) == 1
    source_id = sources[0].id

    assert f"Removed source {source_id}" in await second.say(
        f"/removesource {source_id}", user=ADMIN
    )
    assert "Alpha" not in await second.say("/sources")
    assert "Alpha (this chat's)" in await first.say("/sources")
    assert "ISRO" in await first.say("/digest")
    assert "ISRO" not in await second.say("/digest")
    async with uow_factory() as uow:
        source = await uow.sources.get(source_id or 0)
    assert source is not None and source.enabled


async def test_the_last_chat_removing_its_source_stops_the_polling_and_a_new_add_resumes_it(
    chat: Chat, web: FakeWebServer, uow_factory: UnitOfWorkFactory
) -> None:
    group = Chat(chat.router, chat.fake, chat_id=GROUP_A)
    own_url, _ = await _newsroom(web, uow_factory)
    await group.say("/lang en")
    await group.say(f"/addsource {own_url} Alpha", user=ADMIN)
    async with uow_factory() as uow:
        [source] = [s for s in await uow.sources.list() if s.url == own_url]
    await group.say(f"/removesource {source.id}", user=ADMIN)
    async with uow_factory() as uow:
        stopped = await uow.sources.get(source.id or 0)
    assert stopped is not None and not stopped.enabled

    assert "Added source" in await group.say(f"/addsource {own_url}", user=ADMIN)
    async with uow_factory() as uow:
        resumed = await uow.sources.get(source.id or 0)
    assert resumed is not None and resumed.enabled


async def test_shared_sources_are_the_operators_and_unknown_numbers_get_a_reason(
    chat: Chat, web: FakeWebServer, uow_factory: UnitOfWorkFactory
) -> None:
    group = Chat(chat.router, chat.fake, chat_id=GROUP_A)
    _, shared = await _newsroom(web, uow_factory)
    await group.say("/lang en")

    removing = await group.say(f"/removesource {shared.id}", user=ADMIN)
    assert f"Source {shared.id} is shared" in removing and f"/unfollow {shared.id}" in removing
    unknown = await group.say("/unfollow 99", user=ADMIN)
    assert "This chat has no source 99; see /sources." in unknown
    assert "Example: /unfollow 3" in unknown
    assert "Give the source number" in await group.say("/follow abc", user=ADMIN)
    async with uow_factory() as uow:
        kept = await uow.sources.get(shared.id or 0)
    assert kept is not None and kept.enabled


async def test_a_report_a_chats_own_source_brought_first_still_reaches_chats_of_the_wire(
    chat: Chat, workspace: Workspace, web: FakeWebServer, uow_factory: UnitOfWorkFactory
) -> None:
    group = Chat(chat.router, chat.fake, chat_id=GROUP_A)
    now = datetime.now(UTC)
    own_url = serve_feed(web, "/alpha.xml", [report(r) for r in OWN], newest=now)
    await group.say("/lang en")
    await workspace.say("/digest lang en")
    await group.say(f"/addsource {own_url} Alpha", user=ADMIN)
    await _ingest(uow_factory)  # the ISRO report is stored under the group's own source
    wire_url = serve_feed(web, "/wire.xml", [report(OWN[0]), report(SHARED[0])], newest=now)
    async with uow_factory() as uow:
        await uow.sources.add(Source(url=wire_url, name="Wire"))
        await uow.commit()
    await _ingest(uow_factory)

    digest = await workspace.say("/digest digest")
    assert "ISRO" in digest.text and "Toyota" in digest.text
    assert "Tesla" not in digest.text, "the group's own source still stays the group's"
    asked = await workspace.say("/digest ask Where did ISRO launch EOS-09 from?")
    assert "Sriharikota" in asked.text
    async with uow_factory() as uow:
        stored = await uow.articles.list_since(datetime(2000, 1, 1, tzinfo=UTC))
    assert sum("ISRO" in a.title for a in stored) == 1

    # `why` in another chat of the wire names the source it follows, not the group's.
    reader = Chat(chat.router, chat.fake, chat_id=GROUP_C)
    await reader.say("/lang en")
    assert "ISRO" in await reader.say("/digest")
    shown = chat.fake.messages_to(GROUP_C)[-1]
    isro = next(
        line
        for line in (await reader.say("why", reply_to=str(shown.message_id))).splitlines()
        if "ISRO" in line
    )
    assert "sources: Wire (shared)" in isro and "Alpha" not in isro
    assert "Sources 1, articles this week 2," in await reader.say("/stats", user=ADMIN)


async def _alpha_in_one_of_two_groups(
    chat: Chat, web: FakeWebServer, uow_factory: UnitOfWorkFactory
) -> tuple[Chat, Chat, int, str]:
    """Groups A and C reading English; A adds the Alpha feed: (A, C, Alpha's id, its URL)."""
    first = Chat(chat.router, chat.fake, chat_id=GROUP_A)
    second = Chat(chat.router, chat.fake, chat_id=GROUP_C)
    own_url, _ = await _newsroom(web, uow_factory)
    await first.say("/lang en")
    await second.say("/lang en")
    added = await first.say(f"/addsource {own_url} Alpha", user=ADMIN)
    return first, second, int(added.split("Added source ")[1].split(" ")[0]), own_url


async def test_a_chat_pauses_its_own_source_but_not_one_another_chat_added_too(
    chat: Chat, web: FakeWebServer, uow_factory: UnitOfWorkFactory
) -> None:
    first, second, source_id, own_url = await _alpha_in_one_of_two_groups(chat, web, uow_factory)

    assert f"Source {source_id} paused." in await first.say(f"/pausesource {source_id}", user=ADMIN)
    polls = sum(r.path == "/alpha.xml" for r in web.requests)
    await _ingest(uow_factory)
    assert sum(r.path == "/alpha.xml" for r in web.requests) == polls, "a paused source rests"
    assert f"Source {source_id} resumed." in await first.say(
        f"/resumesource {source_id}", user=ADMIN
    )

    await second.say(f"/addsource {own_url} Alpha", user=ADMIN)
    refused = await first.say(f"/pausesource {source_id}", user=ADMIN)
    assert f"Source {source_id} is also the own source of 1 other chat" in refused
    assert f"To stop it here: /removesource {source_id}" in refused
    polls = sum(r.path == "/alpha.xml" for r in web.requests)
    await _ingest(uow_factory)
    assert sum(r.path == "/alpha.xml" for r in web.requests) == polls + 1, "still polled"
    assert "ISRO" in await second.say("/digest")


async def test_the_operator_removing_a_chats_own_source_does_not_show_its_news_to_other_chats(
    chat: Chat, web: FakeWebServer, uow_factory: UnitOfWorkFactory, migrated_url: str
) -> None:
    group, other, source_id, _ = await _alpha_in_one_of_two_groups(chat, web, uow_factory)
    await _ingest(uow_factory)

    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGESTBOT_")}
    removing = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "source",
        "remove",
        str(source_id),
        env=env | {"DIGESTBOT_DATABASE_URL": migrated_url},
        stdout=asyncio.subprocess.PIPE,
    )
    said, _ = await removing.communicate()

    assert removing.returncode == 0, said
    assert f"source {source_id} was added in 1 chat: it no longer reaches them" in said.decode()
    assert "ISRO" not in await other.say("/digest")
    assert "ISRO" not in await group.say("/digest")
    assert "Alpha" not in await group.say("/sources")
    async with uow_factory() as uow:
        stopped = await uow.sources.get(source_id)
    assert stopped is not None and not stopped.enabled
