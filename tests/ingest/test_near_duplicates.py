"""Near-copies across sources: linked to their original, never summarized or posted twice."""

from __future__ import annotations

import random
from datetime import timedelta
from html import escape

from hypothesis import given
from hypothesis import strategies as st

from bot.digest.compose import OfflineDigestComposer
from bot.domain.articles import Article, Summary
from bot.domain.languages import Lang
from bot.domain.repositories import UnitOfWorkFactory
from bot.services.digests import compose_digest
from bot.services.ingest import ingest_due
from bot.sources.reader import WebSourceReader
from bot.summarize.offline import ExtractiveSummarizer
from bot.text.similarity import NEAR_DUPLICATE_DISTANCE, SimhashIndex, hamming
from tests.fakes.web_server import FakeWebServer
from tests.ingest.conftest import NOW, add_source, rss
from tests.text.corpus import corpus_file, corpus_prefixes


class RecordingSummarizer(ExtractiveSummarizer):
    """The offline summarizer, remembering which articles it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.article_ids: list[int | None] = []

    async def summarize(self, article: Article, lang: Lang, *, style_note: str = "") -> Summary:
        self.article_ids.append(article.id)
        return await super().summarize(article, lang, style_note=style_note)


def as_html(text: str) -> str:
    return "".join(f"<p>{escape(line)}</p>" for line in text.split("\n") if line.strip())


def syndicated(raw: str) -> str:
    """The article as another portal republishes it: its own header, footer and links."""
    body = raw.split("\n", 4)[4].replace("Exit mobile version", "")
    return f"Site icon Another Portal\n\n{body}\nShare this:\nRelated posts\nकुछ और खबरें\n"


def feed_of(server: FakeWebServer, site: str, stories: list[tuple[str, str]]) -> str:
    items = [
        (title, server.url(f"/{site}/{i}"), as_html(text))
        for i, (title, text) in enumerate(stories)
    ]
    return rss(site, items)


async def test_syndicated_copy_is_linked_to_its_original_and_never_summarized(
    uow_factory: UnitOfWorkFactory, server: FakeWebServer, reader: WebSourceReader
) -> None:
    originals = [(f"मूल लेख {p}", corpus_file(p)) for p in corpus_prefixes()]
    edited = corpus_file("002").replace("सरजिंग न्यूज रिपोर्टर", "हमारे संवाददाता", 1)
    copies = [
        ("डीपसीक जैसे पल अब आम बात हो गए हैं", syndicated(corpus_file("003"))),
        ("संपादित", edited),
    ]
    server.serve(
        "/origin.xml", feed_of(server, "origin", originals), content_type="application/rss+xml"
    )
    server.serve(
        "/portal.xml", feed_of(server, "portal", copies), content_type="application/rss+xml"
    )
    origin = await add_source(uow_factory, server.url("/origin.xml"))
    portal = await add_source(uow_factory, server.url("/portal.xml"))

    (first,) = await ingest_due(uow_factory, reader, now=NOW, only=[origin.id or 0])
    (second,) = await ingest_due(uow_factory, reader, now=NOW, only=[portal.id or 0])

    assert (first.new, first.duplicates) == (5, 0), "unrelated corpus articles must not be linked"
    assert (second.new, second.duplicates) == (0, 2)
    async with uow_factory() as uow:
        everything = await uow.articles.list_since(NOW - timedelta(days=1), originals_only=False)
        shown = await uow.articles.list_since(NOW - timedelta(days=1))
    by_title = {a.title: a for a in everything}
    assert by_title["डीपसीक जैसे पल अब आम बात हो गए हैं"].duplicate_of == by_title["मूल लेख 003"].id
    assert by_title["संपादित"].duplicate_of == by_title["मूल लेख 002"].id
    assert sorted(a.id or 0 for a in shown) == sorted(first.new_article_ids)

    summarizer = RecordingSummarizer()
    digest = await compose_digest(
        uow_factory,
        summarizer=summarizer,
        fallback=summarizer,
        composer=OfflineDigestComposer(),
        lang="hi",
        now=NOW + timedelta(hours=1),
    )
    assert digest is not None
    linked = {link.article_id for item in digest.items for link in item.links}
    covered = {i for item in digest.items for i in item.article_ids}
    copy_ids = {a.id for a in everything if a.duplicate_of is not None}
    # A copy counts for the story it repeats (it is covered, so it never comes back as
    # news), but it is neither linked nor summarized.
    assert linked and not linked & copy_ids and copy_ids <= covered
    assert not set(summarizer.article_ids) & copy_ids


async def test_copy_in_the_same_run_is_linked_to_the_original_stored_just_before(
    uow_factory: UnitOfWorkFactory, server: FakeWebServer, reader: WebSourceReader
) -> None:
    stories = [("मूल", corpus_file("003")), ("दूसरा शीर्षक", syndicated(corpus_file("003")))]
    server.serve("/both.xml", feed_of(server, "both", stories), content_type="application/rss+xml")
    source = await add_source(uow_factory, server.url("/both.xml"))

    (report,) = await ingest_due(uow_factory, reader, now=NOW)

    assert (report.new, report.duplicates) == (1, 1)
    async with uow_factory() as uow:
        copy, original = await uow.articles.list_since(NOW, originals_only=False)
    assert copy.duplicate_of == original.id and original.source_id == source.id


def flip(value: int, bits: list[int]) -> int:
    for bit in bits:
        value ^= 1 << bit
    return value


@given(
    st.integers(1, 2**64 - 1),
    st.lists(st.integers(0, 63), unique=True, max_size=NEAR_DUPLICATE_DISTANCE + 4),
    st.lists(st.integers(1, 2**64 - 1), max_size=30),
)
def test_index_finds_exactly_what_a_full_scan_finds(
    probe: int, bits: list[int], others: list[int]
) -> None:
    index = SimhashIndex()
    stored = [*others, flip(probe, bits)]
    for key, fingerprint in enumerate(stored):
        index.add(key, fingerprint)

    near = [
        (hamming(probe, f), key)
        for key, f in enumerate(stored)
        if f and hamming(probe, f) <= NEAR_DUPLICATE_DISTANCE
    ]
    assert index.nearest(probe) == (min(near)[1] if near else None)


def test_index_prefers_the_closest_then_the_oldest_and_forgets_discarded_keys() -> None:
    index = SimhashIndex(max_distance=4)
    base = random.Random(7).getrandbits(64)
    index.add(10, flip(base, [1, 2, 3]))
    index.add(20, flip(base, [5]))
    index.add(30, flip(base, [9]))

    assert index.nearest(base) == 20
    index.discard(20, flip(base, [5]))
    assert index.nearest(base) == 30
    assert len(index) == 2
    assert index.nearest(flip(base, [40, 41, 42, 43, 44, 45])) is None


def test_empty_text_fingerprint_matches_nothing() -> None:
    index = SimhashIndex()
    index.add(1, 0)

    assert len(index) == 0 and index.nearest(0) is None


def test_a_signed_fingerprint_matches_its_unsigned_stored_form() -> None:
    index = SimhashIndex()
    index.add(1, 2**64 - 5)

    assert index.nearest(-5) == 1
