"""Feeds that grow every round: a few sources on the fake web server, in Hindi and English.

Each round publishes one new article per source. The articles are made from a seeded
random generator, long enough to be stored whole (no teaser, no page fetch) and different
enough never to count as near-duplicates of each other.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from tests.fakes.web_server import FakeWebServer

_LATIN_ONSETS = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "ch", "sh"]
_LATIN_VOWELS = ["a", "e", "i", "o", "u"]
_LATIN_LINKS = [
    "said",
    "that",
    "the",
    "and",
    "after",
    "with",
    "for",
    "about",
    "from",
    "while",
    "because",
    "during",
]
_DEVANAGARI_ONSETS = list("कखगजटडतदनपबमयरलवसह")
_DEVANAGARI_VOWELS = ["", "ा", "ि", "ी", "ु", "ू", "े", "ो"]
_DEVANAGARI_LINKS = ["ने", "के", "की", "को", "में", "से", "पर", "और", "कि", "लेकिन", "क्योंकि"]


@dataclass
class FeedSource:
    """One feed: its path on the fake web server, its language and what it published."""

    path: str
    lang: str
    items: list[tuple[str, str, str, datetime]] = field(default_factory=list)


class Newsroom:
    """Publishes one article per source per round and serves the feeds' latest items.

    Every article is written in words of its own (invented from syllables), so no two
    share a story and each becomes an item of its own in the digest.
    """

    #: Items each feed keeps, so a poll missed in a killed round still finds its article.
    FEED_LENGTH = 4

    def __init__(self, web: FakeWebServer, rng: random.Random, langs: list[str]) -> None:
        self.web = web
        self.rng = rng
        self.sources = [FeedSource(f"/feeds/{n}-{lang}.xml", lang) for n, lang in enumerate(langs)]
        self.published = 0

    def publish(self, at: datetime) -> None:
        """One new article in every feed, dated `at`."""
        for source in self.sources:
            self.published += 1
            link = self.web.url(f"/news/{self.published}")
            title, body = self._article(source.lang)
            source.items.append((title, link, body, at))
            self.web.serve(source.path, self._feed(source), content_type="application/rss+xml")

    def _article(self, lang: str) -> tuple[str, str]:
        """A title and an HTML body in `lang`, in words no other article uses."""
        words = [self._word(lang) for _ in range(14)]
        title = " ".join(self.rng.choices(words, k=20)).capitalize()
        paragraphs = [
            " ".join(self._sentence(lang, words) for _ in range(3))
            for _ in range(self.rng.randint(2, 3))
        ]
        return title, "".join(f"<p>{escape(p)}</p>" for p in paragraphs)

    def _word(self, lang: str) -> str:
        onsets, vowels = (
            (_DEVANAGARI_ONSETS, _DEVANAGARI_VOWELS)
            if lang == "hi"
            else (_LATIN_ONSETS, _LATIN_VOWELS)
        )
        return "".join(
            self.rng.choice(onsets) + self.rng.choice(vowels) for _ in range(self.rng.randint(2, 4))
        )

    def _sentence(self, lang: str, words: list[str]) -> str:
        links = _DEVANAGARI_LINKS if lang == "hi" else _LATIN_LINKS
        picked = [
            self.rng.choice(links) if i % 4 == 3 else self.rng.choice(words) for i in range(70)
        ]
        picked.insert(self.rng.randint(1, len(picked)), str(self.rng.randint(10, 9999)))
        return " ".join(picked).capitalize() + ("।" if lang == "hi" else ".")

    def _feed(self, source: FeedSource) -> str:
        items = "".join(
            "<item>"
            f"<title>{escape(title)}</title><link>{escape(link)}</link>"
            f"<guid>{escape(link)}</guid><pubDate>{format_datetime(at)}</pubDate>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded>"
            "</item>"
            for title, link, body, at in reversed(source.items[-self.FEED_LENGTH :])
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>Crash feed {escape(source.path)}</title>"
            f"<link>{escape(self.web.url('/'))}</link><description>test</description>"
            f"<language>{source.lang}</language>{items}</channel></rss>"
        )
