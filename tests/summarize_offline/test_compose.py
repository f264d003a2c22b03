from __future__ import annotations

from datetime import UTC, datetime

from bot.digest.compose import OfflineDigestComposer
from bot.domain.articles import Article
from bot.domain.digests import SourceLink, StoryEntry
from bot.domain.languages import Lang
from bot.summarize.base import DigestComposer
from bot.summarize.offline import ExtractiveSummarizer
from tests.summarize_offline.articles import corpus_article, fixture
from tests.text.corpus import corpus_prefixes

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def _composer() -> DigestComposer:
    return OfflineDigestComposer()


def _link(article: Article) -> SourceLink:
    return SourceLink(title=article.title, url=article.canonical_url, article_id=article.id)


async def _entry(
    lang: Lang, story_id: int, reports: list[Article], *, is_update: bool = False
) -> StoryEntry:
    """A chosen story as the digest service hands it over: summarized from its first report."""
    summary = await ExtractiveSummarizer().summarize(reports[0], lang)
    return StoryEntry(
        story_id=story_id,
        article=reports[0],
        summary=summary,
        links=tuple(_link(a) for a in reports),
        article_ids=tuple(a.id or 0 for a in reports),
        is_update=is_update,
        outlets=len(reports),
    )


def _corpus() -> list[Article]:
    return [corpus_article(p, i, hours_ago=i) for i, p in enumerate(corpus_prefixes(), start=1)]


async def test_a_story_becomes_one_item_with_its_summary_and_every_shown_source() -> None:
    articles = _corpus()
    entry = await _entry("hi", 7, articles)

    digest = await _composer().compose("hi", [entry], now=NOW)

    assert digest.title == "समाचार सार — 26 नवंबर 2026"
    assert (digest.prompt_hash, digest.model) == ("compose-extract-v2", "offline")
    (item,) = digest.items
    assert (item.headline, item.body) == (entry.summary.headline, entry.summary.text)
    assert item.method == "extract" and item.note is None
    assert item.story_id == 7 and not item.is_update
    assert sorted(item.article_ids) == [1, 2, 3, 4, 5]
    assert [link.url for link in item.links] == [a.canonical_url for a in articles]
    assert digest.is_extract


async def test_items_keep_the_order_the_stories_were_chosen_in() -> None:
    monsoon = await _entry("en", 3, [fixture("en_monsoon_rainfall.txt", 10)])
    deepseek = await _entry("en", 1, [fixture("en_deepseek_chinese_labs.txt", 11)])

    digest = await _composer().compose("en", [monsoon, deepseek], now=NOW)

    assert [item.story_id for item in digest.items] == [3, 1]


async def test_english_digest_of_a_hindi_story_says_untranslated() -> None:
    entry = await _entry("en", 1, _corpus())

    digest = await _composer().compose("en", [entry], now=NOW)

    assert digest.title == "News digest — 26 November 2026"
    (item,) = digest.items
    assert item.body == ""
    assert item.note is not None
    assert "Hindi" in item.note and "OPENAI_API_KEY" in item.note
    assert len(item.links) == 5


async def test_an_update_is_marked_and_covers_only_its_new_reports() -> None:
    new_report = fixture("en_deepseek_chinese_labs.txt", 12)
    entry = await _entry("en", 4, [new_report], is_update=True)

    digest = await _composer().compose("en", [entry], now=NOW)

    (item,) = digest.items
    assert item.is_update and item.article_ids == [12]


async def test_also_headlines_and_style_note_are_kept_on_the_digest() -> None:
    entry = await _entry("en", 1, [fixture("en_monsoon_rainfall.txt", 1)])
    also = [SourceLink(title="Wheat procurement record", url="https://a.example/w", article_id=9)]

    digest = await _composer().compose("en", [entry], now=NOW, style_note="brief", also=also)

    assert digest.also == also
    assert digest.style_note == "brief"
    assert digest.created_at == NOW


async def test_no_stories_make_an_empty_digest() -> None:
    digest = await _composer().compose("hi", [], now=NOW)

    assert digest.items == []
    assert digest.title == "समाचार सार — 26 नवंबर 2026"
