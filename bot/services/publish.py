"""The main job: compose the digests a set of channels needs and deliver them.

Channels that want the same language and style note share one composed digest, so a
hundred channels cost one composition per language (and per distinct style note).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.adapters.base import ChatAdapter
from bot.domain.channels import Channel
from bot.domain.digests import Digest
from bot.domain.languages import LANGS, Lang
from bot.domain.repositories import UnitOfWorkFactory
from bot.services.deliveries import DeliveryReport, deliver_due, enqueue
from bot.services.digests import DIGEST_TIME_CAP, compose_digest
from bot.summarize.base import DigestComposer, Summarizer

#: Deliveries due right away (a migrated chat's retry) are sent within this many passes.
MAX_DELIVERY_PASSES = 5


@dataclass(frozen=True)
class DigestMaker:
    """The summarizing edges a digest needs: the summarizer, its fallback and the composer."""

    summarizer: Summarizer
    fallback: Summarizer
    composer: DigestComposer
    #: The longest one digest may wait on the LLM before the rest is finished offline.
    time_cap: timedelta | None = DIGEST_TIME_CAP

    async def make(
        self,
        uow_factory: UnitOfWorkFactory,
        lang: Lang,
        *,
        now: datetime,
        since: timedelta,
        style_note: str = "",
    ) -> Digest | None:
        """Compose and store one digest, or None when nothing arrived in the window."""
        return await compose_digest(
            uow_factory,
            summarizer=self.summarizer,
            fallback=self.fallback,
            composer=self.composer,
            lang=lang,
            now=now,
            since=since,
            style_note=style_note,
            time_cap=self.time_cap,
        )


@dataclass
class PublishReport:
    """Digests composed (by language) and what delivery did."""

    digests: dict[Lang, list[Digest]] = field(default_factory=lambda: defaultdict(list))
    empty_langs: set[Lang] = field(default_factory=set)
    delivery: DeliveryReport = field(default_factory=DeliveryReport)


async def compose_for(
    uow_factory: UnitOfWorkFactory,
    maker: DigestMaker,
    targets: Sequence[tuple[Channel, Sequence[Lang]]],
    *,
    now: datetime,
    since: timedelta,
) -> tuple[list[tuple[Digest, list[int]]], set[Lang]]:
    """Compose once per (language, style note): the digests with the channels that want them.

    Also returns the languages for which nothing new arrived (no digest is sent for those).
    """
    wanted: dict[tuple[Lang, str], list[int]] = defaultdict(list)
    for channel, langs in targets:
        assert channel.id is not None
        for lang in langs:
            wanted[(lang, channel.style_note)].append(channel.id)
    composed: list[tuple[Digest, list[int]]] = []
    empty: set[Lang] = set()
    for (lang, style_note), channel_ids in sorted(wanted.items(), key=_hindi_first):
        digest = await maker.make(uow_factory, lang, now=now, since=since, style_note=style_note)
        if digest is None:
            empty.add(lang)
        else:
            composed.append((digest, channel_ids))
    return composed, empty


async def deliver_all(
    uow_factory: UnitOfWorkFactory,
    adapters: Mapping[str, ChatAdapter],
    *,
    now: datetime,
    admin_keys: Collection[str] | None = None,
) -> DeliveryReport:
    """Send every delivery that is due now, including ones left pending by an earlier run.

    With `admin_keys`, the admins hear about deliveries that failed for good.
    """
    report = DeliveryReport()
    for _ in range(MAX_DELIVERY_PASSES):
        batch = await deliver_due(uow_factory, adapters, now=now, admin_keys=admin_keys)
        report.sent += batch.sent
        report.failed += batch.failed
        report.retrying += batch.retrying
        report.errors += batch.errors
        if batch.sent + batch.failed + batch.retrying == 0:
            break
    return report


async def publish(
    uow_factory: UnitOfWorkFactory,
    maker: DigestMaker,
    adapters: Mapping[str, ChatAdapter],
    targets: Sequence[tuple[Channel, Sequence[Lang]]],
    *,
    now: datetime,
    since: timedelta = timedelta(hours=24),
    admin_keys: Collection[str] | None = None,
) -> PublishReport:
    """Compose what the targets need, enqueue one delivery per (digest, channel), deliver."""
    composed, empty = await compose_for(uow_factory, maker, targets, now=now, since=since)
    report = PublishReport(empty_langs=empty)
    for digest, channel_ids in composed:
        assert digest.id is not None
        report.digests[digest.lang].append(digest)
        await enqueue(uow_factory, digest.id, channel_ids)
    report.delivery = await deliver_all(uow_factory, adapters, now=now, admin_keys=admin_keys)
    return report


def _hindi_first(entry: tuple[tuple[Lang, str], list[int]]) -> tuple[int, str]:
    (lang, style_note), _ = entry
    return LANGS.index(lang), style_note
