"""The same conversations on Slack: `/digest <sub>` and thread replies over Socket Mode.

Envelopes come from the fake Slack's websocket, replies go out through the real slack_sdk
client to the fake Web API, and admins are Slack's own (users.info) as in production.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.demo_data import SAMPLE_FEED
from bot.domain.repositories import UnitOfWorkFactory
from bot.services.ingest import ingest_due
from bot.sources.reader import WebSourceReader
from tests.commands.slack_workspace import CHANNEL, Workspace
from tests.commands.slack_workspace import SLACK_ADMIN as ADMIN
from tests.fakes.web_server import FakeWebServer


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
