"""Source bytes to cleaned, fingerprinted articles: the CPU-bound half of reading a source.

Parsing a feed, cleaning every item, detecting its language and hashing its text costs a
few milliseconds per item in Python, several times what fetching and storing it cost. The
functions here take and return plain picklable values, so `ParsePool` can run them in
worker processes while the bot's own process fetches and stores.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.sources import FetchedArticle, LangHint, TextFingerprint
from bot.sources.articles import article_from_entry, with_language
from bot.sources.feeds import FeedEntry, parse_feed
from bot.sources.pages import extract_page
from bot.sources.urls import canonicalize_url
from bot.text.similarity import content_hash, simhash

_WEB = ("http://", "https://")


@dataclass
class ReadFeed:
    """A parsed feed: its title, and per entry (in feed order) either the finished article
    or, for a teaser whose full page is still to be fetched, the entry itself."""

    title: str | None
    items: list[FetchedArticle | FeedEntry]
    #: Entries skipped because their canonical URL was known (already stored).
    known: int = 0


def read_feed(
    data: bytes,
    *,
    url: str,
    charset: str | None,
    max_entries: int,
    lang_hint: LangHint,
    expand_teasers: bool,
    known: frozenset[str] = frozenset(),
) -> ReadFeed:
    """Parse feed bytes and clean every entry whose canonical URL is not in `known`;
    teasers are left for the caller when `expand_teasers` (it fetches their pages).
    Raises DocumentError for a bad feed."""
    feed = parse_feed(data, url=url, charset=charset, max_entries=max_entries)
    items: list[FetchedArticle | FeedEntry] = []
    skipped = 0
    for entry in feed.entries:
        if known and canonicalize_url(entry.url) in known:
            skipped += 1
        elif expand_teasers and entry.needs_full_text and entry.url.startswith(_WEB):
            items.append(entry)
        elif (article := article_from_entry(entry, lang_hint=lang_hint)) is not None:
            items.append(fingerprinted(article))
    return ReadFeed(title=feed.title, items=items, known=skipped)


def read_page(
    data: bytes | str, *, url: str, charset: str | None = None, lang_hint: LangHint = "auto"
) -> FetchedArticle:
    """One HTML article page extracted, its language set and its text fingerprinted."""
    article = extract_page(data, url=url, charset=charset)
    return fingerprinted(with_language(article, lang_hint))


def fingerprinted(article: FetchedArticle) -> FetchedArticle:
    """The article with its `fingerprint` set (readers deliver normalized text)."""
    article.fingerprint = TextFingerprint(
        content_hash=content_hash(article.text, normalized=True),
        simhash=simhash(article.text, normalized=True),
    )
    return article
