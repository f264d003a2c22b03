from __future__ import annotations

from bot.digest.grouping import group_related, overlap, salient_terms
from bot.domain.articles import Article, Summary
from tests.summarize_offline.articles import corpus_article, fixture
from tests.text.corpus import corpus_prefixes


def _entry(article: Article) -> tuple[Article, Summary]:
    assert article.id is not None
    summary = Summary(
        article_id=article.id,
        lang="hi",
        headline=article.title,
        text="",
        method="extract",
        content_hash=article.content_hash,
    )
    return article, summary


def _ids(groups: list[list[tuple[Article, Summary]]]) -> list[list[int | None]]:
    return [[article.id for article, _ in group] for group in groups]


def test_five_corpus_articles_on_deepseek_form_one_group() -> None:
    entries = [_entry(corpus_article(p, i)) for i, p in enumerate(corpus_prefixes(), start=1)]

    groups = group_related(entries)

    assert len(groups) == 1
    assert sorted(a.id for a, _ in groups[0] if a.id) == [1, 2, 3, 4, 5]


def test_unrelated_articles_stay_separate_from_the_story_and_each_other() -> None:
    corpus = [_entry(corpus_article(p, i)) for i, p in enumerate(corpus_prefixes(), start=1)]
    monsoon = _entry(fixture("en_monsoon_rainfall.txt", 10, hours_ago=1))
    cricket = _entry(fixture("hi_cricket_series.txt", 11, hours_ago=2))

    groups = group_related([monsoon, *corpus, cricket])

    assert [len(g) for g in groups] == [5, 1, 1]
    assert _ids(groups)[1:] == [[10], [11]]


def test_english_report_meets_hindi_reports_through_latin_and_devanagari_names() -> None:
    hindi = _entry(corpus_article("004", 1))
    english = _entry(fixture("en_deepseek_chinese_labs.txt", 2))

    groups = group_related([hindi, english])

    assert len(groups) == 1
    assert "dpsk" in salient_terms(hindi[0])
    assert "dpsk" in salient_terms(english[0])


def test_unrelated_articles_share_almost_no_salient_weight() -> None:
    monsoon = salient_terms(fixture("en_monsoon_rainfall.txt", 1))
    cricket = salient_terms(fixture("hi_cricket_series.txt", 2))
    deepseek = salient_terms(corpus_article("002", 3))

    assert overlap(monsoon, cricket) < 0.05
    assert overlap(cricket, deepseek) < 0.05
    assert overlap(monsoon, deepseek) < 0.05


def test_groups_are_ordered_by_size_then_newest_article() -> None:
    older_story = _entry(fixture("en_monsoon_rainfall.txt", 1, hours_ago=10))
    newer_story = _entry(fixture("hi_cricket_series.txt", 2, hours_ago=1))
    big_old = [_entry(corpus_article("000", 3, hours_ago=30)),
               _entry(corpus_article("001", 4, hours_ago=20))]  # fmt: skip

    groups = group_related([older_story, *big_old, newer_story])

    assert _ids(groups) == [[4, 3], [2], [1]]


def test_no_entries_make_no_groups() -> None:
    assert group_related([]) == []
