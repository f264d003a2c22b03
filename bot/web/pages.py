"""The reading pages: today's overview, the archive with its search, one digest."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from bot.adapters.render.strings import also_label, method_line, sources_label, update_prefix
from bot.domain.digests import Digest
from bot.services.schedules import next_runs, parse_schedule
from bot.web.app import DEPS, page

#: Digests per archive page, and stories on the overview.
PAGE_SIZE = 50
#: Articles a search looks at before their stories become digest items.
SEARCH_HITS = 100
DAY = timedelta(days=1)


async def overview(request: web.Request) -> web.StreamResponse:
    """Today's stories, the next slots, the delivery queue and the last day's failures."""
    deps = request.app[DEPS]
    now = deps.clock()
    async with deps.uow_factory() as uow:
        candidates = await uow.stories.candidates(now - DAY)
        subscriptions = await uow.channels.active_subscriptions()
    stories = sorted(
        (c.story for c in candidates),
        key=lambda s: (len(s.outlets), s.article_count, s.last_seen_at),
        reverse=True,
    )[:PAGE_SIZE]
    slots: list[tuple[datetime, str, str]] = []
    for subscription, channel in subscriptions:
        trigger = parse_schedule(subscription.schedule, subscription.timezone)
        if trigger is None:
            continue
        for moment in next_runs(trigger, now, 1):
            name = channel.title or f"{channel.platform}:{channel.address}"
            slots.append((moment, name, subscription.languages))
    slots.sort(key=lambda slot: slot[0])
    return page(
        request,
        "overview.html",
        stories=stories,
        slots=slots[:10],
        queue=await deps.read_model.queue(now - DAY),
        failures=await deps.read_model.failures(now - DAY),
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 18 else None


async def archive(request: web.Request) -> web.StreamResponse:
    """Digests newest first, by channel and language, optionally matching a search."""
    deps = request.app[DEPS]
    channel_id = _int(request.query.get("channel"))
    language = (
        request.query.get("language") if request.query.get("language") in ("hi", "en") else None
    )
    query = request.query.get("q", "").strip()[:200]
    story_ids: list[int] | None = None
    if query:
        async with deps.uow_factory() as uow:
            hits = await uow.articles.search(query, limit=SEARCH_HITS)
        story_ids = await deps.read_model.stories_of_articles([hit.article_id for hit in hits])
    digests = await deps.read_model.digests(
        channel_id=channel_id,
        lang=language,
        story_ids=story_ids,
        before=_int(request.query.get("before")),
        limit=PAGE_SIZE,
    )
    return page(
        request,
        "digests.html",
        digests=digests,
        channels=await deps.read_model.channels(),
        channel_id=channel_id,
        language=language,
        query=query,
        older=digests[-1].id if len(digests) == PAGE_SIZE else None,
    )


def _digest_context(digest: Digest) -> dict[str, Any]:
    """The labels a digest is posted with, in its own language."""
    return {
        "digest": digest,
        "method": method_line(digest),
        "sources_word": sources_label(digest.lang),
        "update_word": update_prefix(digest.lang),
        "also_word": also_label(digest.lang),
    }


async def digest(request: web.Request) -> web.StreamResponse:
    """One digest as it was posted, with its links, votes and deliveries."""
    deps = request.app[DEPS]
    digest_id = int(request.match_info["digest_id"])
    async with deps.uow_factory() as uow:
        found = await uow.digests.get(digest_id)
    if found is None:
        return page(request, "message.html", status=404, message="not_found")
    return page(
        request,
        "digest.html",
        public=False,
        votes=await deps.read_model.votes_of(digest_id),
        deliveries=await deps.read_model.deliveries_of(digest_id),
        public_url=deps.links.url(digest_id) or f"/d/{deps.links.public_id(digest_id)}",
        **_digest_context(found),
    )


async def public_digest(request: web.Request) -> web.StreamResponse:
    """A digest shared by its unguessable id: that digest only, no sign-in."""
    deps = request.app[DEPS]
    digest_id = deps.links.digest_of(request.match_info["public_id"])
    found = None
    if digest_id is not None:
        async with deps.uow_factory() as uow:
            found = await uow.digests.get(digest_id)
    if found is None:
        return page(request, "message.html", status=404, message="not_found")
    return page(
        request,
        "digest.html",
        public=True,
        votes={},
        deliveries=[],
        public_url=None,
        **_digest_context(found),
    )
