"""Ranking and selection: the biggest news first, nothing sent twice, updates when a story grew."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

from bot.digest.ranking import (
    ChannelTaste,
    representative,
    select,
    shown_reports,
    source_weight,
    story_score,
)
from bot.domain.stories import Story, StoryCandidate, StoryReport

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
_ids = count(1)


def _report(
    outlet: str,
    *,
    hours_ago: float = 1,
    lang: str = "en",
    priority: int = 0,
    length: int = 2000,
    copy_of: int | None = None,
    terms: dict[str, float] | None = None,
) -> StoryReport:
    article_id = next(_ids)
    return StoryReport(
        article_id=article_id,
        source_id=1,
        outlet=outlet,
        lang=lang,
        title=f"report {article_id}",
        url=f"https://{outlet}/{article_id}",
        seen_at=NOW - timedelta(hours=hours_ago),
        length=length,
        priority=priority,
        copy_of=copy_of,
        terms=terms or {},
    )


def _story(story_id: int, *reports: StoryReport) -> StoryCandidate:
    seen = [r.seen_at for r in reports]
    return StoryCandidate(Story(min(seen), max(seen), id=story_id), tuple(reports))


def test_the_story_most_outlets_reported_comes_first() -> None:
    big = _story(1, *(_report(f"o{n}.example", hours_ago=8) for n in range(5)))
    small = _story(2, _report("x.example", hours_ago=1))

    selection = select([small, big], ChannelTaste(), NOW)

    assert [p.story_id for p in selection.picks] == [1, 2]


def test_several_reports_of_one_outlet_do_not_make_a_story_big() -> None:
    one_outlet = _story(1, *(_report("same.example") for _ in range(6)))
    three_outlets = _story(2, *(_report(f"o{n}.example") for n in range(3)))

    selection = select([one_outlet, three_outlets], ChannelTaste(), NOW)

    assert [p.story_id for p in selection.picks] == [2, 1]


def test_yesterdays_big_story_yields_to_todays() -> None:
    old = story_score([_report(f"o{n}.example", hours_ago=40) for n in range(4)], NOW)
    fresh = story_score([_report(f"n{n}.example", hours_ago=1) for n in range(3)], NOW)

    assert fresh > old


def test_a_source_with_priority_weighs_more_and_two_steps_double_it() -> None:
    assert source_weight(0) == 1 and source_weight(2) == 2 and source_weight(-2) == 0.5
    favoured = _story(1, _report("trusted.example", priority=2, hours_ago=3))
    plain = _story(2, _report("plain.example", hours_ago=1))

    selection = select([plain, favoured], ChannelTaste(), NOW)

    assert [p.story_id for p in selection.picks] == [1, 2]


def test_a_story_sent_before_comes_back_only_as_an_update_with_its_new_reports() -> None:
    first, second = _report("a.example", hours_ago=5), _report("b.example", hours_ago=4)
    sent = {1: frozenset({first.article_id, second.article_id})}

    unchanged = select([_story(1, first, second)], ChannelTaste(sent=sent), NOW)
    newer = _report("c.example", hours_ago=1)
    grown = select([_story(1, first, second, newer)], ChannelTaste(sent=sent), NOW)

    assert not unchanged
    (pick,) = grown.picks
    assert pick.is_update and pick.reports == (newer,)


def test_a_new_near_copy_alone_is_no_update_but_counts_for_outlets() -> None:
    original = _report("a.example", hours_ago=5)
    copy = _report("b.example", hours_ago=1, copy_of=original.article_id)
    sent = {1: frozenset({original.article_id})}

    assert not select([_story(1, original, copy)], ChannelTaste(sent=sent), NOW)
    assert story_score([original, copy], NOW) > story_score([original], NOW)


def test_the_digest_size_and_then_the_also_list() -> None:
    stories = [_story(n, _report(f"o{n}.example", hours_ago=n)) for n in range(1, 10)]

    selection = select(stories, ChannelTaste(size=3, also=4), NOW)

    assert [p.story_id for p in selection.picks] == [1, 2, 3]
    assert [p.story_id for p in selection.also] == [4, 5, 6, 7]


def test_a_boost_of_zero_removes_a_story_and_others_reorder() -> None:
    class MuteFirst:
        def factor(self, candidate: StoryCandidate) -> float:
            return 0.0 if candidate.story_id == 1 else 1.0

    stories = [_story(n, _report(f"o{n}.example", hours_ago=n)) for n in (1, 2)]

    selection = select(stories, ChannelTaste(boosts=[MuteFirst()]), NOW)

    assert [p.story_id for p in selection.picks] == [2]


def test_a_story_is_summarized_from_a_report_in_the_digests_language() -> None:
    hindi = _report("amarujala.example", lang="hi", hours_ago=3)
    english = _report("thehindu.example", lang="en", hours_ago=1)
    copy = _report("x.example", lang="hi", length=9000, copy_of=hindi.article_id)

    assert representative([english, hindi, copy], "hi") == hindi
    assert representative([english, hindi, copy], "en") == english


def test_links_show_each_outlet_once_before_more_of_the_same_and_never_copies() -> None:
    reports = [_report("a.example"), _report("a.example"), _report("b.example")]
    copy = _report("c.example", copy_of=reports[0].article_id)
    (pick,) = select([_story(1, *reports, copy)], ChannelTaste(), NOW).picks

    shown = shown_reports(pick, representative(pick.reports, "en"))

    assert [r.outlet for r in shown] == ["a.example", "b.example", "a.example"]
    assert copy not in shown and copy in pick.reports


def test_equal_selections_have_equal_keys_so_channels_share_a_digest() -> None:
    stories = [_story(n, _report(f"o{n}.example", hours_ago=n)) for n in (1, 2, 3)]

    first = select(stories, ChannelTaste(size=2), NOW)
    second = select(stories, ChannelTaste(size=2), NOW)
    seen_first = {1: frozenset({stories[0].reports[0].article_id})}
    other = select(stories, ChannelTaste(size=2, sent=seen_first), NOW)

    assert first.key == second.key
    assert first.key != other.key


def test_a_story_is_summarized_from_its_most_central_substantial_report() -> None:
    event = {"rbi": 2.0, "rpo": 1.5, "#5.5": 1.5, "rt": 1.0}
    aside = _report("a.example", hours_ago=9, terms={"rbi": 1.0, "crkt": 2.0, "mtch": 2.0})
    central = _report("b.example", hours_ago=3, terms=event)
    teaser = _report("c.example", hours_ago=1, length=120, terms=event)
    close = _report("d.example", hours_ago=2, terms={**event, "mlhtr": 1.0})

    assert representative([aside, central, teaser, close], "en") == central


def test_a_story_keeps_the_report_it_was_summarized_from_when_a_better_one_arrives() -> None:
    event = {"rbi": 2.0, "rpo": 1.5, "#5.5": 1.5}
    first = _report("a.example", hours_ago=5, terms={**event, "ksh": 3.0})
    better = _report("b.example", hours_ago=1, terms=event)
    third = _report("c.example", hours_ago=2, terms={**event, "mlhtr": 0.5})
    hindi = _report("d.example", lang="hi", hours_ago=6, terms=event)
    reports = [first, better, third, hindi]

    assert representative(reports, "en") == better
    assert representative(reports, "en", summarized={first.article_id}) == first
    assert representative(reports, "en", summarized={hindi.article_id}) == better
