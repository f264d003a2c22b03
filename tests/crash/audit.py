"""Reads what every chat received back against the delivery ledger and the schedules.

A message the fake Telegram server accepted is either recorded in a delivery's
`message_ids` (the ledger knows it was sent) or it is not. An unrecorded message is
explained only by the ledger's single-commit window: the platform accepted a part, the
process was killed before the commit that records it, and the restarted process sent the
part again. So it must be an exact copy of a part of one of the chat's deliveries, sent in
a round that ended with a kill which left that delivery `sending`, before the copy the
ledger recorded; and as a delivery's parts go out one at a time, there is at most one such
copy per delivery and kill.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.adapters.render.telegram_html import TelegramPart, render_telegram_parts
from bot.domain.channels import Channel, Delivery, Subscription
from bot.domain.digests import Digest
from bot.domain.languages import langs_of
from bot.domain.repositories import UnitOfWorkFactory
from storage.models import DigestRow
from tests.crash.rounds import RoundRecord
from tests.fakes.telegram_server import SentMessage


@dataclass
class Audit:
    """What the chats hold, and every way it differs from exactly once."""

    digests_enqueued: int = 0
    digests_orphaned: int = 0
    deliveries: int = 0
    messages: int = 0
    parts: Counter[int] = field(default_factory=Counter)
    #: The languages enqueued for each slot that ran, by the slot's clock (`period_end`).
    slots_run: dict[datetime, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: Unrecorded copies explained by the single-commit window, per round.
    window_duplicates: Counter[int] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        """Note one departure from exactly-once (the test shows the first few)."""
        self.problems.append(text)

    def summary(self) -> str:
        """The numbers the test reports."""
        copies = sum(self.window_duplicates.values())
        return (
            f"{self.messages} messages for {self.deliveries} deliveries of "
            f"{self.digests_enqueued} digests (by parts {dict(self.parts)}); "
            f"{copies} copies within the commit window (by round "
            f"{dict(sorted(self.window_duplicates.items()))}); "
            f"{len(self.slots_run)} slots ran; {self.digests_orphaned} digests composed for "
            "a slot that never committed"
        )


async def audit(
    uow_factory: UnitOfWorkFactory,
    engine: AsyncEngine,
    messages: list[SentMessage],
    rounds: list[RoundRecord],
) -> Audit:
    """Compare every chat's messages with the ledger; see the module docstring."""
    result = Audit(messages=len(messages))
    async with uow_factory() as uow:
        subscribed = await uow.channels.active_subscriptions()
        deliveries = await uow.deliveries.list(limit=1_000_000)
        digest_ids = sorted({d.digest_id for d in deliveries})
        digests: dict[int, Digest] = {}
        for digest_id in digest_ids:
            digest = await uow.digests.get(digest_id)
            assert digest is not None, f"digest {digest_id} is gone"
            digests[digest_id] = digest
    async with AsyncSession(engine) as session:
        composed = set(await session.scalars(select(DigestRow.id)))
    result.deliveries = len(deliveries)
    result.digests_enqueued = len(digest_ids)
    result.digests_orphaned = len(composed - set(digest_ids))
    rendered: dict[int, list[TelegramPart]] = {}
    for digest_id, digest in digests.items():
        rendered[digest_id] = render_telegram_parts(digest)
        result.parts[len(rendered[digest_id])] += 1
        assert digest.period_end is not None
        result.slots_run[digest.period_end].add(digest.lang)
    channels = {channel.id: (sub, channel) for sub, channel in subscribed}
    _check_every_chat_wanted_every_digest(result, channels, deliveries, digests)
    position = {id(m): n for n, m in enumerate(messages)}
    by_chat: dict[str, dict[int, SentMessage]] = defaultdict(dict)
    for message in messages:
        by_chat[message.chat_id][message.message_id] = message
    recorded: set[int] = set()
    copies: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for delivery in deliveries:
        assert delivery.id is not None
        _, channel = channels[delivery.channel_id]
        parts = rendered[delivery.digest_id]
        received = by_chat[channel.address]
        where = f"digest {delivery.digest_id} → chat {channel.address}"
        if delivery.status != "sent":
            result.problem(f"{where} is {delivery.status}, not sent")
            continue
        if len(delivery.message_ids) != len(parts):
            result.problem(f"{where}: {len(delivery.message_ids)} ids for {len(parts)} parts")
        for part, message_id in zip(parts, delivery.message_ids, strict=False):
            text = part.html
            keyboard = [[(b.label, b.command) for b in row] for row in part.buttons]
            found = received.get(int(message_id))
            if found is None or found.text != text or found.buttons != keyboard:
                result.problem(f"{where}: message {message_id} is not the part the ledger says")
                continue
            recorded.add(id(found))
            copies[(channel.address, text)].append((position[id(found)], delivery.id))
    _explain_unrecorded(result, messages, recorded, copies, position, rounds)
    return result


def _check_every_chat_wanted_every_digest(
    result: Audit,
    channels: dict[int | None, tuple[Subscription, Channel]],
    deliveries: list[Delivery],
    digests: dict[int, Digest],
) -> None:
    """Each enqueued digest went to exactly the chats that want its language, once per slot."""
    per_digest: dict[int, set[int]] = defaultdict(set)
    per_slot: Counter[tuple[int, datetime | None, str]] = Counter()
    for delivery in deliveries:
        per_digest[delivery.digest_id].add(delivery.channel_id)
        digest = digests[delivery.digest_id]
        per_slot[(delivery.channel_id, digest.period_end, digest.lang)] += 1
    for digest_id, chat_ids in per_digest.items():
        wanted = {
            cid
            for cid, (sub, _) in channels.items()
            if digests[digest_id].lang in langs_of(sub.languages)
        }
        if chat_ids != wanted:
            result.problem(
                f"digest {digest_id} went to {len(chat_ids)} chats, {len(wanted)} want it"
            )
    for (channel_id, slot, lang), count in per_slot.items():
        if count != 1:
            result.problem(f"channel {channel_id} got {count} {lang} digests for slot {slot}")


def _explain_unrecorded(
    result: Audit,
    messages: list[SentMessage],
    recorded: set[int],
    copies: dict[tuple[str, str], list[tuple[int, int]]],
    position: dict[int, int],
    rounds: list[RoundRecord],
) -> None:
    """Every message the ledger does not know must be a commit-window copy (module doc)."""
    per_kill: Counter[tuple[int, int]] = Counter()
    for message in messages:
        if id(message) in recorded:
            continue
        at = position[id(message)]
        # A request already on its way when the kill came may be accepted just after it.
        round_ = next((r for r in reversed(rounds) if r.first_message <= at), None)
        what = f"unrecorded message {message.message_id} to chat {message.chat_id}"
        if round_ is None or not round_.killed:
            result.problem(f"{what} was sent in a round that was not killed")
            continue
        left = [
            delivery_id
            for later, delivery_id in copies.get((message.chat_id, message.text), [])
            if later > at and delivery_id in round_.left_sending
        ]
        if not left:
            result.problem(
                f"{what} in round {round_.number} is no earlier copy of a part of a delivery "
                "that the kill left sending"
            )
            continue
        per_kill[(left[0], round_.number)] += 1
        result.window_duplicates[round_.number] += 1
    for (delivery_id, number), count in per_kill.items():
        if count > 1:
            result.problem(
                f"delivery {delivery_id} left {count} unrecorded copies in round {number}"
            )
