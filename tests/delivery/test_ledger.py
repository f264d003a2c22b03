"""Every digest reaches every chat once: partial sends resume, crashed senders are taken over."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from typing import ClassVar

import pytest

from bot.adapters.base import OnPart
from bot.adapters.render.telegram_html import render_telegram_parts
from bot.adapters.telegram import TelegramAdapter
from bot.domain.channels import Channel, Platform
from bot.domain.digests import Digest
from bot.domain.messages import Button
from bot.domain.repositories import UnitOfWorkFactory
from bot.services.deliveries import deliver_due, enqueue
from tests.adapters.samples import NOW, long_hindi_digest, tricky_digest
from tests.delivery.conftest import chats, stored
from tests.fakes.telegram_server import FakeTelegramServer


class ProcessDied(Exception):
    """Stands for the sending process being killed."""


class DiesAfterFirstPart:
    """The Telegram adapter in a process that dies right after part 1 was stored."""

    platform: ClassVar[Platform] = "telegram"
    max_message_len: ClassVar[int] = TelegramAdapter.max_message_len
    per_chat_rate: ClassVar[float] = TelegramAdapter.per_chat_rate

    def __init__(self, inner: TelegramAdapter) -> None:
        self.inner = inner

    async def send_digest(
        self,
        channel: Channel,
        digest: Digest,
        *,
        skip_parts: int = 0,
        on_part: OnPart | None = None,
    ) -> list[str]:
        async def then_die(number: int, total: int, ids: list[str]) -> None:
            assert on_part is not None
            await on_part(number, total, ids)
            raise ProcessDied

        return await self.inner.send_digest(
            channel, digest, skip_parts=skip_parts, on_part=then_die
        )

    async def send_text(
        self,
        channel: Channel,
        text: str,
        *,
        thread_id: str | None = None,
        buttons: Sequence[Button] = (),
    ) -> list[str]:
        return await self.inner.send_text(channel, text, thread_id=thread_id, buttons=buttons)

    async def aclose(self) -> None:
        await self.inner.aclose()


def part_numbers(fake: FakeTelegramServer, chat: str) -> list[str]:
    """The "k/N" marker of each message the chat received, in order."""
    return [
        m.plain.split("\n", 1)[0].rsplit(" ", 1)[-1].rstrip(")") for m in fake.messages_to(chat)
    ]


async def test_a_failure_on_part_two_is_retried_from_part_two(
    uow_factory: UnitOfWorkFactory, telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    digest = long_hindi_digest()
    total = len(render_telegram_parts(digest))
    assert total >= 3
    [channel] = await chats(uow_factory, "7001")
    [delivery] = await enqueue(uow_factory, await stored(uow_factory, digest), [channel])
    telegram_fake.inject_fault("7001", "server_error", times=1, after=1)

    first = await deliver_due(uow_factory, {"telegram": telegram}, now=NOW)
    assert (first.sent, first.retrying) == (0, 1)
    assert part_numbers(telegram_fake, "7001") == [f"1/{total}"]

    later = await deliver_due(uow_factory, {"telegram": telegram}, now=NOW + timedelta(hours=1))
    assert later.sent == 1
    assert part_numbers(telegram_fake, "7001") == [f"{k}/{total}" for k in range(1, total + 1)]
    async with uow_factory() as uow:
        [row] = await uow.deliveries.list()
    received = [str(m.message_id) for m in telegram_fake.messages_to("7001")]
    assert (row.id, row.status, row.attempts) == (delivery.id, "sent", 2)
    assert row.message_ids == received


async def test_a_crashed_sender_is_taken_over_after_its_lease_and_not_before(
    uow_factory: UnitOfWorkFactory, telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    digest = long_hindi_digest()
    total = len(render_telegram_parts(digest))
    [channel] = await chats(uow_factory, "7002")
    await enqueue(uow_factory, await stored(uow_factory, digest), [channel])
    lease = timedelta(minutes=5)

    with pytest.raises(ProcessDied):
        await deliver_due(uow_factory, {"telegram": DiesAfterFirstPart(telegram)}, now=NOW)
    async with uow_factory() as uow:
        [row] = await uow.deliveries.list()
    assert (row.status, row.parts_sent) == ("sending", 1)

    early = await deliver_due(
        uow_factory, {"telegram": telegram}, now=NOW + timedelta(minutes=4), lease=lease
    )
    assert early.sent == 0
    assert part_numbers(telegram_fake, "7002") == [f"1/{total}"]

    late = await deliver_due(
        uow_factory, {"telegram": telegram}, now=NOW + timedelta(minutes=6), lease=lease
    )
    assert late.sent == 1
    assert part_numbers(telegram_fake, "7002") == [f"{k}/{total}" for k in range(1, total + 1)]


async def test_a_delivery_that_was_sent_is_never_sent_again(
    uow_factory: UnitOfWorkFactory, telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    [channel] = await chats(uow_factory, "7003")
    digest_id = await stored(uow_factory, tricky_digest())
    await enqueue(uow_factory, digest_id, [channel])
    await deliver_due(uow_factory, {"telegram": telegram}, now=NOW)
    await enqueue(uow_factory, digest_id, [channel])
    again = await deliver_due(uow_factory, {"telegram": telegram}, now=NOW + timedelta(hours=2))
    assert again.sent == 0
    assert len(telegram_fake.messages_to("7003")) == 1


async def test_more_chats_than_one_batch_all_get_their_digests_in_order(
    uow_factory: UnitOfWorkFactory, telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    addresses = [str(8000 + n) for n in range(12)]
    channels = await chats(uow_factory, *addresses)
    hindi = await stored(uow_factory, tricky_digest("hi"))
    english = await stored(uow_factory, tricky_digest("en"))
    await enqueue(uow_factory, hindi, channels)
    await enqueue(uow_factory, english, channels)

    report = await deliver_due(uow_factory, {"telegram": telegram}, now=NOW, batch=5, concurrency=3)

    assert (report.sent, report.failed, report.retrying) == (24, 0, 0)
    async with uow_factory() as uow:
        rows = await uow.deliveries.list(limit=100)
    by_chat = {(r.digest_id, r.channel_id): r.message_ids for r in rows}
    for address, channel in zip(addresses, channels, strict=True):
        received = [str(m.message_id) for m in telegram_fake.messages_to(address)]
        assert received == by_chat[(hindi, channel)] + by_chat[(english, channel)]


class DiesForOneChat(DiesAfterFirstPart):
    """Chat 7010's sender dies at once; the others send after a while."""

    async def send_digest(
        self,
        channel: Channel,
        digest: Digest,
        *,
        skip_parts: int = 0,
        on_part: OnPart | None = None,
    ) -> list[str]:
        if channel.address == "7010":
            raise ProcessDied
        await asyncio.sleep(0.05)
        return await self.inner.send_digest(channel, digest, skip_parts=skip_parts, on_part=on_part)


async def test_a_sender_that_crashed_early_is_not_reported_as_success(
    uow_factory: UnitOfWorkFactory, telegram: TelegramAdapter
) -> None:
    # More chats than one claim takes, so the crash happens while later batches are claimed.
    ids = await chats(uow_factory, "7010", *(str(8000 + n) for n in range(150)))
    await enqueue(uow_factory, await stored(uow_factory, tricky_digest()), ids)

    with pytest.raises(ProcessDied):
        await deliver_due(uow_factory, {"telegram": DiesForOneChat(telegram)}, now=NOW)
