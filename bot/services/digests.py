"""Compose digests from chosen stories: summarize only what is shown, in parallel, then word it.

LLM calls grow with the stories shown, never with the articles ingested: each chosen story
is summarized from one representative report per language (cached, so a story shown to many
channels or again tomorrow costs nothing more), all missing summaries of a run are written
concurrently, and each distinct digest is composed once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import metrics
from bot.digest.compose import OfflineDigestComposer
from bot.digest.ranking import ChannelTaste, Selection, representative, select, shown_reports
from bot.domain.articles import Article, Summary
from bot.domain.digests import Digest, SourceLink, StoryEntry
from bot.domain.languages import Lang
from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.stories import StoryReport
from bot.services.selection import candidate_stories
from bot.services.summaries import ensure_summaries
from bot.summarize.base import DigestComposer, Summarizer

log = logging.getLogger(__name__)

#: The longest a digest may wait for the LLM; past it, extracts and the offline composer finish.
DIGEST_TIME_CAP = timedelta(minutes=3)

#: (language, representative article id) → that article and its summary in the language.
Summaries = dict[tuple[Lang, int], tuple[Article, Summary]]
#: (language, story id) → the report the story is summarized from in that language.
Representatives = dict[tuple[Lang, int], StoryReport]


@dataclass(frozen=True)
class DigestRequest:
    """One digest to compose: a language, a selection of stories and a channel style note."""

    lang: Lang
    selection: Selection
    style_note: str = ""


async def representatives(
    uow_factory: UnitOfWorkFactory, summarizer: Summarizer, requests: Sequence[DigestRequest]
) -> Representatives:
    """Per language and chosen story, the report it is summarized from: one already
    summarized by this summarizer when the story has one in the language, so a story that
    grew keeps its summary and costs no new call."""
    reports: dict[Lang, set[int]] = {}
    for request in requests:
        ids = reports.setdefault(request.lang, set())
        for pick in request.selection.picks:
            ids.update(r.article_id for r in pick.reports)
    summarized: dict[Lang, set[int]] = {}
    async with uow_factory() as uow:
        for lang, ids in reports.items():
            summarized[lang] = await uow.summaries.summarized(
                sorted(ids), lang, summarizer.prompt_hash, summarizer.model
            )
    return {
        (request.lang, pick.story_id): representative(
            pick.reports, request.lang, summarized=summarized[request.lang]
        )
        for request in requests
        for pick in request.selection.picks
    }


async def summarize_shown(
    uow_factory: UnitOfWorkFactory,
    summarizer: Summarizer,
    fallback: Summarizer,
    chosen: Representatives,
    *,
    deadline: float | None = None,
) -> Summaries:
    """The summary of every chosen representative report, every language at once."""
    wanted: dict[Lang, list[int]] = {}
    for (lang, _), report in chosen.items():
        ids = wanted.setdefault(lang, [])
        if report.article_id not in ids:
            ids.append(report.article_id)
    async with uow_factory() as uow:
        articles = {
            a.id: a
            for a in await uow.articles.get_many([i for ids in wanted.values() for i in ids])
        }
    langs = list(wanted)
    results = await asyncio.gather(
        *(
            ensure_summaries(
                uow_factory,
                summarizer,
                fallback,
                [articles[i] for i in wanted[lang] if i in articles],
                lang,
                deadline=deadline,
            )
            for lang in langs
        )
    )
    return {
        (lang, article.id or 0): (article, summary)
        for lang, pairs in zip(langs, results, strict=True)
        for article, summary in pairs
    }


def story_entries(
    request: DigestRequest, chosen: Representatives, summaries: Summaries
) -> list[StoryEntry]:
    """The chosen stories of a request as a composer receives them, in the selection's order."""
    entries = []
    for pick in request.selection.picks:
        report = chosen[(request.lang, pick.story_id)]
        found = summaries.get((request.lang, report.article_id))
        if found is None:
            log.warning("story %s has no stored representative; left out", pick.story_id)
            continue
        article, summary = found
        entries.append(
            StoryEntry(
                story_id=pick.story_id,
                article=article,
                summary=summary,
                links=tuple(_link(r) for r in shown_reports(pick, report)),
                article_ids=tuple(r.article_id for r in pick.reports),
                is_update=pick.is_update,
                outlets=len(pick.outlets),
            )
        )
    return entries


def also_links(request: DigestRequest) -> list[SourceLink]:
    """The "also" headlines after the items: one link per story, no summary."""
    return [_link(representative(p.reports, request.lang)) for p in request.selection.also]


async def compose_digests(
    uow_factory: UnitOfWorkFactory,
    requests: Sequence[DigestRequest],
    *,
    summarizer: Summarizer,
    fallback: Summarizer,
    composer: DigestComposer,
    now: datetime,
    since: timedelta,
    time_cap: timedelta | None = DIGEST_TIME_CAP,
    offline_composer: DigestComposer | None = None,
) -> list[Digest]:
    """Compose and store one digest per request (in order), sharing every summary.

    The summaries come first, all at once; then every digest is composed at once. A stalled
    LLM cannot hold the digests longer than `time_cap` (None: no cap): what is left is
    finished offline, labelled.
    """
    if not requests:
        return []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + time_cap.total_seconds() if time_cap is not None else None
    chosen = await representatives(uow_factory, summarizer, requests)
    summaries = await summarize_shown(uow_factory, summarizer, fallback, chosen, deadline=deadline)
    offline = offline_composer or OfflineDigestComposer()
    digests = await asyncio.gather(
        *(
            _compose_within(
                composer,
                offline,
                request,
                story_entries(request, chosen, summaries),
                now=now,
                deadline=deadline,
            )
            for request in requests
        )
    )
    stored = []
    async with uow_factory() as uow:
        for digest in digests:
            digest.period_start = now - since
            digest.period_end = now
            stored.append(await uow.digests.add(digest))
        await uow.commit()
    for digest in stored:
        metrics.DIGESTS.labels(digest.lang).inc()
    return stored


async def compose_digest(
    uow_factory: UnitOfWorkFactory,
    *,
    summarizer: Summarizer,
    fallback: Summarizer,
    composer: DigestComposer,
    lang: Lang,
    now: datetime,
    since: timedelta = timedelta(hours=24),
    style_note: str = "",
    time_cap: timedelta | None = DIGEST_TIME_CAP,
    offline_composer: DigestComposer | None = None,
    size: int = Digest.MAX_ITEMS,
) -> Digest | None:
    """The window's biggest stories as one stored digest, for no channel in particular
    (nothing counts as sent before); None when no report arrived in the window."""
    candidates = await candidate_stories(uow_factory, now=now, since=since)
    selection = select(candidates, ChannelTaste(size=size), now)
    if not selection:
        return None
    [digest] = await compose_digests(
        uow_factory,
        [DigestRequest(lang, selection, style_note)],
        summarizer=summarizer,
        fallback=fallback,
        composer=composer,
        now=now,
        since=since,
        time_cap=time_cap,
        offline_composer=offline_composer,
    )
    return digest


async def _compose_within(
    composer: DigestComposer,
    offline: DigestComposer,
    request: DigestRequest,
    entries: Sequence[StoryEntry],
    *,
    now: datetime,
    deadline: float | None,
) -> Digest:
    """The composer's digest, or the offline composer's when the time cap runs out first."""
    lang, style_note, also = request.lang, request.style_note, also_links(request)
    if deadline is None or asyncio.get_running_loop().time() < deadline:
        try:
            async with asyncio.timeout_at(deadline):
                return await composer.compose(
                    lang, entries, now=now, style_note=style_note, also=also
                )
        except TimeoutError:
            pass
    log.warning("the %s digest ran out of time for the LLM; composing it offline", lang)
    return await offline.compose(lang, entries, now=now, style_note=style_note, also=also)


def _link(report: StoryReport) -> SourceLink:
    """Links come only from stored articles, never from a model's text."""
    return SourceLink(title=report.title, url=report.url, article_id=report.article_id)
