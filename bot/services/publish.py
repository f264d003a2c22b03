"""The main job: choose each channel's stories, compose the digests they need, deliver them.

Channels whose selection of stories, language and style note agree share one composed
digest, so a hundred channels cost one composition per language (and per distinct style
note and history).
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
from bot.domain.repositories import UnitOfWork, UnitOfWorkFactory
from bot.services.deliveries import DeliveryReport, deliver_due
from bot.services.digests import (
    DIGEST_TIME_CAP,
    DigestRequest,
    compose_digests,
    representatives,
    summarize_shown,
)
from bot.services.selection import select_stories
from bot.services.stories import StoryAssigner
from bot.summarize.base import DigestComposer, Summarizer

#: Deliveries due right away (a migrated chat's retry) are sent within this many passes.
MAX_DELIVERY_PASSES = 5


@dataclass(frozen=True)
class DigestMaker:
    """The summarizing edges a digest needs: the summarizer, its fallback and the composer."""

    summarizer: Summarizer
    fallback: Summarizer
    composer: DigestComposer
    #: The longest one run of digests may wait on the LLM before the rest is finished offline.
    time_cap: timedelta | None = DIGEST_TIME_CAP
    #: Gives a story to articles that have none when a digest needs them.
    stories: StoryAssigner = field(default_factory=StoryAssigner)

    async def make_many(
        self,
        uow_factory: UnitOfWorkFactory,
        requests: Sequence[DigestRequest],
        *,
        now: datetime,
        since: timedelta,
    ) -> list[Digest]:
        """Compose and store one digest per request, sharing summaries, all at once."""
        return await compose_digests(
            uow_factory,
            requests,
            summarizer=self.summarizer,
            fallback=self.fallback,
            composer=self.composer,
            now=now,
            since=since,
            time_cap=self.time_cap,
        )

    async def prepare(
        self,
        uow_factory: UnitOfWorkFactory,
        targets: Sequence[tuple[Channel, Sequence[Lang]]],
        *,
        now: datetime,
        since: timedelta,
    ) -> int:
        """Summarize ahead of time what the targets' digests would show now; returns how many
        stories that covers. The digest at the slot then finds the summaries cached."""
        requests, _ = await plan_digests(uow_factory, self, targets, now=now, since=since)
        chosen = await representatives(uow_factory, self.summarizer, requests)
        await summarize_shown(uow_factory, self.summarizer, self.fallback, chosen)
        return len({p.story_id for r in requests for p in r.selection.picks})


@dataclass
class PublishReport:
    """Digests composed (by language) and what delivery did."""

    digests: dict[Lang, list[Digest]] = field(default_factory=lambda: defaultdict(list))
    empty_langs: set[Lang] = field(default_factory=set)
    delivery: DeliveryReport = field(default_factory=DeliveryReport)


async def plan_digests(
    uow_factory: UnitOfWorkFactory,
    maker: DigestMaker,
    targets: Sequence[tuple[Channel, Sequence[Lang]]],
    *,
    now: datetime,
    since: timedelta,
) -> tuple[list[DigestRequest], list[list[int]]]:
    """The distinct digests the targets need, with the channel ids each one serves.

    Each channel gets its own selection (what it was sent before differs); channels whose
    selection, language and style note agree share one digest, so a hundred channels that
    follow the same news cost one composition per language and style note.
    """
    channels = [channel for channel, _ in targets]
    selections = await select_stories(
        uow_factory, channels, now=now, since=since, assigner=maker.stories
    )
    wanted: dict[tuple[Lang, str, tuple[object, ...]], tuple[DigestRequest, list[int]]] = {}
    for channel, langs in targets:
        assert channel.id is not None
        selection = selections.get(channel.id)
        if not selection:
            continue
        for lang in langs:
            key = (lang, channel.style_note, selection.key)
            if key not in wanted:
                wanted[key] = (DigestRequest(lang, selection, channel.style_note), [])
            wanted[key][1].append(channel.id)
    ordered = sorted(wanted.values(), key=lambda pair: _hindi_first(pair[0]))
    return [request for request, _ in ordered], [ids for _, ids in ordered]


async def compose_for(
    uow_factory: UnitOfWorkFactory,
    maker: DigestMaker,
    targets: Sequence[tuple[Channel, Sequence[Lang]]],
    *,
    now: datetime,
    since: timedelta,
) -> tuple[list[tuple[Digest, list[int]]], set[Lang]]:
    """Compose what the targets need: the digests with the channels that want them.

    Also returns the languages for which no channel has anything new (none is sent).
    """
    requests, channel_ids = await plan_digests(uow_factory, maker, targets, now=now, since=since)
    digests = await maker.make_many(uow_factory, requests, now=now, since=since)
    wanted_langs = {lang for _, langs in targets for lang in langs}
    empty = wanted_langs - {digest.lang for digest in digests}
    return list(zip(digests, channel_ids, strict=True)), empty


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
    async with uow_factory() as uow:
        for digest, channel_ids in composed:
            report.digests[digest.lang].append(digest)
            for channel_id in channel_ids:
                await record_delivery(uow, digest, channel_id, now=now)
        await uow.commit()
    report.delivery = await deliver_all(uow_factory, adapters, now=now, admin_keys=admin_keys)
    return report


async def record_delivery(
    uow: UnitOfWork, digest: Digest, channel_id: int, *, now: datetime
) -> None:
    """A pending delivery of `digest` to the channel, and its stories counted as sent to it,
    in the caller's transaction (so a story counts as sent exactly when its delivery exists)."""
    assert digest.id is not None
    await uow.deliveries.create(digest.id, channel_id)
    await uow.stories.record_sent(channel_id, digest, at=now)


def _hindi_first(request: DigestRequest) -> tuple[int, str]:
    return LANGS.index(request.lang), request.style_note
