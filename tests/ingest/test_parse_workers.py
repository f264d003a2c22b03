"""Big feeds parsed in worker processes: the same articles as parsing here, and no document
lost when a worker dies or workers cannot be started at all."""

from __future__ import annotations

import logging
import multiprocessing.context
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator

import pytest

from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.sources import FetchedArticle, Source
from bot.services.ingest import ingest_due
from bot.sources.parse_pool import ParsePool
from bot.sources.reader import WebSourceReader
from bot.text.similarity import content_hash, simhash
from tests.fakes.web_server import FakeWebServer
from tests.ingest.conftest import NOW, add_source, rss, stored_source
from tests.ingest.test_hostile_web import billion_laughs

RSS = "application/rss+xml"
_HINDI = [
    "सरकार",
    "बाजार",
    "मानसून",
    "बारिश",
    "किसान",
    "कीमत",
    "विकास",
    "रिपोर्ट",
    "मंत्री",
    "राज्य",
    "शहर",
    "नदी",
    "अस्पताल",
    "स्कूल",
]
_ENGLISH = [
    "government",
    "market",
    "monsoon",
    "rain",
    "farmers",
    "prices",
    "growth",
    "report",
    "minister",
    "state",
    "city",
]


def story(n: int) -> str:
    """About 250 words of distinct text, Hindi for odd `n`: no two items are near-copies."""
    rng = random.Random(n)
    hindi = n % 2 == 1
    words, stop, glue = (_HINDI, "।", " है और ") if hindi else (_ENGLISH, ".", " is the ")
    sentences = [
        glue.join(" ".join(rng.choices(words, k=6)) for _ in range(2)) + stop for _ in range(20)
    ]
    return "<p>" + " ".join(sentences) + "</p>"


#: Forty full-text items, half Hindi, half English: above the inline limit.
ITEMS = [(f"Story {n}", f"https://news.example/{n}", story(n)) for n in range(40)]
BIG_FEED = rss("Big feed", ITEMS)


@pytest.fixture
async def pool_reader() -> AsyncIterator[WebSourceReader]:
    reader = WebSourceReader(allow_private_urls=True, parse_pool=ParsePool(2, start_after=0))
    yield reader
    await reader.aclose()


def comparable(articles: list[FetchedArticle]) -> list[tuple[object, ...]]:
    return [(a.url, a.title, a.text, a.lang, a.canonical_url, a.fingerprint) for a in articles]


async def test_a_big_feed_parsed_in_workers_gives_the_articles_parsing_here_gives(
    server: FakeWebServer, pool_reader: WebSourceReader, reader: WebSourceReader
) -> None:
    assert len(BIG_FEED.encode()) > pool_reader.parse_pool.inline_below
    server.serve("/big.xml", BIG_FEED, content_type=RSS)
    source = Source(url=server.url("/big.xml"), name="big")

    in_workers = await pool_reader.read(source)
    here = await reader.read(source)

    assert in_workers.error is None and len(in_workers.articles) == 40
    assert pool_reader.parse_pool.started and len(pool_reader.parse_pool.worker_pids) >= 1
    assert os.getpid() not in pool_reader.parse_pool.worker_pids
    assert not reader.parse_pool.started
    assert comparable(in_workers.articles) == comparable(here.articles)
    for article in in_workers.articles:
        assert article.fingerprint is not None
        assert article.fingerprint.content_hash == content_hash(article.text)
        assert article.fingerprint.simhash == simhash(article.text)
    assert {a.lang for a in in_workers.articles} == {"hi", "en"}


async def test_small_feeds_are_parsed_here_without_starting_a_worker(
    server: FakeWebServer, pool_reader: WebSourceReader
) -> None:
    server.serve("/small.xml", rss("Small", ITEMS[:3]), content_type=RSS)

    fetch = await pool_reader.read(Source(url=server.url("/small.xml"), name="small"))

    assert len(fetch.articles) == 3
    assert not pool_reader.parse_pool.started


async def test_workers_start_only_once_enough_big_documents_were_parsed_here(
    server: FakeWebServer,
) -> None:
    server.serve("/big.xml", BIG_FEED, content_type=RSS)
    size = len(BIG_FEED.encode())
    reader = WebSourceReader(allow_private_urls=True, parse_pool=ParsePool(2, start_after=2 * size))
    source = Source(url=server.url("/big.xml"), name="big")

    started = []
    for _ in range(3):
        fetch = await reader.read(source)
        assert len(fetch.articles) == 40
        started.append(reader.parse_pool.started)
    await reader.aclose()

    assert started == [False, False, True]


async def test_ingest_through_workers_stores_every_article_once(
    uow_factory: UnitOfWorkFactory, server: FakeWebServer, pool_reader: WebSourceReader
) -> None:
    server.serve("/big.xml", BIG_FEED, content_type=RSS)
    source = await add_source(uow_factory, server.url("/big.xml"))

    (first,) = await ingest_due(uow_factory, pool_reader, now=NOW)
    (again,) = await ingest_due(uow_factory, pool_reader, now=NOW, only=[source.id or 0])

    assert (first.new, first.duplicates, first.error) == (40, 0, None)
    assert (again.new, again.duplicates) == (0, 40)


async def test_a_refused_feed_says_why_when_a_worker_refused_it(
    uow_factory: UnitOfWorkFactory, server: FakeWebServer, pool_reader: WebSourceReader
) -> None:
    padded = billion_laughs().replace("<channel>", "<channel>" + "<!-- pad -->" * 8000, 1)
    assert len(padded.encode()) > pool_reader.parse_pool.inline_below
    server.serve("/laughs.xml", padded, content_type=RSS)
    source = await add_source(uow_factory, server.url("/laughs.xml"))

    (report,) = await ingest_due(uow_factory, pool_reader, now=NOW)

    stored = await stored_source(uow_factory, source.id)
    assert report.error is not None and "declares XML entities" in report.error
    assert stored.last_error == report.error and stored.consecutive_failures == 1


async def test_a_killed_worker_costs_a_restart_not_a_document(
    server: FakeWebServer, pool_reader: WebSourceReader
) -> None:
    server.serve("/big.xml", BIG_FEED, content_type=RSS)
    source = Source(url=server.url("/big.xml"), name="big")
    pool = pool_reader.parse_pool
    await pool.start()
    before = pool.worker_pids
    for pid in before:
        os.kill(pid, signal.SIGKILL)

    fetch = await pool_reader.read(source)
    later = await pool_reader.read(source)

    assert fetch.error is None and len(fetch.articles) == 40
    assert later.error is None and len(later.articles) == 40
    assert pool.started and pool.worker_pids and not set(pool.worker_pids) & set(before)


async def test_when_workers_cannot_start_documents_are_parsed_here(
    server: FakeWebServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.context.ForkServerProcess, "_Popen", refuse)
    server.serve("/big.xml", BIG_FEED, content_type=RSS)
    reader = WebSourceReader(allow_private_urls=True, parse_pool=ParsePool(2, start_after=0))

    with caplog.at_level(logging.ERROR, logger="bot.sources.parse_pool"):
        fetch = await reader.read(Source(url=server.url("/big.xml"), name="big"))
    await reader.aclose()

    assert fetch.error is None and len(fetch.articles) == 40
    assert reader.parse_pool.workers == 0 and not reader.parse_pool.started
    assert "cannot start parse workers" in caplog.text


_BOT_WITH_WORKERS = """
import asyncio, sys
from bot.sources.parse_pool import ParsePool

async def main():
    pool = ParsePool(2)
    await pool.start()
    print(" ".join(map(str, pool.worker_pids)), flush=True)
    await asyncio.sleep(60)

asyncio.run(main())
"""


def test_workers_exit_when_the_bot_is_killed() -> None:
    bot = subprocess.Popen(
        [sys.executable, "-c", _BOT_WITH_WORKERS], stdout=subprocess.PIPE, text=True
    )
    assert bot.stdout is not None
    workers = [int(pid) for pid in bot.stdout.readline().split()]
    assert len(workers) == 2 and all(_alive(pid) for pid in workers)

    bot.kill()  # SIGKILL: nothing in the bot runs to stop them
    bot.wait()

    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting for its parent counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
