"""Fake Telegram and Slack servers, and adapters pointed at them with pacing out of the way.

Pacing has its own tests; elsewhere a generous pacer keeps the tests fast while the fakes
still enforce their (equally generous) limits.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.adapters.pacing import Pacer, PacingPolicy, Rate
from bot.adapters.slack import SlackAdapter
from bot.adapters.telegram import TelegramAdapter
from tests.fakes.slack_server import FakeSlackServer, SlackLimits
from tests.fakes.telegram_server import FakeTelegramServer, TelegramLimits

TELEGRAM_TOKEN = "7012345678:AAF-test_token_for_the_fake_server_only"
SLACK_TOKEN = "xoxb-1234-5678-faketokenforthefakeserver"
FAST = Rate(100, 1.0)


def fast_pacer() -> Pacer:
    return Pacer(PacingPolicy(per_chat=FAST, overall=FAST, per_group=FAST))


@pytest.fixture
async def telegram_fake() -> AsyncIterator[FakeTelegramServer]:
    limits = TelegramLimits(overall=FAST, per_chat=FAST, per_group=FAST)
    async with FakeTelegramServer(TELEGRAM_TOKEN, limits=limits) as fake:
        yield fake


@pytest.fixture
async def telegram(telegram_fake: FakeTelegramServer) -> AsyncIterator[TelegramAdapter]:
    adapter = TelegramAdapter(TELEGRAM_TOKEN, base_url=telegram_fake.base_url, pacer=fast_pacer())
    yield adapter
    await adapter.aclose()


@pytest.fixture
async def slack_fake() -> AsyncIterator[FakeSlackServer]:
    async with FakeSlackServer(SLACK_TOKEN, limits=SlackLimits(per_channel=FAST)) as fake:
        yield fake


@pytest.fixture
async def slack(slack_fake: FakeSlackServer) -> AsyncIterator[SlackAdapter]:
    adapter = SlackAdapter(SLACK_TOKEN, base_url=slack_fake.base_url, pacer=fast_pacer())
    yield adapter
    await adapter.aclose()
