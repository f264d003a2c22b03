"""Fan-out at the platforms' speed limit: one digest to 1,000 Telegram chats and 100 Slack
channels, through the delivery ledger and the real adapters with their default pacing.

The fake Bot API and Web API enforce the published limits (Telegram: 30 messages a second
per bot, 1 a second per chat; Slack: 1 a second per channel) and answer 429 past them. The
theoretical minimum wall time is what those limits allow: Telegram's overall window admits
at most 30 messages in any second, so N messages take N / 30 seconds of capacity; a digest
in P parts also needs P - 1 seconds in each chat (and each Slack channel). The minimum is
the largest of these. The run is measured against it, with the 429s counted.

Usage:
    python -m bench fanout
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.harness import Section
from bot.adapters.base import ChatAdapter
from bot.adapters.render.slack_blocks import render_slack_messages
from bot.adapters.render.telegram_html import render_telegram_parts
from bot.adapters.slack import SlackAdapter
from bot.adapters.telegram import TelegramAdapter
from bot.domain.digests import Digest, DigestItem, SourceLink
from bot.domain.repositories import UnitOfWorkFactory
from bot.services.deliveries import deliver_due, enqueue
from storage.db import make_engine
from storage.migrate import upgrade_to_head
from storage.uow import make_uow_factory
from tests.fakes.slack_server import FakeSlackServer
from tests.fakes.telegram_server import FakeTelegramServer

TELEGRAM_CHATS = 1000
SLACK_CHANNELS = 100
TELEGRAM_RATE = 30.0  # messages per second per bot
CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "corpus" / "hi"
NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


@dataclass
class Result:
    """One fan-out run."""

    label: str
    telegram_parts: int
    slack_parts: int
    wall: float
    telegram_messages: int
    slack_messages: int
    too_many_requests: int
    sent: int
    failed: int

    @property
    def minimum(self) -> float:
        """The least wall time the limits allow, in seconds."""
        return max(
            self.telegram_messages / TELEGRAM_RATE,
            self.telegram_parts - 1.0,
            self.slack_parts - 1.0,
        )

    @property
    def strict_minimum(self) -> float:
        """The same under a sliding window: the last batch of 30 starts at whole seconds."""
        batches = -(-self.telegram_messages // int(TELEGRAM_RATE))
        return max(batches - 1.0, self.telegram_parts - 1.0, self.slack_parts - 1.0)


def digest(body_chars: int) -> Digest:
    """A Hindi digest of four stories from the real corpus; longer bodies make more parts."""
    texts = [" ".join(p.read_text(encoding="utf-8").split()) for p in sorted(CORPUS.glob("*.txt"))]
    return Digest(
        lang="hi",
        title="आज की ख़बरें",
        items=[
            DigestItem(
                headline=f"ख़बर {n}: {text[:60]}",
                body=text[:body_chars],
                links=[SourceLink(f"स्रोत {n}", f"https://example.in/{n}?a=1&b=2", article_id=n)],
                method="extract",
                article_ids=[n],
            )
            for n, text in enumerate(texts[:4], start=1)
        ],
        created_at=NOW,
    )


async def _fan_out(label: str, composed: Digest, token_tag: str) -> Result:
    telegram_token = f"70{token_tag}:AAF-bench_token_for_the_fake_server_only"
    slack_token = f"xoxb-bench-{token_tag}-fake"
    with tempfile.TemporaryDirectory() as work:
        url = f"sqlite:///{work}/fanout.db"
        await upgrade_to_head(url)
        engine = make_engine(url)
        uow_factory = make_uow_factory(engine)
        try:
            async with (
                FakeTelegramServer(telegram_token) as telegram_fake,
                FakeSlackServer(slack_token) as slack_fake,
            ):
                telegram = TelegramAdapter(telegram_token, base_url=telegram_fake.base_url)
                slack = SlackAdapter(slack_token, base_url=slack_fake.base_url)
                adapters: dict[str, ChatAdapter] = {"telegram": telegram, "slack": slack}
                await _enqueue_everyone(uow_factory, composed)
                started = time.perf_counter()
                report = await deliver_due(uow_factory, adapters, now=NOW)
                wall = time.perf_counter() - started
                await telegram.aclose()
        finally:
            await engine.dispose()
    return Result(
        label=label,
        telegram_parts=len(render_telegram_parts(composed)),
        slack_parts=len(render_slack_messages(composed)),
        wall=wall,
        telegram_messages=len(telegram_fake.messages),
        slack_messages=len(slack_fake.posts),
        too_many_requests=telegram_fake.too_many_requests + slack_fake.rate_limited,
        sent=report.sent,
        failed=report.failed + report.retrying,
    )


async def _enqueue_everyone(uow_factory: UnitOfWorkFactory, composed: Digest) -> None:
    """Channels in a mixed order (one Slack channel after every ten Telegram chats)."""
    async with uow_factory() as uow:
        stored = await uow.digests.add(composed)
        channel_ids = []
        for n in range(TELEGRAM_CHATS):
            channel = await uow.channels.get_or_create("telegram", str(100_000 + n))
            channel_ids.append(channel.id or 0)
            if n % 10 == 9:
                slack = await uow.channels.get_or_create("slack", f"C{n // 10:05d}")
                channel_ids.append(slack.id or 0)
        await uow.commit()
    assert stored.id is not None
    await enqueue(uow_factory, stored.id, channel_ids)


def run() -> list[Section]:
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    results = [
        asyncio.run(_fan_out("short digest (1 message each)", digest(300), "11")),
        asyncio.run(_fan_out("long digest (several messages each)", digest(1000), "12")),
    ]
    rows = [
        [
            r.label,
            f"{r.telegram_parts} / {r.slack_parts}",
            f"{r.telegram_messages:,} / {r.slack_messages:,}",
            f"{r.wall:.1f} s",
            f"{r.minimum:.1f} s",
            f"{r.wall / r.minimum:.3f}×",
            f"{r.wall / r.strict_minimum:.3f}×",
            str(r.too_many_requests),
            f"{r.sent:,} sent, {r.failed} not",
        ]
        for r in results
    ]
    return [
        Section(
            title="Fan-out at the platforms' limits (issue 5)",
            command="`make bench` (bench/fanout.py: `deliver_due` → Telegram and Slack adapters "
            "→ fakes enforcing 30 msg/s per bot and 1 msg/s per chat / channel)",
            header=[
                "digest",
                "parts (Telegram / Slack)",
                "messages (Telegram / Slack)",
                "wall time",
                "minimum (N / 30 s)",
                "wall / minimum",
                "wall / sliding-window minimum",
                "429s",
                "deliveries",
            ],
            rows=rows,
            notes=[
                f"{TELEGRAM_CHATS:,} Telegram chats and {SLACK_CHANNELS} Slack channels, one "
                "delivery each, through `deliver_due` with its defaults (batches of 100, 32 "
                "chats at a time) and the adapters' default pacers; SQLite ledger.",
                "Minimum: max(Telegram messages / 30, parts - 1): the overall Telegram limit "
                "dominates; Slack's 100 channels send in parallel at 1 msg/s each. The "
                "sliding-window minimum counts that the last group of 30 may start at "
                "ceil(N / 30) - 1 s.",
                "Wall time runs from the first claim to the last acknowledged message, fake "
                "servers in the same process (they share the event loop with the bot).",
            ],
        )
    ]
