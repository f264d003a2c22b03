"""A Slack channel as a transcript: `/digest <sub>` and thread replies over Socket Mode.

Envelopes come from the fake Slack's websocket, replies go out through the real slack_sdk
client to the fake Web API, and admins are Slack's own (users.info) as in production.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field

from bot.adapters.slack_events import SlackSocketMode
from tests.adapters import slack_recorded as recorded
from tests.fakes.slack_server import FakeSlackServer, SlackPost

SLACK_TOKEN = "xoxb-slack-transcripts-token"
CHANNEL = "C0NEWS"
MEMBER, SLACK_ADMIN = "U0ASHA", "U0BOSS"


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
