"""The delivery ledger in motion: enqueue (digest, channel) pairs, then send what is due.

A delivery is claimed (`sending`) in one commit and marked `sent` in the next, right after
the platform acknowledged it: the only window for a duplicate is a crash between the two.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.adapters.base import ChatAdapter
from bot.domain.channels import Delivery
from bot.domain.digests import Digest
from bot.domain.repositories import UnitOfWorkFactory
from bot.errors import DeliveryError

log = logging.getLogger(__name__)

#: Transient failures are retried this many times before the delivery fails visibly.
MAX_ATTEMPTS = 6
BASE_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)


@dataclass
class DeliveryReport:
    """What one pass over the due deliveries did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


async def enqueue(
    uow_factory: UnitOfWorkFactory, digest_id: int, channel_ids: Iterable[int]
) -> list[Delivery]:
    """One pending delivery per channel; enqueuing the same pair again changes nothing."""
    async with uow_factory() as uow:
        rows = [await uow.deliveries.create(digest_id, cid) for cid in channel_ids]
        await uow.commit()
    return rows


async def deliver_due(
    uow_factory: UnitOfWorkFactory,
    adapters: Mapping[str, ChatAdapter],
    *,
    now: datetime,
    batch: int = 100,
    concurrency: int = 32,
) -> DeliveryReport:
    """Claim due deliveries and send them: chats in parallel (`concurrency`), each in order."""
    report = DeliveryReport()
    async with uow_factory() as uow:
        claimed = await uow.deliveries.claim(now, limit=batch)
        await uow.commit()
    digests: dict[int, Digest | None] = {}
    gate = asyncio.Semaphore(concurrency)

    by_channel: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in sorted(claimed, key=lambda d: d.id or 0):
        by_channel[delivery.channel_id].append(delivery)

    async def in_order(queue: list[Delivery]) -> None:
        # One chat receives its digests in the order they were composed (Hindi, then English).
        async with gate:
            for delivery in queue:
                await _send_one(uow_factory, adapters, delivery, digests, now, report)

    await asyncio.gather(*(in_order(queue) for queue in by_channel.values()))
    return report


async def _send_one(
    uow_factory: UnitOfWorkFactory,
    adapters: Mapping[str, ChatAdapter],
    delivery: Delivery,
    digests: dict[int, Digest | None],
    now: datetime,
    report: DeliveryReport,
) -> None:
    assert delivery.id is not None
    async with uow_factory() as uow:
        channel = await uow.channels.get(delivery.channel_id)
        if delivery.digest_id not in digests:
            digests[delivery.digest_id] = await uow.digests.get(delivery.digest_id)
    digest = digests[delivery.digest_id]
    if channel is None or digest is None:
        await _fail(uow_factory, delivery, "its channel or digest no longer exists", None, report)
        return
    adapter = adapters.get(channel.platform)
    if adapter is None:
        error = DeliveryError(
            f"no {channel.platform} adapter is configured; set its token and restart",
        )
    else:
        try:
            message_ids = await adapter.send_digest(channel, digest)
        except DeliveryError as exc:
            error = exc
        else:
            async with uow_factory() as uow:
                await uow.deliveries.mark_sent(delivery.id, message_ids, now)
                await uow.commit()
            report.sent += 1
            return
    await _handle_error(uow_factory, delivery, error, now, report)


async def _handle_error(
    uow_factory: UnitOfWorkFactory,
    delivery: Delivery,
    error: DeliveryError,
    now: datetime,
    report: DeliveryReport,
) -> None:
    assert delivery.id is not None
    reason = str(error)
    if error.new_address is not None:
        async with uow_factory() as uow:
            channel = await uow.channels.get(delivery.channel_id)
            if channel is not None:
                channel.address = error.new_address
                await uow.channels.update(channel)
            await uow.deliveries.mark_failed(delivery.id, reason, retry_at=now)
            await uow.commit()
        report.retrying += 1
        return
    if error.permanent:
        async with uow_factory() as uow:
            channel = await uow.channels.get(delivery.channel_id)
            if channel is not None:
                channel.active = False
                channel.inactive_reason = reason
                await uow.channels.update(channel)
            subscription = await uow.channels.get_subscription(delivery.channel_id)
            if subscription is not None:
                subscription.active = False
                subscription.paused_reason = reason
                await uow.channels.save_subscription(subscription)
            await uow.commit()
        await _fail(uow_factory, delivery, reason, None, report)
        return
    if delivery.attempts >= MAX_ATTEMPTS:
        await _fail(
            uow_factory,
            delivery,
            f"gave up after {delivery.attempts} attempts: {reason}",
            None,
            report,
        )
        return
    if error.retry_after is not None:
        wait = timedelta(seconds=error.retry_after)
    else:
        wait = min(BASE_BACKOFF * (2 ** max(delivery.attempts - 1, 0)), MAX_BACKOFF)
    await _fail(uow_factory, delivery, reason, now + wait, report)


async def _fail(
    uow_factory: UnitOfWorkFactory,
    delivery: Delivery,
    reason: str,
    retry_at: datetime | None,
    report: DeliveryReport,
) -> None:
    assert delivery.id is not None
    async with uow_factory() as uow:
        await uow.deliveries.mark_failed(delivery.id, reason, retry_at=retry_at)
        await uow.commit()
    if retry_at is None:
        report.failed += 1
        report.errors.append(f"delivery {delivery.id}: {reason}")
        log.error("delivery %s to channel %s failed: %s", delivery.id, delivery.channel_id, reason)
    else:
        report.retrying += 1
        log.warning("delivery %s will be retried at %s: %s", delivery.id, retry_at, reason)
