"""Buttons under a reply: pressing one does what typing its command does, on both platforms."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.adapters.pacing import Pacer, PacingPolicy, Rate
from bot.adapters.telegram import TelegramAdapter
from bot.adapters.telegram_updates import TelegramUpdates
from bot.commands.registry import all_commands
from bot.commands.router import CommandRouter
from bot.domain.repositories import UnitOfWorkFactory
from bot.sources.reader import WebSourceReader
from tests.adapters import slack_recorded as recorded
from tests.commands.offline import offline_deps
from tests.commands.slack_workspace import CHANNEL, Workspace
from tests.fakes.telegram_server import FakeTelegramServer, TelegramLimits

TOKEN = "7012345678:AAF-button_tests_token_for_the_fake_only"
CHAT = 4321
FAST = Rate(200, 1.0)


@pytest.fixture
async def polled(uow_factory: UnitOfWorkFactory) -> AsyncIterator[FakeTelegramServer]:
    limits = TelegramLimits(overall=FAST, per_chat=FAST, per_group=FAST)
    async with FakeTelegramServer(TOKEN, limits=limits) as fake:
        pacer = Pacer(PacingPolicy(per_chat=FAST, overall=FAST, per_group=FAST))
        telegram = TelegramAdapter(TOKEN, base_url=fake.base_url, pacer=pacer)
        reader = WebSourceReader()
        deps = offline_deps(uow_factory, reader, {"telegram": telegram})
        updates = TelegramUpdates(telegram.bot, CommandRouter(deps, all_commands()), poll_timeout=1)
        stop = asyncio.Event()
        polling = asyncio.create_task(updates.run_polling(stop))
        yield fake
        stop.set()
        await asyncio.wait_for(polling, 5)
        await telegram.aclose()
        await reader.aclose()


async def _replies(fake: FakeTelegramServer, count: int) -> None:
    async with asyncio.timeout(10):
        while len(fake.messages_to(CHAT)) < count:
            await asyncio.sleep(0.02)


async def test_a_telegram_button_press_runs_its_command_and_stops_the_spinner(
    polled: FakeTelegramServer, uow_factory: UnitOfWorkFactory
) -> None:
    polled.push_message(CHAT, "/start")
    await _replies(polled, 1)
    welcome = polled.messages_to(CHAT)[0]
    labels = [label for row in welcome.buttons for label, _ in row]
    assert len(labels) == 3 and "Digests in English" in labels[1]

    polled.press_button(welcome, "/subscribe en")
    await _replies(polled, 2)

    assert "Subscribed (en, daily 08:00)" in polled.messages_to(CHAT)[1].plain
    async with asyncio.timeout(5):
        while not polled.answered_presses:
            await asyncio.sleep(0.02)
    async with uow_factory() as uow:
        channel = await uow.channels.get_or_create("telegram", str(CHAT))
        assert channel.id is not None
        sub = await uow.channels.get_subscription(channel.id)
    assert sub is not None and sub.languages == "en"


async def test_a_slack_button_click_runs_its_command(
    workspace: Workspace,
) -> None:
    welcome = await workspace.say("/digest start")
    actions = [b for b in welcome.blocks if b["type"] == "actions"]
    values = [e["value"] for e in actions[0]["elements"]]
    assert values == ["/subscribe hi", "/subscribe en", "/subscribe both"]

    before = len(workspace.fake.posts_to(CHANNEL))
    click = recorded.block_actions("/subscribe en")
    click["container"] = {"type": "message", "message_ts": welcome.ts, "channel_id": CHANNEL}
    envelope = workspace.fake.push_envelope("interactive", click)
    await workspace.fake.wait_for_ack(envelope)
    async with asyncio.timeout(10):
        while len(workspace.fake.posts_to(CHANNEL)) <= before:
            await asyncio.sleep(0.02)

    assert "Subscribed (en, daily 08:00)" in workspace.fake.posts_to(CHANNEL)[-1].text
