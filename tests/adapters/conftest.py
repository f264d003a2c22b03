"""Fake Telegram and Slack servers, and adapters pointed at them with pacing out of the way.

Pacing has its own tests; elsewhere a generous pacer keeps the tests fast while the fakes
still enforce their (equally generous) limits.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.adapters.slack import SlackAdapter
from tests.conftest import FAST, fast_pacer
from tests.fakes.slack_server import FakeSlackServer, SlackLimits

SLACK_TOKEN = "xoxb-1234-5678-faketokenforthefakeserver"


@pytest.fixture
async def slack_fake() -> AsyncIterator[FakeSlackServer]:
    async with FakeSlackServer(SLACK_TOKEN, limits=SlackLimits(per_channel=FAST)) as fake:
        yield fake


@pytest.fixture
async def slack(slack_fake: FakeSlackServer) -> AsyncIterator[SlackAdapter]:
    adapter = SlackAdapter(SLACK_TOKEN, base_url=slack_fake.base_url, pacer=fast_pacer())
    yield adapter
    await adapter.aclose()
