"""Votes in ranking: 👍s lift what resembles the liked items, 👎s sink what resembles the
disliked ones, within bounds no single vote can cross."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.digest.ranking import ChannelTaste, select
from bot.digest.votes import HALF_LIFE, MAX_FACTOR, VoteBoost, factor_of
from bot.domain.stories import Story, StoryCandidate, StoryReport
from bot.domain.votes import VoteSignal

NOW = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
_ids = count(1)
RBI = {"rbi": 8.0, "repo": 6.0, "rate": 4.0, "inflation": 2.0}
CRICKET = {"kohli": 8.0, "century": 6.0, "odi": 4.0, "ranchi": 2.0}


def _report(
    source: int, *, hours_ago: float = 1, terms: dict[str, float] | None = None
) -> StoryReport:
    article_id = next(_ids)
    return StoryReport(
        article_id=article_id,
        source_id=source,
        outlet=f"outlet{source}.example",
        lang="en",
        title=f"report {article_id}",
        url=f"https://outlet{source}.example/{article_id}",
        seen_at=NOW - timedelta(hours=hours_ago),
        terms=terms or {},
    )


def _story(story_id: int, *reports: StoryReport) -> StoryCandidate:
    seen = [r.seen_at for r in reports]
    return StoryCandidate(Story(min(seen), max(seen), id=story_id), tuple(reports))


def _vote(
    value: int,
    *sources: int,
    terms: dict[str, float] | None = None,
    days_ago: float = 1,
    item_id: int = 1,
) -> VoteSignal:
    return VoteSignal(
        value=value,
        at=NOW - timedelta(days=days_ago),
        item_id=item_id,
        source_ids=frozenset(sources),
        terms=terms or {},
    )


def _order(candidates: list[StoryCandidate], votes: list[VoteSignal]) -> list[int]:
    boost = VoteBoost(votes, NOW)
    return [p.story_id for p in select(candidates, ChannelTaste(boosts=[boost]), NOW).picks]


def test_one_down_vote_cannot_drop_a_big_story_below_a_small_one() -> None:
    big = _story(1, *(_report(s, terms=RBI) for s in (1, 2, 3)))
    small = _story(2, _report(9, terms=CRICKET))
    # The harshest single vote: on the very story, from the one outlet that told it.
    harshest = _vote(-1, 1, terms=RBI, days_ago=0)

    assert _order([big, small], [harshest]) == [1, 2]
    assert VoteBoost([harshest], NOW).factor(big) > 0.75


def test_up_votes_on_a_source_lift_its_next_story_above_a_slightly_bigger_one() -> None:
    theirs = _story(1, _report(1, hours_ago=1, terms=CRICKET))
    liked = _story(2, _report(2, hours_ago=3, terms=RBI))
    earlier_items = [_vote(1, 2, terms={"budget": 5.0}, item_id=n) for n in range(3)]

    assert _order([theirs, liked], []) == [1, 2]
    assert _order([theirs, liked], earlier_items) == [2, 1]


def test_down_votes_on_a_topic_sink_its_stories_from_any_outlet() -> None:
    rbi = _story(1, _report(1, hours_ago=1, terms=RBI))
    cricket = _story(2, _report(2, hours_ago=3, terms=CRICKET))
    disliked = [_vote(-1, 7, terms=RBI, item_id=n) for n in range(2)]

    assert _order([rbi, cricket], disliked) == [2, 1]


def test_a_vote_on_an_item_told_by_many_outlets_says_little_about_each() -> None:
    alone = VoteBoost([_vote(1, 1)], NOW).factor(_story(1, _report(1)))
    shared = VoteBoost([_vote(1, 1, 2, 3, 4, 5)], NOW).factor(_story(1, _report(1)))

    assert 1 < shared < alone


def test_old_votes_count_less_and_very_old_ones_not_at_all() -> None:
    story = _story(1, _report(1))
    fresh = VoteBoost([_vote(-1, 1, days_ago=0)], NOW).factor(story)
    older = VoteBoost([_vote(-1, 1, days_ago=HALF_LIFE.days)], NOW).factor(story)
    ancient = VoteBoost([_vote(-1, 1, days_ago=365)], NOW)

    assert fresh < older < 1
    assert not ancient and ancient.factor(story) == 1


def test_votes_on_unrelated_sources_and_terms_leave_a_story_alone() -> None:
    story = _story(1, _report(1, terms=CRICKET))

    assert VoteBoost([_vote(-1, 5, terms=RBI)] * 10, NOW).factor(story) == 1


@given(st.lists(st.tuples(st.sampled_from([1, -1]), st.integers(1, 4)), max_size=60))
def test_the_factor_stays_within_its_bounds_whatever_the_votes(
    votes: list[tuple[int, int]],
) -> None:
    signals = [_vote(v, s, terms=RBI, days_ago=0) for v, s in votes]
    story = _story(1, _report(1, terms=RBI), _report(2, terms=RBI))

    assert 1 / MAX_FACTOR <= VoteBoost(signals, NOW).factor(story) <= MAX_FACTOR


def test_the_effect_names_the_votes_that_caused_it_biggest_first() -> None:
    liked = _vote(1, 1, terms=RBI, item_id=11)
    far = _vote(-1, 8, terms={"rbi": 1.0, "kohli": 9.0}, item_id=12)
    unrelated = _vote(-1, 9, terms=CRICKET | {"kohli": 0.0}, item_id=13)
    boost = VoteBoost([liked, far, unrelated], NOW)

    effect = boost.effect({1, 2}, RBI)

    assert [vote.item_id for vote, _ in effect.causes] == [11, 12]
    assert effect.causes[0][1] > 0 > effect.causes[1][1]
    assert effect.factor == factor_of(effect.net) > 1
    assert effect.net == effect.source_net + effect.term_net
    story = _story(5, _report(1, terms=RBI), _report(2, terms=RBI))
    assert boost.factor(story) == pytest.approx(effect.factor)
