"""A news day for the service tests: labelled reports served by outlets, ingested for real.

Reports come from `tests/fixtures/stories/reports.jsonl` (short real-style reports in Hindi
and English, each labelled with the event it reports). `OutletReader` serves each source
(one per outlet) the reports given to it, as a feed would, so ingest, deduplication, story
assignment and storage all run as in production; only the network is left out (the reader
has its own tests against real servers).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.sources import FetchedArticle, Source, SourceFetch
from bot.errors import SourceError
from bot.services.ingest import IngestReport, ingest_due
from bot.services.stories import StoryAssigner
from bot.sources.base import KnownUrls
from bot.text.normalize import normalize_text

REPORTS = Path(__file__).resolve().parent.parent / "fixtures" / "stories" / "reports.jsonl"


@dataclass(frozen=True)
class Report:
    """One labelled report."""

    id: str
    event: str
    lang: str
    title: str
    text: str


@functools.cache
def reports() -> tuple[Report, ...]:
    """Every labelled report of the fixture, in file order."""
    rows = [json.loads(line) for line in REPORTS.read_text("utf-8").splitlines() if line.strip()]
    return tuple(
        Report(r["id"], r["event"], r["lang"], r["title"], normalize_text(r["text"])) for r in rows
    )


def of_event(event: str) -> list[Report]:
    """The reports of one event."""
    return [r for r in reports() if r.event == event]


def singles(count: int, *, lang: str | None = None) -> list[Report]:
    """The first `count` reports of events that have one report only (unrelated to each other)."""
    events: dict[str, list[Report]] = {}
    for report in reports():
        events.setdefault(report.event, []).append(report)
    lone = [
        rs[0] for rs in events.values() if len(rs) == 1 and (lang is None or rs[0].lang == lang)
    ]
    return lone[:count]


#: What other outlets add around the same facts (English reports only).
_ANGLES = (
    "Analysts said the decision had been widely expected and reaction was muted.",
    "Opposition leaders questioned the timing and demanded a fuller explanation.",
    "Officials said further steps would be announced over the coming weeks.",
    "Industry groups welcomed the move but warned of higher costs in the short run.",
    "Residents interviewed on Sunday said they were still waiting for clarity.",
    "Experts cautioned that the long-term effects would take months to assess.",
)


def rewritten(report: Report, outlet: str, variant: int = 0) -> Report:
    """The same event as another outlet reports it: its own lead sentence on the facts and
    its own angle around them (`variant`), as happens when outlets cover one press release;
    different variants are not near-copies of each other."""
    paragraphs = report.text.split("\n\n")
    lead = paragraphs[0]
    if len(paragraphs) > 1:
        lead += " " + paragraphs[-1].split(". ")[0].rstrip(".") + "."
    angles = " ".join(_ANGLES[(variant + i) % len(_ANGLES)] for i in range(3))
    title = f"{report.title} ({outlet})"
    return Report(f"{report.id}@{outlet}", report.event, report.lang, title, f"{lead}\n\n{angles}")


class OutletReader:
    """A `SourceReader` serving each source (by URL) the reports queued for it, once."""

    def __init__(self) -> None:
        self._queued: dict[str, list[FetchedArticle]] = {}

    def publish(self, source_url: str, items: Iterable[tuple[Report, datetime]]) -> None:
        """Queue reports for the source's next poll, with their publication times."""
        outlet = source_url.split("/")[2]
        self._queued.setdefault(source_url, []).extend(
            FetchedArticle(
                url=f"https://{outlet}/{report.id.replace('.', '-')}",
                title=report.title,
                text=report.text,
                lang=report.lang,
                published_at=at,
            )
            for report, at in items
        )

    async def read(self, source: Source, *, known_urls: KnownUrls | None = None) -> SourceFetch:
        items = self._queued.pop(source.url, [])
        return SourceFetch(source_url=source.url, articles=items, not_modified=not items)

    async def extract(self, location: str) -> FetchedArticle:
        raise SourceError(f"no page at {location} in this test")

    async def probe(self, location: str, *, allow_files: bool = False) -> SourceFetch:
        return SourceFetch(source_url=location)

    async def aclose(self) -> None:
        pass


async def add_outlets(
    uow_factory: UnitOfWorkFactory, names: Sequence[str], *, priorities: Sequence[int] = ()
) -> dict[str, Source]:
    """One feed source per outlet, `https://<name>/feed`, by outlet name."""
    sources = {}
    async with uow_factory() as uow:
        for i, name in enumerate(names):
            priority = priorities[i] if i < len(priorities) else 0
            sources[name] = await uow.sources.add(
                Source(url=f"https://{name}/feed", name=name, priority=priority)
            )
        await uow.commit()
    return sources


async def poll(
    uow_factory: UnitOfWorkFactory,
    reader: OutletReader,
    sources: dict[str, Source],
    now: datetime,
    *,
    stories: StoryAssigner | None = None,
) -> list[IngestReport]:
    """Poll every outlet once, as the ingest tick does."""
    ids = [s.id for s in sources.values() if s.id is not None]
    return await ingest_due(uow_factory, reader, now=now, only=ids, stories=stories)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
