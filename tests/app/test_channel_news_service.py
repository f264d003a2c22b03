"""`digestbot run` keeps each chat's sources to itself: a real service process, a Telegram
group and a Slack channel on the fakes, feeds on the fake web server, polled by the service.

The group adds a feed; the service polls it; the Slack channel neither lists it, nor gets its
stories in a digest, nor finds them with `ask`. A shared source reaches both.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.adapters import slack_recorded as recorded
from tests.app.test_listening import _eventually, _start_service
from tests.commands.feeds import report, serve_feed
from tests.fakes.slack_server import FakeSlackServer, SlackLimits
from tests.fakes.telegram_server import FakeTelegramServer
from tests.fakes.web_server import FakeWebServer

TELEGRAM_TOKEN = "7012345678:AAF-channel_news_service_token_fake"
SLACK_TOKEN = "xoxb-channel-news-service-token"
GROUP, ADMIN = -100888, 3003
SLACK_CHANNEL = "C0NEWS"


def _stored_articles(database: Path) -> int:
    """How many articles the service has stored, read as another process would."""
    with closing(sqlite3.connect(database, timeout=5)) as db:
        (count,) = db.execute("SELECT count(*) FROM articles").fetchone()
    return int(count)


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeTelegramServer, FakeSlackServer, FakeWebServer]]:
    web = FakeWebServer()
    await web.start()
    try:
        async with (
            FakeTelegramServer(TELEGRAM_TOKEN) as telegram,
            FakeSlackServer(
                SLACK_TOKEN, app_token=recorded.APP_TOKEN, limits=SlackLimits(per_channel=None)
            ) as slack,
        ):
            yield telegram, slack, web
    finally:
        await web.stop()


async def test_the_service_keeps_a_groups_source_from_a_slack_channel(
    fakes: tuple[FakeTelegramServer, FakeSlackServer, FakeWebServer], tmp_path: Path
) -> None:
    telegram, slack, web = fakes
    now = datetime.now(UTC)
    own = serve_feed(web, "/own.xml", [report("isro-eos09-launch.en")], newest=now)
    shared = serve_feed(web, "/wire.xml", [report("toyota-recall.en")], newest=now)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SLACK_"))}
    env |= {
        "DIGESTBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "DIGESTBOT_ALLOW_PRIVATE_URLS": "true",
        "DIGESTBOT_ACCESS": "open",
        "DIGESTBOT_ADMINS": f"telegram:{ADMIN}",
        "DIGESTBOT_TICKS": "ingest=0.5,digests=1,deliveries=0.5,prepare=30",
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_API_BASE_URL": telegram.base_url,
        "SLACK_BOT_TOKEN": SLACK_TOKEN,
        "SLACK_APP_TOKEN": recorded.APP_TOKEN,
        "SLACK_API_BASE_URL": slack.base_url,
    }
    process, _, _ = await _start_service(env, tmp_path)
    try:
        add = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "source",
            "add",
            shared,
            "--name",
            "Wire",
            env=env,
            cwd=tmp_path,
        )
        assert await add.wait() == 0

        async def group_says(text: str) -> str:
            before = len(telegram.messages_to(GROUP))
            telegram.push_message(GROUP, text, user_id=ADMIN, chat_type="supergroup")
            await _eventually(lambda: len(telegram.messages_to(GROUP)) > before, text)
            return telegram.messages_to(GROUP)[-1].plain

        triggers = itertools.count(1)

        async def slack_says(text: str) -> str:
            before = len(slack.posts_to(SLACK_CHANNEL))
            command = recorded.slash_command(text) | {"trigger_id": f"trigger-{next(triggers)}"}
            envelope = slack.push_envelope("slash_commands", command)
            await slack.wait_for_ack(envelope, timeout=20)
            await _eventually(lambda: len(slack.posts_to(SLACK_CHANNEL)) > before, text)
            return slack.posts_to(SLACK_CHANNEL)[-1].text

        await group_says("/lang en")
        await slack_says("lang en")
        assert "Added source" in await group_says(f"/addsource {own} Alpha")
        await _eventually(
            lambda: _stored_articles(tmp_path / "bot.db") >= 2,
            "the service never stored the feeds' articles",
            timeout=30,
        )

        assert "Alpha (this chat's)" in await group_says("/sources")
        listed = await slack_says("sources")
        assert "Wire (shared)" in listed and "Alpha" not in listed
        slack_digest = await slack_says("digest")
        assert "Toyota" in slack_digest and "ISRO" not in slack_digest
        asked = await slack_says("ask Where did ISRO launch EOS-09 from?")
        assert asked.startswith("That is not in the articles I have")
        assert "ISRO" in await group_says("/digest")
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
