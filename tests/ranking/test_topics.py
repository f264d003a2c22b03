"""Topics and mutes match whole words in either script, and move or remove stories."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.digest.ranking import ChannelTaste, select
from bot.digest.topics import TOPIC_FIRST, ArticleWords, Phrase, StoryMatcher, TopicBoost
from bot.domain.stories import Story, StoryCandidate, StoryReport
from bot.domain.topics import ChannelTopic, clean_phrase, phrase_problem

NOW = datetime(2026, 5, 1, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("निवेश", "विदेशी निवेश बढ़ा।"),
        ("election", "Counting in the state elections begins today."),
        ("DeepSeek", "चीन की कंपनी डीपसीक ने नया मॉडल जारी किया।"),
        ("डीपसीक", "DeepSeek released a new model on Monday."),
        ("Southampton", "भारतीय टीम ने साउथैम्पटन में इंग्लैंड को हराया।"),
        ("repo rate", "The RBI cut the repo-rate by 25 basis points."),
        ("kimi k2", "Moonshot's Kimi K2 Thinking model"),
    ],
)
def test_a_phrase_matches_whole_words_in_either_script(phrase: str, text: str) -> None:
    assert ArticleWords(text).has(Phrase(phrase))
    # The matcher of a selection (an index over many reports) agrees with one article's.
    assert StoryMatcher({7: ("", text), 8: ("Other news", "")}).articles_with(Phrase(phrase)) == {7}


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        # A Devanagari word is never matched inside a longer one.
        ("निवेश", "निवेशकों ने बाज़ार छोड़ा।"),
        ("AI", "He said the plan was ready."),
        ("rate repo", "The RBI cut the repo rate."),
        ("cricket", "The cricketer retired."),
        # Names too short to tell apart across scripts are not guessed at.
        ("Kimi", "किमी के2 थिंकिंग"),
    ],
)
def test_a_phrase_does_not_match_inside_other_words_or_out_of_order(phrase: str, text: str) -> None:
    assert not ArticleWords(text).has(Phrase(phrase))
    assert not StoryMatcher({7: (text, "")}).articles_with(Phrase(phrase))


def _candidate(story_id: int, title: str, outlets: int) -> StoryCandidate:
    reports = tuple(
        StoryReport(
            article_id=story_id * 100 + n,
            source_id=n,
            outlet=f"outlet{n}.example",
            lang="en",
            title=title,
            url=f"https://outlet{n}.example/{story_id}",
            seen_at=NOW,
            length=1000,
        )
        for n in range(outlets)
    )
    story = Story(first_seen_at=NOW, last_seen_at=NOW, title=title, id=story_id)
    return StoryCandidate(story, reports)


def _matcher(candidates: list[StoryCandidate]) -> StoryMatcher:
    return StoryMatcher(
        {r.article_id: (r.title, "") for c in candidates for r in c.reports},
    )


def _topics(*pairs: tuple[str, str]) -> list[ChannelTopic]:
    return [ChannelTopic(1, "mute" if kind == "mute" else "topic", p) for kind, p in pairs]


def test_a_topic_story_leads_a_muted_story_goes_and_only_keeps_just_the_topics() -> None:
    big = _candidate(1, "Parliament passes the budget", outlets=12)
    small = _candidate(2, "Monsoon reaches Kerala early", outlets=1)
    cricket = _candidate(3, "Cricket: India win the series", outlets=8)
    stories = [big, small, cricket]
    taste = _topics(("topic", "monsoon"), ("mute", "cricket"))

    plain = select(stories, ChannelTaste(size=3), NOW)
    boosted = select(
        stories, ChannelTaste(size=3, boosts=[TopicBoost.of(_matcher(stories), taste, False)]), NOW
    )
    only = select(
        stories, ChannelTaste(size=3, boosts=[TopicBoost.of(_matcher(stories), taste, True)]), NOW
    )

    assert [p.story_id for p in plain.picks] == [1, 3, 2]
    assert [p.story_id for p in boosted.picks] == [2, 1]
    assert [p.story_id for p in only.picks] == [2]
    assert TopicBoost.of(_matcher(stories), taste, False).factor(small) == TOPIC_FIRST


def test_a_story_matches_when_any_report_the_channel_sees_matches() -> None:
    story = _candidate(4, "Rains lash the coast", outlets=2)
    texts = {400: ("Rains lash the coast", ""), 401: ("Heavy rain", "The monsoon arrived.")}
    matcher = StoryMatcher(texts)
    phrases = [Phrase("monsoon")]
    assert matcher.matching(story, phrases) == ["monsoon"]
    only_first = story.only_from({0})
    assert only_first is not None and matcher.matching(only_first, phrases) == []


def test_typed_phrases_are_cleaned_and_limited() -> None:
    assert clean_phrase('  "Repo   rate" ') == "Repo rate"
    assert phrase_problem("x" * 101) is not None and "100 characters" in str(
        phrase_problem("x" * 101)
    )
    assert phrase_problem("!!!") is not None
    assert phrase_problem("") is not None
    assert phrase_problem("निवेश") is None
