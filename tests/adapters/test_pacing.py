"""Pacing: bursts to one chat and to many chats reach the platform without a single 429.

The fakes enforce the same kind of limits as the platforms, configured with higher counts
so each burst takes about a second of real time.
"""

from __future__ import annotations

import asyncio
import time

from bot.adapters.pacing import Pacer, PacingPolicy, Rate
from bot.adapters.slack import SlackAdapter
from bot.adapters.telegram import TelegramAdapter
from bot.domain.channels import Channel
from bot.errors import DeliveryError
from tests.adapters.conftest import SLACK_TOKEN
from tests.conftest import TELEGRAM_TOKEN, fast_pacer
from tests.fakes.slack_server import FakeSlackServer, SlackLimits
from tests.fakes.telegram_server import FakeTelegramServer, TelegramLimits

TELEGRAM_LIMITS = TelegramLimits(
    overall=Rate(30, 1.0), per_chat=Rate(20, 1.0), per_group=Rate(4, 1.0)
)


# Generous, so a loaded test machine's request jitter cannot turn into a 429.
MARGIN = 0.2


def telegram_pacer() -> Pacer:
    return Pacer(
        PacingPolicy(
            overall=TELEGRAM_LIMITS.overall,
            per_chat=TELEGRAM_LIMITS.per_chat or Rate(1, 1.0),
            per_group=TELEGRAM_LIMITS.per_group,
        ),
        margin=MARGIN,
    )


async def test_a_pacer_spaces_one_chat_but_not_two_different_chats() -> None:
    pacer = Pacer(PacingPolicy(per_chat=Rate(2, 0.3)), margin=0)
    start = time.monotonic()
    for _ in range(2):
        await pacer.wait("a")
        await pacer.wait("b")
    assert time.monotonic() - start < 0.1
    await pacer.wait("a")
    assert time.monotonic() - start >= 0.3


async def test_adapters_with_one_token_share_one_pacer() -> None:
    first = TelegramAdapter(TELEGRAM_TOKEN, base_url="http://127.0.0.1:9/bot")
    second = TelegramAdapter(TELEGRAM_TOKEN, base_url="http://127.0.0.1:9/bot")
    other = TelegramAdapter("99:" + "x" * 35, base_url="http://127.0.0.1:9/bot")
    assert first.pacer is second.pacer
    assert other.pacer is not first.pacer
    for adapter in (first, second, other):
        await adapter.aclose()


async def test_a_burst_of_40_to_one_chat_and_to_40_chats_gets_no_429() -> None:
    async with FakeTelegramServer(TELEGRAM_TOKEN, limits=TELEGRAM_LIMITS) as fake:
        adapter = TelegramAdapter(
            TELEGRAM_TOKEN, base_url=fake.base_url, pacer=telegram_pacer(), max_flood_wait=0
        )
        start = time.monotonic()
        await asyncio.gather(
            *(adapter.send_text(Channel("telegram", "500"), f"m{i}") for i in range(40))
        )
        await asyncio.gather(
            *(adapter.send_text(Channel("telegram", str(1000 + i)), "hi") for i in range(40))
        )
        elapsed = time.monotonic() - start
        await adapter.aclose()
    assert fake.too_many_requests == 0 and adapter.flood_waits == 0
    assert len(fake.messages) == 80
    assert elapsed >= 2.0  # 40 at 20/s per chat, then 40 at 30/s overall


async def test_a_group_is_held_to_its_own_lower_limit() -> None:
    async with FakeTelegramServer(TELEGRAM_TOKEN, limits=TELEGRAM_LIMITS) as fake:
        adapter = TelegramAdapter(
            TELEGRAM_TOKEN, base_url=fake.base_url, pacer=telegram_pacer(), max_flood_wait=0
        )
        group = Channel("telegram", "-100500")
        await asyncio.gather(*(adapter.send_text(group, f"m{i}") for i in range(6)))
        await adapter.aclose()
    assert fake.too_many_requests == 0
    assert len(fake.messages_to(-100500)) == 6


async def test_without_pacing_the_same_burst_is_refused() -> None:
    async with FakeTelegramServer(TELEGRAM_TOKEN, limits=TELEGRAM_LIMITS) as fake:
        adapter = TelegramAdapter(
            TELEGRAM_TOKEN, base_url=fake.base_url, pacer=fast_pacer(), max_flood_wait=0
        )
        group = Channel("telegram", "-100500")
        results = await asyncio.gather(
            *(adapter.send_text(group, f"m{i}") for i in range(6)), return_exceptions=True
        )
        await adapter.aclose()
    assert fake.too_many_requests > 0
    assert any(isinstance(result, DeliveryError) for result in results)


async def test_a_slack_burst_to_one_channel_gets_no_429() -> None:
    limit = Rate(10, 1.0)
    async with FakeSlackServer(SLACK_TOKEN, limits=SlackLimits(per_channel=limit)) as fake:
        adapter = SlackAdapter(
            SLACK_TOKEN,
            base_url=fake.base_url,
            pacer=Pacer(PacingPolicy(per_chat=limit), margin=MARGIN),
            max_rate_limit_wait=0,
        )
        channel = Channel("slack", "C0BURST")
        await asyncio.gather(*(adapter.send_text(channel, f"m{i}") for i in range(20)))
    assert fake.rate_limited == 0 and adapter.rate_limited == 0
    assert len(fake.posts_to("C0BURST")) == 20


async def test_a_send_counts_from_its_answer_so_a_slow_request_delays_the_next() -> None:
    pacer = Pacer(PacingPolicy(per_chat=Rate(1, 0.2)), margin=0)
    start = time.monotonic()
    async with pacer.slot("a"):
        await asyncio.sleep(0.3)  # the request was slow on its way and back
    await pacer.wait("a")
    assert time.monotonic() - start >= 0.5


async def test_a_send_in_flight_holds_its_place_in_the_overall_limit() -> None:
    pacer = Pacer(PacingPolicy(per_chat=Rate(5, 1.0), overall=Rate(2, 0.1)), margin=0)
    answered = asyncio.Event()

    async def slow_send(chat: str) -> None:
        async with pacer.slot(chat):
            await answered.wait()

    sends = [asyncio.create_task(slow_send(c)) for c in ("a", "b")]
    third = asyncio.create_task(pacer.wait("c"))
    await asyncio.sleep(0.3)
    assert not third.done()  # both slots are busy for longer than the window
    answered.set()
    await asyncio.gather(*sends)
    started = time.monotonic()
    await asyncio.wait_for(third, 1)
    assert 0.05 <= time.monotonic() - started < 0.5
