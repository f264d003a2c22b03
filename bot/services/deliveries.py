"""The delivery ledger in motion: enqueue (digest, channel) pairs, then send what is due.

A delivery is claimed (`sending`, with a lease) in one commit and marked `sent` in the next,
right after the platform acknowledged it; a digest in several parts also commits after each
acknowledged part, before the next one is sent. So the only window for a duplicate message
is a crash between one acknowledgement and its commit, and a kill duplicates at most one
message per chat being sent to: at most `SENDER_CONCURRENCY` per process, since a process
(its one unit-of-work factory) runs one pass at a time, however many of its jobs ask for one
(the deliveries tick and a digest slot's fan-out would otherwise each send to as many chats
at once).

A sender that dies mid-delivery leaves the row in `sending`, and a later pass resumes it
after the stored parts. How much later depends on the claim: one made by a `digestbot run`
names its `Worker` and is taken over at the first pass after that worker is gone (its
PostgreSQL session ended; on SQLite, any earlier run), seconds after the death; one that
names no worker (a command-line run) waits for its lease to run out. Should a live sender's
claim be taken over all the same (its worker lock lost with its connection, or the lease
outlived), the stores are fenced by the claim's attempt number: the sender learns it at its
next commit and stops, so the two never both finish.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections import deque
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot import metrics
from bot.adapters.base import ChatAdapter
from bot.domain.channels import DELIVERY_LEASE, Channel, Delivery
from bot.domain.digests import Digest
from bot.domain.repositories import UnitOfWorkFactory
from bot.errors import DeliveryError
from bot.services.notices import notify_admins

log = logging.getLogger(__name__)

#: Transient failures are retried this many times before the delivery fails visibly.
MAX_ATTEMPTS = 6
BASE_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)
#: At most this many failures are listed one by one in an admin notice.
NOTICE_LINES = 5
#: How many chats a pass sends to at once (each chat's deliveries go one after the other).
SENDER_CONCURRENCY = 32

#: One pass at a time per process (see the module docstring), by its unit-of-work factory.
_PASSES: weakref.WeakKeyDictionary[
    UnitOfWorkFactory, tuple[asyncio.AbstractEventLoop, asyncio.Lock]
] = weakref.WeakKeyDictionary()


@dataclass
class DeliveryReport:
    """What one pass over the due deliveries did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Failure:
    delivery: Delivery
    channel: Channel | None
    reason: str


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
    concurrency: int = SENDER_CONCURRENCY,
    lease: timedelta = DELIVERY_LEASE,
    admin_keys: Collection[str] | None = None,
) -> DeliveryReport:
    """Send every delivery due at the start of the pass: chats in parallel, each in order.

    Deliveries are claimed `batch` at a time, and the next batch as soon as fewer than
    `concurrency` claimed ones wait to start, so the senders never idle between batches and
    no claimed delivery waits long enough to outlive its `lease`. `now` is the pass's start;
    the clock advances with real time from there. Deliveries that finally fail are told to
    the admins (`admin_keys` plus those added from chat) in one notice, unless it is None.
    A pass over a factory that is running one already waits for that one to end first.
    """
    async with _one_pass_at_a_time(uow_factory):
        sender = _Sender(uow_factory, adapters, now, concurrency)
        while True:
            async with uow_factory() as uow:
                claimed = await uow.deliveries.claim(sender.now(), limit=batch, lease=lease)
                await uow.commit()
            for delivery in claimed:
                sender.add(delivery)
            if len(claimed) < batch:
                break
            await sender.wait_for_room()
        await sender.finish()
    if admin_keys is not None and sender.failures:
        await _tell_admins(uow_factory, adapters, admin_keys, sender.failures)
    return sender.report


def _one_pass_at_a_time(uow_factory: UnitOfWorkFactory) -> asyncio.Lock:
    """The pass lock of a process (of its one unit-of-work factory), so its sends in flight,
    and a kill's copies, stay within one pass's `concurrency`, and a chat's deliveries never
    go out from two passes at once."""
    loop = asyncio.get_running_loop()
    held = _PASSES.get(uow_factory)
    if held is None or held[0] is not loop:
        held = _PASSES[uow_factory] = (loop, asyncio.Lock())
    return held[1]


class _ClaimLost(Exception):
    """Another sender took the delivery over (see the module docstring): stop sending it."""


class _Sender:
    """Runs one task per chat (at most `concurrency` at once) over the chat's queue."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        adapters: Mapping[str, ChatAdapter],
        start: datetime,
        concurrency: int,
    ) -> None:
        self.uow_factory = uow_factory
        self.adapters = adapters
        self.report = DeliveryReport()
        self.failures: list[_Failure] = []
        self._start, self._started = start, time.monotonic()
        self._concurrency = concurrency
        self._gate = asyncio.Semaphore(concurrency)
        self._queues: dict[int, deque[Delivery]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        #: Chat tasks that died of an exception (the database), raised by `finish`.
        self._crashes: list[asyncio.Task[None]] = []
        self._waiting = 0
        self._room = asyncio.Event()
        self._digests: dict[int, Digest | None] = {}

    def now(self) -> datetime:
        """The pass's start plus the real time elapsed since."""
        return self._start + timedelta(seconds=time.monotonic() - self._started)

    def add(self, delivery: Delivery) -> None:
        """Queue a claimed delivery behind the chat's earlier ones (ids are claimed in order)."""
        self._waiting += 1
        queue = self._queues.get(delivery.channel_id)
        if queue is not None:
            queue.append(delivery)
            return
        self._queues[delivery.channel_id] = deque([delivery])
        task = asyncio.create_task(self._run_chat(delivery.channel_id))
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        """Forget a finished chat task, keeping its crash (if any) for `finish` to raise."""
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self._crashes.append(task)

    async def wait_for_room(self) -> None:
        """Return once fewer than `concurrency` claimed deliveries wait to start."""
        while self._waiting >= self._concurrency and self._tasks:
            self._room.clear()
            await self._room.wait()

    async def finish(self) -> None:
        """Wait for every chat's queue to drain; a crash in one (the database) is raised."""
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
        for task in self._crashes:
            if (error := task.exception()) is not None:
                raise error

    async def _run_chat(self, channel_id: int) -> None:
        queue = self._queues[channel_id]
        try:
            async with self._gate:
                while queue:
                    delivery = queue.popleft()
                    self._started_one()
                    await self._send_one(delivery)
        finally:
            for _ in queue:
                self._started_one()
            del self._queues[channel_id]

    def _started_one(self) -> None:
        self._waiting -= 1
        if self._waiting < self._concurrency:
            self._room.set()

    async def _send_one(self, delivery: Delivery) -> None:
        assert delivery.id is not None
        async with self.uow_factory() as uow:
            channel = await uow.channels.get(delivery.channel_id)
            if delivery.digest_id not in self._digests:
                self._digests[delivery.digest_id] = await uow.digests.get(delivery.digest_id)
        digest = self._digests[delivery.digest_id]
        if channel is None or digest is None:
            await self._fail(delivery, channel, "its channel or digest no longer exists", None)
            return
        if channel.access != "allowed":
            # An admin denied the chat after this was queued: it is sent nothing more, and
            # that is a decision, not a failure to tell the admins about.
            reason = f"the chat's access is {channel.access}"
            await self._fail(delivery, channel, reason, None, tell_admins=False)
            return
        adapter = self.adapters.get(channel.platform)
        if adapter is None:
            error = DeliveryError(
                f"no {channel.platform} adapter is configured; set its token and restart"
            )
            await self._handle_error(delivery, channel, error)
            return
        message_ids = list(delivery.message_ids)

        async def record(number: int, total: int, part_ids: list[str]) -> None:
            assert delivery.id is not None
            message_ids.extend(part_ids)
            if number < total:  # the last part is recorded by mark_sent, in one commit
                async with self.uow_factory() as uow:
                    kept = await uow.deliveries.record_parts(
                        delivery.id, message_ids, number, self.now(), attempt=delivery.attempts
                    )
                    await uow.commit()
                if not kept:
                    raise _ClaimLost

        try:
            await adapter.send_digest(
                channel, digest, skip_parts=delivery.parts_sent, on_part=record
            )
        except DeliveryError as exc:
            await self._handle_error(delivery, channel, exc)
            return
        except _ClaimLost:
            _taken_over(delivery)
            return
        async with self.uow_factory() as uow:
            kept = await uow.deliveries.mark_sent(
                delivery.id, message_ids, self.now(), attempt=delivery.attempts
            )
            await uow.commit()
        if not kept:
            _taken_over(delivery)
            return
        self.report.sent += 1
        metrics.DELIVERIES.labels(channel.platform, "sent").inc()

    async def _handle_error(
        self, delivery: Delivery, channel: Channel, error: DeliveryError
    ) -> None:
        reason, now = str(error), self.now()
        if error.new_address is not None:
            async with self.uow_factory() as uow:
                channel.address = error.new_address
                await uow.channels.update(channel)
                await uow.commit()
            await self._fail(delivery, channel, reason, self._start)  # due again at once
        elif error.permanent:
            await _pause(self.uow_factory, channel, reason)
            await self._fail(delivery, channel, reason, None)
        elif delivery.attempts >= MAX_ATTEMPTS:
            reason = f"gave up after {delivery.attempts} attempts: {reason}"
            await self._fail(delivery, channel, reason, None)
        else:
            if error.retry_after is not None:
                wait = timedelta(seconds=error.retry_after)
            else:
                wait = min(BASE_BACKOFF * (2 ** max(delivery.attempts - 1, 0)), MAX_BACKOFF)
            await self._fail(delivery, channel, reason, now + wait)

    async def _fail(
        self,
        delivery: Delivery,
        channel: Channel | None,
        reason: str,
        retry_at: datetime | None,
        *,
        tell_admins: bool = True,
    ) -> None:
        assert delivery.id is not None
        async with self.uow_factory() as uow:
            kept = await uow.deliveries.mark_failed(
                delivery.id, reason, retry_at=retry_at, attempt=delivery.attempts
            )
            await uow.commit()
        if not kept:
            _taken_over(delivery)
            return
        platform = channel.platform if channel is not None else "unknown"
        metrics.DELIVERIES.labels(platform, "failed" if retry_at is None else "retrying").inc()
        if retry_at is None:
            self.report.failed += 1
            self.report.errors.append(f"delivery {delivery.id}: {reason}")
            if tell_admins:
                self.failures.append(_Failure(delivery, channel, reason))
            log.error(
                "delivery %s to channel %s failed: %s", delivery.id, delivery.channel_id, reason
            )
        else:
            self.report.retrying += 1
            log.warning("delivery %s will be retried at %s: %s", delivery.id, retry_at, reason)


def _taken_over(delivery: Delivery) -> None:
    log.warning(
        "delivery %s to channel %s was taken over by another sender; this one stops",
        delivery.id,
        delivery.channel_id,
    )


async def _pause(uow_factory: UnitOfWorkFactory, channel: Channel, reason: str) -> None:
    """A permanent refusal: the channel and its subscription stop until a person acts."""
    assert channel.id is not None
    async with uow_factory() as uow:
        channel.active = False
        channel.inactive_reason = reason
        await uow.channels.update(channel)
        subscription = await uow.channels.get_subscription(channel.id)
        if subscription is not None:
            subscription.active = False
            subscription.paused_reason = reason
            await uow.channels.save_subscription(subscription)
        await uow.commit()


async def _tell_admins(
    uow_factory: UnitOfWorkFactory,
    adapters: Mapping[str, ChatAdapter],
    admin_keys: Collection[str],
    failures: list[_Failure],
) -> None:
    """One notice per pass, so a fan-out with many dead chats does not flood the admins.

    A single failure is also posted to its channel when that channel can still receive
    (a digest that exhausted its retries); a paused channel is skipped by `notify_admins`.
    """
    async with uow_factory() as uow:
        added = await uow.admins.list()
    channel = failures[0].channel if len(failures) == 1 else None
    sent = await notify_admins(
        adapters, set(admin_keys) | set(added), failed_text(failures), channel=channel
    )
    log.info("%d failed deliveries told to %d chat(s)", len(failures), sent)


def failed_text(failures: list[_Failure]) -> str:
    """The notice for deliveries that finally failed, in English and Hindi."""
    lines = [
        f"- digest {f.delivery.digest_id} → "
        f"{f.channel.key if f.channel else f'channel {f.delivery.channel_id}'}: {f.reason}"
        for f in failures[:NOTICE_LINES]
    ]
    if len(failures) > NOTICE_LINES:
        lines.append(f"- … and {len(failures) - NOTICE_LINES} more")
    return (
        f"{len(failures)} digest deliver{'y' if len(failures) == 1 else 'ies'} failed:\n"
        + "\n".join(lines)
        + "\nSee `digestbot deliveries --failed`; once the cause is fixed, /subscribe again in "
        "a paused chat.\n"
        f"{len(failures)} डाइजेस्ट नहीं पहुँच सके। विवरण: `digestbot deliveries --failed`; "
        "कारण ठीक करने के बाद रुके हुए चैट में फिर /subscribe भेजें।"
    )
