"""A Slack channel as a transcript: `/digest <sub>` and thread replies over Socket Mode.

Envelopes come from the fake Slack's websocket, replies go out through the real slack_sdk
client to the fake Web API, and admins are Slack's own (users.info) as in production.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from bot.adapters.pacing import Pacer, PacingPolicy, Rate
from bot.adapters.platform_admins import SlackConnectChannels, SlackWorkspaceAdmins
from bot.adapters.slack import SlackAdapter
from bot.adapters.slack_events import SlackSocketMode
from bot.commands.registry import all_commands
from bot.commands.router import CommandRouter
from bot.domain.access import AccessPolicy
from bot.domain.repositories import UnitOfWorkFactory
from bot.sources.reader import WebSourceReader
from tests.adapters import slack_recorded as recorded
from tests.commands.offline import offline_deps
from tests.fakes.slack_server import FakeSlackServer, SlackLimits, SlackPost

SLACK_TOKEN = "xoxb-slack-transcripts-token"
CHANNEL = "C0NEWS"
MEMBER, SLACK_ADMIN = "U0ASHA", "U0BOSS"
FAST = Rate(200, 1.0)


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


@asynccontextmanager
async def slack_workspace(
    uow_factory: UnitOfWorkFactory,
    policy: AccessPolicy | None = None,
    *,
    admin_keys: frozenset[str] = frozenset(),
    workspace_admins: bool = False,
) -> AsyncIterator[Workspace]:
    """The bot in a fake Slack workspace over Socket Mode, with the real router.

    `policy` is the access policy (the production default when None); admins are
    `admin_keys`, and with `workspace_admins` also Slack's own (users.info).
    """
    async with FakeSlackServer(
        SLACK_TOKEN, app_token=recorded.APP_TOKEN, limits=SlackLimits(per_channel=None)
    ) as fake:
        fake.add_user(MEMBER, "asha")
        fake.add_user(SLACK_ADMIN, "boss", is_admin=True)
        slack = SlackAdapter(
            SLACK_TOKEN, base_url=fake.base_url, pacer=Pacer(PacingPolicy(per_chat=FAST))
        )
        reader = WebSourceReader(allow_private_urls=True)  # feeds are on 127.0.0.1
        deps = offline_deps(
            uow_factory,
            reader,
            {"slack": slack},
            admin_keys=admin_keys,
            platform_admins=(
                {"slack": SlackWorkspaceAdmins(slack.client)} if workspace_admins else {}
            ),
            external_chats={"slack": SlackConnectChannels(slack.client)},
            access=policy or AccessPolicy(),
        )
        socket = SlackSocketMode(
            CommandRouter(deps, all_commands()),
            app_token=recorded.APP_TOKEN,
            web_client=slack.client,
            bot_user_id=recorded.BOT_USER,
        )
        stop = asyncio.Event()
        running = asyncio.create_task(socket.run(stop))
        try:
            yield Workspace(fake, socket)
        finally:
            stop.set()
            await asyncio.wait_for(running, 5)
            await slack.aclose()
            await reader.aclose()
