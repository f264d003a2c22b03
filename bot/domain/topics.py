"""A channel's topics (stories it wants first) and mutes (stories it never wants)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

TopicKind = Literal["topic", "mute"]
#: Topics and mutes one channel may keep, together.
MAX_TOPICS = 50
#: The longest word or phrase a topic or mute may be.
MAX_TOPIC_CHARS = 100


@dataclass(frozen=True)
class ChannelTopic:
    """One word or phrase of a channel, as typed (NFC, spaces collapsed)."""

    channel_id: int
    kind: TopicKind
    phrase: str


def clean_phrase(text: str) -> str:
    """The stored form of a typed phrase: NFC, surrounding quotes and extra spaces removed."""
    phrase = " ".join(unicodedata.normalize("NFC", text).split())
    if len(phrase) >= 2 and phrase[0] == phrase[-1] and phrase[0] in "\"'“”«»":
        phrase = phrase[1:-1].strip()
    return phrase.strip("\"'“”")


def phrase_problem(phrase: str) -> str | None:
    """Why `phrase` cannot be a topic or mute (English, one line), or None when it can."""
    if not phrase:
        return "write a word or phrase"
    if len(phrase) > MAX_TOPIC_CHARS:
        return f"a topic is at most {MAX_TOPIC_CHARS} characters (this one has {len(phrase)})"
    if not any(ch.isalnum() for ch in phrase):
        return "a topic needs at least one letter or digit"
    return None
