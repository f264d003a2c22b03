"""The same conversations on Slack: `/digest <sub>` and thread replies over Socket Mode.

Envelopes come from the fake Slack's websocket, replies go out through the real slack_sdk
client to the fake Web API, and admins are Slack's own (users.info) as in production.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from bot.adapters.pacing import Pacer, PacingPolicy, Rate
from bot.adapters.platform_admins import SlackWorkspaceAdmins
from bot.adapters.slack import SlackAdapter
from bot.adapters.slack_events import SlackSocketMode
from bot.commands.deps import CommandDeps
from bot.commands.registry import all_commands
from bot.commands.router import CommandRouter
from bot.demo_data import SAMPLE_FEED
from bot.digest.compose import OfflineDigestComposer
from bot.domain.repositories import UnitOfWorkFactory
from bot.services.ingest import ingest_due
from bot.services.publish import DigestMaker
from bot.sources.reader import WebSourceReader
from bot.summarize.offline import ExtractiveSummarizer
from tests.adapters import slack_recorded as recorded
from tests.fakes.slack_server import FakeSlackServer, SlackLimits, SlackPost
from tests.fakes.web_server import FakeWebServer

TOKEN = "xoxb-slack-transcripts-token"
CHANNEL = "C0NEWS"
MEMBER, ADMIN = "U0ASHA", "U0BOSS"
FAST = Rate(500, 1.0)


@dataclass
class Workspace:
    """One Slack channel as a transcript: `await ws.say("/digest help")` returns the reply."""

    fake: FakeSlackServer
    socket: SlackSocketMode
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def say(
        self, text: str, *, user: str = MEMBER, thread: SlackPost | None = None
    ) -> SlackPost:
        before = len(self.fake.posts_to(CHANNEL))
        n = next(self._ids)
        if thread is None:
            command = recorded.slash_command(text.removeprefix("/digest").strip())
            command |= {"user_id": user, "trigger_id": f"trigger-{n}"}
            envelope = self.fake.push_envelope("slash_commands", command)
        else:
            event = {
                "type": "message",
                "user": user,
                "text": text,
                "ts": f"1767300000.{n:06d}",
                "thread_ts": thread.ts,
                "parent_user_id": recorded.BOT_USER,
                "channel": CHANNEL,
                "channel_type": "channel",
            }
            body = recorded.event_callback(event, event_id=f"Ev{n:04d}")
            envelope = self.fake.push_envelope("events_api", body)
        await self.fake.wait_for_ack(envelope)
        async with asyncio.timeout(10):
            while len(self.fake.posts_to(CHANNEL)) <= before:
                await asyncio.sleep(0.02)
        await self.socket.dispatch.drain()
        return self.fake.posts_to(CHANNEL)[-1]


@pytest.fixture
async def workspace(uow_factory: UnitOfWorkFactory) -> AsyncIterator[Workspace]:
    async with FakeSlackServer(
        TOKEN, app_token=recorded.APP_TOKEN, limits=SlackLimits(per_channel=None)
    ) as fake:
        fake.add_user(MEMBER, "asha")
        fake.add_user(ADMIN, "boss", is_admin=True)
        slack = SlackAdapter(
            TOKEN, base_url=fake.base_url, pacer=Pacer(PacingPolicy(per_chat=FAST))
        )
        reader = WebSourceReader(allow_private_urls=True)  # the feed is on 127.0.0.1
        summarizer = ExtractiveSummarizer()
        deps = CommandDeps(
            uow_factory=uow_factory,
            reader=reader,
            maker=DigestMaker(summarizer, summarizer, OfflineDigestComposer()),
            adapters={"slack": slack},
            platform_admins={"slack": SlackWorkspaceAdmins(slack.client)},
        )
        socket = SlackSocketMode(
            CommandRouter(deps, all_commands()),
            app_token=recorded.APP_TOKEN,
            web_client=slack.client,
            bot_user_id=recorded.BOT_USER,
        )
        stop = asyncio.Event()
        running = asyncio.create_task(socket.run(stop))
        yield Workspace(fake, socket)
        stop.set()
        await asyncio.wait_for(running, 5)
        await slack.aclose()
        await reader.aclose()


async def test_a_member_subscribes_sets_a_schedule_and_a_time_zone(
    workspace: Workspace, uow_factory: UnitOfWorkFactory
) -> None:
    assert "Language: en" in (await workspace.say("/digest lang en")).text
    assert "Subscribed (en, daily 08:00)" in (await workspace.say("/digest subscribe en")).text
    reply = await workspace.say("/digest timezone America/New_York")
    assert "Time zone: America/New_York" in reply.text
    reply = await workspace.say("/digest schedule weekdays 09:30")
    assert "Schedule: weekdays 09:30" in reply.text and "(America/New_York)" in reply.text
    async with uow_factory() as uow:
        channel = await uow.channels.get_or_create("slack", CHANNEL)
        assert channel.id is not None
        sub = await uow.channels.get_subscription(channel.id)
    assert sub is not None
    assert (sub.schedule, sub.timezone, sub.languages) == (
        "weekdays 09:30",
        "America/New_York",
        "en",
    )


async def test_addsource_is_for_workspace_admins_and_never_reaches_cloud_metadata(
    workspace: Workspace, uow_factory: UnitOfWorkFactory
) -> None:
    await workspace.say("/digest lang en")
    web = FakeWebServer()
    await web.start()
    try:
        web.serve("/feed.xml", SAMPLE_FEED.read_bytes(), content_type="application/rss+xml")
        refused = await workspace.say(f"/digest addsource {web.url('/feed.xml')}")
        assert "Only admins can use /addsource" in refused.text
        metadata = await workspace.say(
            "/digest addsource http://169.254.169.254/latest/meta-data/", user=ADMIN
        )
        assert "Not added" in metadata.text and "169.254.169.254" in metadata.text
        added = await workspace.say(f"/digest addsource {web.url('/feed.xml')} Sample", user=ADMIN)
    finally:
        await web.stop()
    assert "Only admins" not in added.text and "Not added" not in added.text
    async with uow_factory() as uow:
        sources = await uow.sources.list()
        audit = await uow.audit.recent()
    assert [s.name for s in sources] == ["Sample"]
    assert audit[0].action == "addsource" and audit[0].actor == f"slack:{ADMIN}"


async def test_a_follow_up_in_a_digests_thread_is_answered_in_the_thread_citing_it(
    workspace: Workspace, uow_factory: UnitOfWorkFactory
) -> None:
    await workspace.say("/digest lang en")
    web = FakeWebServer()
    await web.start()
    try:
        web.serve("/feed.xml", SAMPLE_FEED.read_bytes(), content_type="application/rss+xml")
        await workspace.say(f"/digest addsource {web.url('/feed.xml')}", user=ADMIN)
        reader = WebSourceReader(allow_private_urls=True)
        await ingest_due(uow_factory, reader, now=datetime.now(UTC))
        await reader.aclose()
    finally:
        await web.stop()
    digest = await workspace.say("/digest digest")
    sources = {url for _, url in digest.links()}
    assert len(sources) == 5

    answer = await workspace.say("What did DeepSeek release?", thread=digest)

    assert answer.thread_ts == digest.ts
    assert "[1]" in answer.text and any(url in answer.text for url in sources)
    async with uow_factory() as uow:
        channel = await uow.channels.get_or_create("slack", CHANNEL)
        assert channel.id is not None
        turns = await uow.conversations.recent(channel.id, digest.ts, limit=5)
    assert [t.question for t in turns] == ["What did DeepSeek release?"]
    assert turns[0].digest_id is not None
