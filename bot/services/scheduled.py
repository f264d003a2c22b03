"""Scheduled digests: find each subscription's latest slot that has not run, and run it once.

The slot a subscription last ran for is stored with it (`last_slot_at`) and written in the
same commit as the deliveries it created, so after a crash or downtime a slot runs exactly
once: missed slots are coalesced into the latest, and one older than the grace window is
skipped (nobody wants yesterday's morning digest at midnight).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.adapters.base import ChatAdapter
from bot.domain.channels import Channel, Subscription
from bot.domain.languages import Lang, langs_of
from bot.domain.repositories import UnitOfWorkFactory
from bot.errors import DigestbotError
from bot.services.deliveries import DeliveryReport
from bot.services.publish import DigestMaker, compose_for, deliver_all, record_delivery
from bot.services.schedules import last_slot, next_runs, parse_schedule

log = logging.getLogger(__name__)

#: A slot missed by more than this (e.g. the process was down overnight) is skipped.
DEFAULT_GRACE = timedelta(hours=3)
#: The longest window a digest covers, whatever the schedule.
MAX_WINDOW = timedelta(days=7)
#: How long before a slot its stories are summarized ahead of time.
PREPARE_LEAD = timedelta(minutes=10)


@dataclass
class SlotRun:
    """One slot that ran: when, for which channels, and how many digests it composed."""

    slot: datetime
    channel_ids: list[int]
    digests: int


async def due_slots(
    uow_factory: UnitOfWorkFactory, *, now: datetime, grace: timedelta = DEFAULT_GRACE
) -> dict[tuple[datetime, timedelta], list[tuple[Subscription, Channel]]]:
    """Subscriptions whose latest slot has not run, grouped by (slot, window length)."""
    async with uow_factory() as uow:
        subscriptions = await uow.channels.active_subscriptions()
        due: dict[tuple[datetime, timedelta], list[tuple[Subscription, Channel]]] = defaultdict(
            list
        )
        stale = []
        for sub, channel in subscriptions:
            try:
                trigger = parse_schedule(sub.schedule, sub.timezone)
            except DigestbotError as exc:
                log.warning("subscription %s has an unusable schedule: %s", sub.id, exc)
                continue
            if trigger is None:
                continue
            slot = last_slot(trigger, now)
            if slot is None or (sub.last_slot_at is not None and sub.last_slot_at >= slot):
                continue
            if now - slot > grace:
                sub.last_slot_at = slot
                stale.append(sub)
                continue
            previous = last_slot(trigger, slot - timedelta(microseconds=1))
            # After downtime the digest also covers the slots it stands for: from the last
            # slot that ran, not only the one before this.
            since = sub.last_slot_at if sub.last_slot_at and previous else previous
            if since is not None and previous is not None:
                since = min(since, previous)
            window = min(slot - since, MAX_WINDOW) if since else timedelta(hours=24)
            due[(slot, window)].append((sub, channel))
        for sub in stale:
            log.info(
                "subscription %s skipped slot %s: older than %s", sub.id, sub.last_slot_at, grace
            )
            assert sub.id is not None and sub.last_slot_at is not None
            await uow.channels.advance_slot(sub.id, sub.last_slot_at)
        await uow.commit()
    return due


async def run_due_slots(
    uow_factory: UnitOfWorkFactory,
    maker: DigestMaker,
    adapters: Mapping[str, ChatAdapter],
    *,
    now: datetime,
    grace: timedelta = DEFAULT_GRACE,
    admin_keys: Collection[str] | None = None,
) -> tuple[list[SlotRun], DeliveryReport]:
    """Run every due slot once, then send what is due."""
    runs: list[SlotRun] = []
    for (slot, window), members in sorted(
        (await due_slots(uow_factory, now=now, grace=grace)).items()
    ):
        targets = [(channel, langs_of(sub.languages)) for sub, channel in members]
        composed, _ = await compose_for(uow_factory, maker, targets, now=now, since=window)
        async with uow_factory() as uow:
            # The slot is claimed in the same commit as its deliveries: a channel whose slot
            # another scheduler already recorded gets nothing from this run.
            claimed: set[int | None] = set()
            for sub, channel in members:
                assert sub.id is not None
                if await uow.channels.advance_slot(sub.id, slot):
                    claimed.add(channel.id)
                else:
                    log.warning("slot %s of subscription %s already ran; skipped", slot, sub.id)
            for digest, channel_ids in composed:
                for channel_id in channel_ids:
                    if channel_id in claimed:
                        await record_delivery(uow, digest, channel_id, now=now)
            await uow.commit()
        runs.append(SlotRun(slot, [c.id for _, c in members if c.id is not None], len(composed)))
    return runs, await deliver_all(uow_factory, adapters, now=now, admin_keys=admin_keys)


async def prepare_upcoming(
    uow_factory: UnitOfWorkFactory,
    maker: DigestMaker,
    *,
    now: datetime,
    lead: timedelta = PREPARE_LEAD,
    done: set[tuple[int, datetime]] | None = None,
) -> int:
    """Summarize now what the slots due within `lead` would show, so each digest leaves at
    its time with the LLM's summaries already made; returns how many stories that covered.

    The selection is made as the slot would make it, from what has arrived so far: reports
    arriving in the last minutes cost a few calls at the slot. `done` remembers the
    (subscription, slot) pairs prepared already, so each slot is prepared once per process.
    """
    prepared = done if done is not None else set()
    upcoming: dict[timedelta, list[tuple[Channel, Sequence[Lang]]]] = defaultdict(list)
    pairs: dict[timedelta, list[tuple[int, datetime]]] = defaultdict(list)
    async with uow_factory() as uow:
        subscriptions = await uow.channels.active_subscriptions()
    for sub, channel in subscriptions:
        try:
            trigger = parse_schedule(sub.schedule, sub.timezone)
        except DigestbotError:
            continue
        if trigger is None or sub.id is None:
            continue
        runs = next_runs(trigger, now, count=1)
        if not runs or runs[0] - now > lead or (sub.id, runs[0]) in prepared:
            continue
        slot = runs[0]
        previous = sub.last_slot_at or last_slot(trigger, now)
        window = min(slot - previous, MAX_WINDOW) if previous else timedelta(hours=24)
        upcoming[window].append((channel, langs_of(sub.languages)))
        pairs[window].append((sub.id, slot))
    stories = 0
    for window, targets in upcoming.items():
        stories += await maker.prepare(uow_factory, targets, now=now, since=window)
        prepared.update(pairs[window])  # a failed preparation is tried again next tick
    return stories
