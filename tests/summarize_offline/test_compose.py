from __future__ import annotations

from datetime import UTC, datetime

from bot.digest.compose import OfflineDigestComposer
from bot.domain.articles import Article, Summary
from bot.domain.digests import Digest, SourceLink
from bot.domain.languages import Lang
from bot.summarize.base import DigestComposer
from bot.summarize.offline import ExtractiveSummarizer
from tests.summarize_offline.articles import corpus_article, fixture
from tests.text.corpus import corpus_prefixes

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


async def _summarized(lang: Lang, articles: list[Article]) -> list[tuple[Article, Summary]]:
    summarizer = ExtractiveSummarizer()
    return [(a, await summarizer.summarize(a, lang)) for a in articles]


def _composer() -> DigestComposer:
    return OfflineDigestComposer()


def _corpus() -> list[Article]:
    return [corpus_article(p, i, hours_ago=i) for i, p in enumerate(corpus_prefixes(), start=1)]


async def test_hindi_digest_of_the_corpus_is_one_item_with_every_source() -> None:
    articles = _corpus()
    entries = await _summarized("hi", articles)

    digest = await _composer().compose("hi", entries, now=NOW)

    assert digest.title == "समाचार सार — 26 नवंबर 2026"
    assert digest.lang == "hi"
    assert (digest.prompt_hash, digest.model) == ("compose-extract-v1", "offline")
    (item,) = digest.items
    assert item.body
    assert item.note is None
    assert item.method == "extract"
    assert sorted(item.article_ids) == [1, 2, 3, 4, 5]
    assert {link.url for link in item.links} == {a.canonical_url for a in articles}
    assert all(isinstance(link, SourceLink) and link.article_id for link in item.links)
    assert digest.is_extract


async def test_item_headline_and_body_come_from_one_summary_of_the_group() -> None:
    entries = await _summarized("hi", _corpus())

    digest = await _composer().compose("hi", entries, now=NOW)

    (item,) = digest.items
    assert any((item.headline, item.body) == (s.headline, s.text) for _, s in entries)


async def test_english_digest_of_hindi_articles_says_untranslated() -> None:
    entries = await _summarized("en", _corpus())

    digest = await _composer().compose("en", entries, now=NOW)

    assert digest.title == "News digest — 26 November 2026"
    (item,) = digest.items
    assert item.body == ""
    assert item.note is not None
    assert "Hindi" in item.note and "OPENAI_API_KEY" in item.note
    assert item.headline in {a.title for a, _ in entries}
    assert len(item.links) == 5


async def test_mixed_digest_keeps_unrelated_stories_apart_and_translated_ones_readable() -> None:
    articles = [
        *_corpus(),
        fixture("en_monsoon_rainfall.txt", 10),
        fixture("hi_cricket_series.txt", 11),
    ]
    entries = await _summarized("en", articles)

    digest = await _composer().compose("en", entries, now=NOW)

    assert len(digest.items) == 3
    deepseek, *others = digest.items
    assert len(deepseek.article_ids) == 5 and deepseek.note
    monsoon = next(i for i in others if i.article_ids == [10])
    assert monsoon.body and monsoon.note is None
    cricket = next(i for i in others if i.article_ids == [11])
    assert cricket.body == "" and cricket.note and "Hindi" in cricket.note


async def test_links_use_the_stored_canonical_url() -> None:
    article = fixture("en_monsoon_rainfall.txt", 10)
    article.canonical_url = "https://weather.example/monsoon-2026"

    digest = await _composer().compose("en", await _summarized("en", [article]), now=NOW)

    assert digest.items[0].links == [
        SourceLink(title=article.title, url="https://weather.example/monsoon-2026", article_id=10)
    ]


#: Ten unrelated stories: no content word is shared between two of them.
TEN_STORIES = [
    ("Railway freight corridor opens", "Ludhiana trains reach Kolkata docks within twenty hours."),
    (
        "Electricity tariffs climb",
        "Maharashtra shopkeepers will pay higher power bills from April.",
    ),
    ("Toll plazas go cashless", "FASTag wallets replace booth cashiers along expressways."),
    ("Pipeline reaches Bundelkhand", "Villagers finally get clean drinking water through taps."),
    ("Exam calendar revised", "Schoolchildren sit board papers during February instead."),
    (
        "Robotic surgery wing inaugurated",
        "Lucknow doctors perform keyhole operations using robots.",
    ),
    ("Penal charges capped", "Borrowers paying late instalments face smaller fines."),
    ("Wheat procurement record", "Punjab farmers sold thirty million tonnes grain."),
    ("Parcel lockers launched", "Postal customers collect packages inside metro stations."),
    ("Airline orders narrowbody jets", "Forty aircraft will serve regional routes."),
]


async def test_digest_never_has_more_than_max_items() -> None:
    articles = []
    for i, (title, text) in enumerate(TEN_STORIES, start=1):
        article = fixture("en_monsoon_rainfall.txt", i)
        article.title, article.text = title, f"{text} Officials confirmed this week."
        articles.append(article)

    digest = await _composer().compose("en", await _summarized("en", articles), now=NOW)

    assert len(digest.items) == Digest.MAX_ITEMS


async def test_style_note_is_kept_on_the_digest() -> None:
    entries = await _summarized("en", [fixture("en_monsoon_rainfall.txt", 1)])

    digest = await _composer().compose("en", entries, now=NOW, style_note="brief")

    assert digest.style_note == "brief"
    assert digest.created_at == NOW


async def test_no_entries_make_an_empty_digest() -> None:
    digest = await _composer().compose("hi", [], now=NOW)

    assert digest.items == []
    assert digest.title == "समाचार सार — 26 नवंबर 2026"
