"""👍/👎 end to end: a digest is posted with buttons, presses are recorded and acknowledged
to the voter alone, and the chat's next digest is ordered by its votes, on both platforms.

Each test runs one news day for two chats that follow the same outlets: one votes, the other
does not, so the second digest's order with and without votes is compared side by side.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.base import ChatAdapter
from bot.adapters.pacing import Pacer, PacingPolicy, Rate
from bot.adapters.slack import SlackAdapter
from bot.adapters.telegram import TelegramAdapter
from bot.adapters.telegram_updates import TelegramUpdates
from bot.commands.registry import all_commands
from bot.commands.router import CommandRouter
from bot.domain.channels import Channel
from bot.domain.languages import Lang
from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.sources import Source
from bot.services.publish import DigestMaker, publish
from tests.adapters import slack_recorded as recorded
from tests.commands.offline import offline_deps, offline_maker
from tests.commands.slack_workspace import CHANNEL, MEMBER, SLACK_TOKEN, Workspace
from tests.fakes.slack_server import SlackPost
from tests.fakes.telegram_server import FakeTelegramServer, SentMessage, TelegramLimits
from tests.services.newsday import OutletReader, Report, add_outlets, poll, singles

TOKEN = "7012345678:AAF-vote_tests_token_for_the_fake_only"
FAST = Rate(200, 1.0)
#: The voting chat and the one that does not vote.
VOTER, CONTROL = "4321", "8765"
#: The first digest goes out 13 hours ago, the second one now (votes are cast in between).
NOW = datetime.now(UTC).replace(microsecond=0)
FIRST, SECOND = NOW - timedelta(hours=13), NOW


@dataclass
class NewsDay:
    """Two outlets and the digests of two chats on one platform."""

    uow_factory: UnitOfWorkFactory
    maker: DigestMaker
    reader: OutletReader
    sources: dict[str, Source]
    chats: list[Channel]
    stories: Iterator[Report] = field(default_factory=lambda: iter(singles(4, lang="en")))

    async def report(self, at: datetime, alpha_hours_ago: float, beta_hours_ago: float) -> None:
        """One new, unrelated story from each outlet, seen that long before `at`."""
        for outlet, hours in (("alpha", alpha_hours_ago), ("beta", beta_hours_ago)):
            story = next(self.stories)
            self.reader.publish(
                f"https://{outlet}.example/feed", [(story, at - timedelta(hours=hours))]
            )
        await poll(self.uow_factory, self.reader, self.sources, at)

    async def digest(self, adapter: ChatAdapter, at: datetime) -> None:
        """Every chat's digest of the last 24 hours, delivered."""
        targets: list[tuple[Channel, list[Lang]]] = [(chat, ["en"]) for chat in self.chats]
        adapters: dict[str, ChatAdapter] = {adapter.platform: adapter}
        report = await publish(self.uow_factory, self.maker, adapters, targets, now=at)
        assert report.delivery.sent == len(self.chats) and not report.delivery.failed


async def _news_day(uow_factory: UnitOfWorkFactory, platform: str, addresses: list[str]) -> NewsDay:
    sources = await add_outlets(uow_factory, ["alpha.example", "beta.example"])
    async with uow_factory() as uow:
        chats = []
        for address in addresses:
            chat = await uow.channels.get_or_create(platform, address)
            chat.language = "en"
            await uow.channels.update(chat)
            chats.append(chat)
        await uow.commit()
    return NewsDay(uow_factory, offline_maker(), OutletReader(), sources, chats)


def _outlets(links: list[tuple[str, str]]) -> list[str]:
    """The outlets of a digest's items, in order (each item links its one report)."""
    return [url.split("/")[2] for _, url in links]


async def _until(condition: Callable[[], object], timeout: float = 10) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


@pytest.fixture
async def telegram_chat(
    uow_factory: UnitOfWorkFactory,
) -> AsyncIterator[tuple[FakeTelegramServer, TelegramAdapter]]:
    """A Telegram bot long-polling the fake, with the real router behind it."""
    limits = TelegramLimits(overall=FAST, per_chat=FAST, per_group=FAST)
    async with FakeTelegramServer(TOKEN, limits=limits) as fake:
        pacer = Pacer(PacingPolicy(per_chat=FAST, overall=FAST, per_group=FAST))
        telegram = TelegramAdapter(TOKEN, base_url=fake.base_url, pacer=pacer)
        deps = offline_deps(uow_factory, OutletReader(), {"telegram": telegram})
        updates = TelegramUpdates(telegram.bot, CommandRouter(deps, all_commands()), poll_timeout=1)
        stop = asyncio.Event()
        polling = asyncio.create_task(updates.run_polling(stop))
        yield fake, telegram
        stop.set()
        await asyncio.wait_for(polling, 5)
        await telegram.aclose()


async def _press(fake: FakeTelegramServer, message: SentMessage, label: str) -> str:
    """Press the button with this label under the message; the answer the presser saw."""
    [data] = [d for row in message.buttons for text, d in row if text == label]
    fake.press_button(message, data)
    query = fake.last_query_id
    await _until(lambda: query in fake.press_answers)
    return fake.press_answers[query]


async def test_telegram_votes_reorder_the_next_digest_and_old_items_still_count(
    telegram_chat: tuple[FakeTelegramServer, TelegramAdapter], uow_factory: UnitOfWorkFactory
) -> None:
    fake, telegram = telegram_chat
    day = await _news_day(uow_factory, "telegram", [VOTER, CONTROL])
    await day.report(FIRST, alpha_hours_ago=1, beta_hours_ago=2)
    await day.digest(telegram, FIRST)
    [first] = fake.messages_to(VOTER)
    assert _outlets(first.links()) == ["alpha.example", "beta.example"]
    assert [label for row in first.buttons for label, _ in row] == ["1 👍", "1 👎", "2 👍", "2 👎"]

    down = await _press(fake, first, "1 👎")
    up = await _press(fake, first, "2 👍")
    changed = await _press(fake, first, "2 👎")
    again = await _press(fake, first, "2 👍")

    assert down.startswith("👎 noted") and up.startswith("👍 noted")
    assert changed.startswith("👎 noted") and again.startswith("👍 noted")
    assert len(fake.messages_to(VOTER)) == 1  # acknowledged to the voter alone
    await day.report(SECOND, alpha_hours_ago=1, beta_hours_ago=3)
    await day.digest(telegram, SECOND)

    [_, voted] = fake.messages_to(VOTER)
    [_, unvoted] = fake.messages_to(CONTROL)
    assert _outlets(unvoted.links()) == ["alpha.example", "beta.example"]
    assert _outlets(voted.links()) == ["beta.example", "alpha.example"]

    late = await _press(fake, first, "1 👍")
    assert late.startswith("👍 noted") and "older digest" in late
    async with uow_factory() as uow:
        item_ids = [int(d.split()[1]) for row in first.buttons for _, d in row[:1]]
        counts = await uow.votes.counts(day.chats[0].id or 0, item_ids)
    assert counts == {item_ids[0]: (1, 0), item_ids[1]: (1, 0)}


async def test_a_vote_on_an_item_the_chat_never_got_gets_a_reason_and_changes_nothing(
    telegram_chat: tuple[FakeTelegramServer, TelegramAdapter], uow_factory: UnitOfWorkFactory
) -> None:
    fake, _ = telegram_chat
    fake.push_message(int(VOTER), "/vote 99999 up")
    await _until(lambda: fake.messages_to(VOTER))
    fake.push_message(int(VOTER), "/vote twelve")
    await _until(lambda: len(fake.messages_to(VOTER)) == 2)

    unknown, malformed = (m.plain for m in fake.messages_to(VOTER))
    assert "No item #99999 in this chat's digests" in unknown
    assert "needs an item number and up or down" in malformed and "/vote 12 up" in malformed
    async with uow_factory() as uow:
        assert await uow.votes.counts(1, [99999]) == {}


async def test_slack_votes_reorder_the_next_digest_and_are_acknowledged_ephemerally(
    workspace: Workspace, uow_factory: UnitOfWorkFactory
) -> None:
    slack = SlackAdapter(
        SLACK_TOKEN, base_url=workspace.fake.base_url, pacer=Pacer(PacingPolicy(per_chat=FAST))
    )
    day = await _news_day(uow_factory, "slack", [CHANNEL, "C0QUIET"])
    await day.report(FIRST, alpha_hours_ago=1, beta_hours_ago=2)
    await day.digest(slack, FIRST)
    [first] = workspace.fake.posts_to(CHANNEL)
    assert _outlets(first.links()) == ["alpha.example", "beta.example"]
    clicks = itertools.count(1)

    async def click(post: SlackPost, item: int, thumb: str) -> str:
        actions = [b for b in post.blocks if b["type"] == "actions"][item - 1]
        [value] = [e["value"] for e in actions["elements"] if e["text"]["text"] == thumb]
        payload = recorded.block_actions(value)
        payload["container"] = {"type": "message", "message_ts": post.ts, "channel_id": CHANNEL}
        payload["actions"][0] |= {"action_ts": f"1767300000.{next(clicks):06d}", "value": value}
        seen = len(workspace.fake.ephemerals)
        await workspace.fake.wait_for_ack(workspace.fake.push_envelope("interactive", payload))
        await _until(lambda: len(workspace.fake.ephemerals) > seen)
        channel, user, text = workspace.fake.ephemerals[-1]
        assert (channel, user) == (CHANNEL, MEMBER)
        return text

    assert (await click(first, 1, "👎")).startswith("👎 noted")
    assert (await click(first, 2, "👍")).startswith("👍 noted")
    assert len(workspace.fake.posts_to(CHANNEL)) == 1  # nothing posted for everyone
    await day.report(SECOND, alpha_hours_ago=1, beta_hours_ago=3)
    await day.digest(slack, SECOND)

    assert _outlets(workspace.fake.posts_to("C0QUIET")[-1].links()) == [
        "alpha.example",
        "beta.example",
    ]
    assert _outlets(workspace.fake.posts_to(CHANNEL)[-1].links()) == [
        "beta.example",
        "alpha.example",
    ]
    assert "older digest" in await click(first, 2, "👍")
    await slack.aclose()
