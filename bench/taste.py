"""A channel's own news at volume: choosing 100 channels' stories with and without their taste.

The day is the news day's (`bench.news_day_material`: 1,000 reports from 50 outlets, stories
of one to twenty reports), stored directly and grouped into stories. 100 channels choose
their 8 stories for the 08:00 slot, twice on the same database:

- **plain**: every channel follows every (shared) source and has no topics, mutes or votes;
- **with taste**: 10 outlets are private sources, each added by one chat; every channel
  unfollows 5 shared outlets, keeps 10 topics and 5 mutes (words of the day's headlines, in
  Hindi and English) and has voted 30 times on the items of an earlier digest.

What is timed is `select_stories` for all 100 channels, as a slot runs it (stories read,
sources followed, topics matched against every report's title and text, votes weighed);
no LLM is involved. The ratio of the two runs is the cost of the channels' taste.

Usage: python -m bench.taste
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.harness import Section
from bench.news_day_material import SLOT, build_day
from bot.digest.topics import Phrase, StoryMatcher
from bot.domain.articles import Article
from bot.domain.channels import Channel
from bot.domain.digests import Digest, DigestItem
from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.sources import Source
from bot.domain.votes import DOWN, UP, Vote
from bot.services.selection import candidate_stories, select_stories
from bot.services.stories import StoryAssigner
from bot.services.taste import story_texts
from bot.text.words import WORD
from storage.db import make_engine
from storage.migrate import upgrade_to_head
from storage.uow import make_uow_factory

CHANNELS, OUTLETS, PRIVATE, UNFOLLOWED = 100, 50, 10, 5
TOPICS, MUTES, VOTES, ROUNDS = 10, 5, 30, 3


def _outlet(n: int) -> str:
    return f"{'en-news' if n < 30 else 'hi-samachar'}-{n:02d}.example"


async def _store_day(uow_factory: UnitOfWorkFactory, rng: random.Random) -> list[str]:
    """The day's reports as stored articles of 50 shared sources, grouped into stories;
    returns the day's headline words (for topics)."""
    day = build_day(rng)
    async with uow_factory() as uow:
        # The first PRIVATE outlets were added in chats (one chat each), the rest by the operator.
        sources = [
            await uow.sources.add(
                Source(url=f"https://{_outlet(n)}/feed", name=_outlet(n), shared=n >= PRIVATE)
            )
            for n in range(OUTLETS)
        ]
        articles = [
            Article(
                source_id=sources[r.outlet].id,
                url=f"https://{_outlet(r.outlet)}/{r.number}",
                canonical_url=f"https://{_outlet(r.outlet)}/{r.number}",
                title=r.report.title,
                text=r.report.text,
                lang=r.report.lang,
                content_hash=hashlib.sha256(r.report.text.encode()).hexdigest(),
                published_at=r.published,
                fetched_at=r.published,
            )
            for r in day
        ]
        await uow.articles.add_many(articles)
        await uow.commit()
    await StoryAssigner().assign_pending(uow_factory, SLOT)
    words = [w for r in day for w in WORD.findall(r.report.title) if len(w) >= 5]
    return sorted(set(words))


async def _channels(uow_factory: UnitOfWorkFactory) -> list[Channel]:
    """100 chats; the first PRIVATE each own one of the private sources."""
    async with uow_factory() as uow:
        channels = [
            await uow.channels.get_or_create("telegram", str(-1000 - n)) for n in range(CHANNELS)
        ]
        private = [s for s in await uow.sources.list() if not s.shared]
        for channel, source in zip(channels, private, strict=False):
            await uow.follows.own(channel.id or 0, source.id or 0, "bench")
        await uow.commit()
    return channels


async def _add_taste(
    uow_factory: UnitOfWorkFactory,
    channels: list[Channel],
    words: list[str],
    rng: random.Random,
) -> None:
    """Unfollows, topics, mutes and votes on the items of an earlier digest."""
    candidates = await candidate_stories(uow_factory, now=SLOT, since=timedelta(hours=24))
    voted_on = rng.sample(candidates, min(VOTES, len(candidates)))
    async with uow_factory() as uow:
        shared = [s for s in await uow.sources.list() if s.shared]
        digest = await uow.digests.add(
            Digest(
                lang="en",
                title="earlier",
                items=[
                    DigestItem(
                        headline=c.story.title,
                        body="",
                        links=[],
                        method="extract",
                        article_ids=[r.article_id for r in c.reports],
                        story_id=c.story_id,
                    )
                    for c in voted_on
                ],
                created_at=SLOT - timedelta(days=1),
                period_end=SLOT - timedelta(days=1),
            )
        )
        for n, channel in enumerate(channels):
            assert channel.id is not None and digest.id is not None
            await uow.deliveries.create(digest.id, channel.id)
            for source in rng.sample(shared, UNFOLLOWED):
                await uow.follows.unfollow(channel.id, source.id or 0)
            phrases = rng.sample(words, TOPICS + MUTES)
            for phrase in phrases[:TOPICS]:
                await uow.topics.add(channel.id, "topic", phrase)
            for phrase in phrases[TOPICS:]:
                await uow.topics.add(channel.id, "mute", phrase)
            for item in digest.items:
                assert item.id is not None
                value = UP if rng.random() < 0.5 else DOWN
                await uow.votes.cast(
                    Vote(channel.id, item.id, f"telegram:{n}", value), at=SLOT - timedelta(days=1)
                )
        await uow.commit()


async def _time_selection(uow_factory: UnitOfWorkFactory, channels: list[Channel]) -> float:
    """The fastest of ROUNDS selections of every channel's stories, in seconds."""
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.perf_counter()
        await select_stories(uow_factory, channels, now=SLOT, since=timedelta(hours=24))
        best = min(best, time.perf_counter() - started)
    return best


async def _topic_matching(uow_factory: UnitOfWorkFactory, words: list[str]) -> tuple[float, int]:
    """Seconds to match 15 phrases against every report of the window, cold; reports read."""
    candidates = await candidate_stories(uow_factory, now=SLOT, since=timedelta(hours=24))
    async with uow_factory() as uow:
        texts = await story_texts(uow, candidates)
    phrases = [Phrase(w) for w in random.Random(3).sample(words, TOPICS + MUTES)]
    started = time.perf_counter()
    matcher = StoryMatcher(texts)
    for candidate in candidates:
        matcher.matching(candidate, phrases)
    return time.perf_counter() - started, len(texts)


async def _run() -> list[Section]:
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'taste.db'}"
        await upgrade_to_head(url)
        engine = make_engine(url)
        try:
            uow_factory = make_uow_factory(engine)
            words = await _store_day(uow_factory, rng)
            channels = await _channels(uow_factory)
            plain = await _time_selection(uow_factory, channels)
            await _add_taste(uow_factory, channels, words, rng)
            tasteful = await _time_selection(uow_factory, channels)
            matching, reports = await _topic_matching(uow_factory, words)
            selections = await select_stories(
                uow_factory, channels, now=SLOT, since=timedelta(hours=24)
            )
        finally:
            await engine.dispose()
    shown = [len(s.picks) for s in selections.values()]
    rows = [
        ["plain: every source shared, no topics, mutes or votes", f"{plain:.2f}",
         f"{plain / CHANNELS * 1000:.1f}", "1.00×"],
        [f"with taste: {UNFOLLOWED} unfollowed, {TOPICS} topics, {MUTES} mutes, {VOTES} votes "
         "each", f"{tasteful:.2f}", f"{tasteful / CHANNELS * 1000:.1f}",
         f"{tasteful / plain:.2f}×"],
    ]  # fmt: skip
    notes = [
        f"{reports} reports in the window; matching {TOPICS + MUTES} phrases against all of "
        f"them (title and text, both scripts) takes {matching * 1000:.0f} ms cold, once per "
        "selection whatever the number of channels.",
        f"Every channel got {min(shown)}–{max(shown)} stories; {PRIVATE} of the 50 outlets are "
        "private sources of one chat each (in both runs).",
        f"Fastest of {ROUNDS} runs each, one process, SQLite; no LLM call is part of choosing.",
    ]
    return [
        Section(
            title="Each channel's own news: choosing 100 channels' stories with their taste",
            command="python -m bench taste",
            header=["channels", "select 100 channels (s)", "per channel (ms)", "vs plain"],
            rows=rows,
            notes=notes,
        )
    ]


def run() -> list[Section]:
    """The benchmark, for `python -m bench taste`."""
    return asyncio.run(_run())


if __name__ == "__main__":
    for section in run():
        print(section.markdown())
