"""Votes: one person's 👍 or 👎 on one digest item in one channel, and what ranking reads
back from them.

A vote names the stored item (`digest_items.id`) its button carried, so a press on an old
digest still counts; voting again replaces the earlier vote. Ranking never sees people or
items, only what a vote says about the news: its sign, when it was cast, the sources of the
voted item's reports and the terms that identify its story.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

#: 👍 is +1, 👎 is -1.
VoteValue = Literal[1, -1]
UP: VoteValue = 1
DOWN: VoteValue = -1


@dataclass(frozen=True)
class Vote:
    """One person's vote on one item in one channel; `user_key` is `platform:user_id`."""

    channel_id: int
    item_id: int
    user_key: str
    value: VoteValue


@dataclass(frozen=True)
class VotedItem:
    """An item a vote may name, as the channel received it.

    `later_digests` counts the digests delivered to the channel after this item's digest:
    above 0, the vote is on an old digest (still recorded, and the voter is told).
    """

    item_id: int
    digest_id: int
    headline: str
    digest_created_at: datetime
    later_digests: int = 0


@dataclass(frozen=True)
class VoteSignal:
    """One vote as ranking sees it: its sign, when it was last cast, and what it was about.

    `source_ids` are the sources of the voted item's reports; `terms` the summed story terms
    of those reports (`bot.stories.terms`), from which ranking takes the salient ones.
    """

    value: int
    at: datetime
    item_id: int
    story_id: int | None = None
    headline: str = ""
    source_ids: frozenset[int] = frozenset()
    terms: Mapping[str, float] = field(default_factory=dict)


#: The hidden command a 👍/👎 button sends: `/vote <item id> up|down` (see `vote_command`).
VOTE_COMMAND = "vote"
_WORDS: dict[str, VoteValue] = {"up": UP, "👍": UP, "+1": UP, "down": DOWN, "👎": DOWN, "-1": DOWN}


def vote_command(item_id: int, value: VoteValue) -> str:
    """What a 👍/👎 button under an item sends, as if typed: short enough for any platform's
    button data (Telegram allows 64 bytes; this is at most 30)."""
    return f"/{VOTE_COMMAND} {item_id} {'up' if value > 0 else 'down'}"


def parse_vote(args: str) -> tuple[int, VoteValue] | None:
    """(item id, value) from `<item id> up|down` (👍/👎 and +1/-1 also do), else None."""
    words = args.split()
    if len(words) != 2 or not words[0].isdigit() or words[1].casefold() not in _WORDS:
        return None
    return int(words[0]), _WORDS[words[1].casefold()]


def is_vote_press(data: str) -> bool:
    """True for what a vote button sends: its press is answered by the vote's outcome."""
    return data.startswith(f"/{VOTE_COMMAND} ")
