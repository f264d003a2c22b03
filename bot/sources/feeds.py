"""Feeds (RSS 0.9x/1.0/2.0, Atom, JSON Feed) parsed from bytes into entries.

feedparser only ever sees bytes in a BytesIO, never a URL or path, so it cannot fetch
anything; entity declarations are refused before it runs. Entries keep their body as
plain text and say whether it is only a teaser that needs the full page fetched.
"""

from __future__ import annotations

import calendar
import io
import re
import time
from datetime import UTC, datetime
from typing import Any

import feedparser

from bot.sources.charsets import decode_text
from bot.sources.errors import DocumentError
from bot.sources.feed_entries import FeedEntry, ParsedFeed, is_teaser
from bot.sources.htmltext import to_plain_text
from bot.sources.jsonfeed import parse_json_feed
from bot.sources.xmlsafety import safe_xml_text

__all__ = ["FeedEntry", "ParsedFeed", "is_teaser", "looks_like_feed", "parse_feed"]

_ENCODING_IN_DECLARATION = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*)["'][^"']*["']""")


def looks_like_feed(text: str) -> bool:
    """A cheap sniff: does this text look like RSS, Atom, RDF or a JSON Feed?"""
    head = text.lstrip("\ufeff \t\r\n")[:4096]
    if head.startswith("{"):
        return "jsonfeed.org" in head
    return re.search(r"<(rss|feed|rdf:RDF)\b", head) is not None


def parse_feed(
    data: bytes, *, url: str = "", charset: str | None = None, max_entries: int = 50
) -> ParsedFeed:
    """Parse feed bytes; raises DocumentError when they are not a feed or are unsafe."""
    what = url or "the feed"
    text = decode_text(data, hints=[charset])
    if text.lstrip("\ufeff \t\r\n").startswith("{"):
        return parse_json_feed(text, url=url, max_entries=max_entries)
    text = safe_xml_text(text, what=what)
    utf8 = _ENCODING_IN_DECLARATION.sub(r'\1"utf-8"', text, count=1).encode("utf-8")
    parsed = feedparser.parse(
        io.BytesIO(utf8),
        response_headers={
            "content-type": "application/xml; charset=utf-8",
            "content-location": url,
        },
        sanitize_html=False,
        # Links inside item HTML are not needed: bodies become plain text. (Item links
        # and enclosures are resolved against the feed URL all the same.)
        resolve_relative_uris=False,
    )
    entries = [e for e in (_entry(raw) for raw in parsed.entries[:max_entries]) if e is not None]
    if not entries and (parsed.get("bozo") or not parsed.get("version")):
        problem = parsed.get("bozo_exception")
        reason = f" ({_one_line(problem)})" if problem else ""
        raise DocumentError(
            f"{what} is not an RSS, Atom or JSON feed{reason}; check that the address is the "
            "feed itself, not a page"
        )
    return ParsedFeed(
        title=_text(parsed.feed.get("title")) or None,
        link=parsed.feed.get("link") or None,
        entries=entries,
    )


def _entry(raw: Any) -> FeedEntry | None:
    link = raw.get("link") or ""
    guid = raw.get("id") or ""
    url = link or (guid if guid.startswith(("http://", "https://")) else "")
    if not url:
        return None
    contents = [c.get("value", "") for c in raw.get("content", []) if c.get("value")]
    summary = to_plain_text(raw.get("summary", "") or "")
    body = to_plain_text(max(contents, key=len)) if contents else summary
    if len(summary) > len(body):
        body = summary
    return FeedEntry(
        url=url,
        title=_text(raw.get("title")),
        content=body,
        published_at=_datetime(raw.get("published_parsed") or raw.get("updated_parsed")),
        author=_text(raw.get("author")) or None,
        tags=[t["term"] for t in raw.get("tags", []) if t.get("term")],
        image_url=_image(raw),
        summary=summary if summary and summary != body else None,
        needs_full_text=is_teaser(body),
    )


def _image(raw: Any) -> str | None:
    for key in ("media_content", "media_thumbnail"):
        for media in raw.get(key, []):
            if media.get("url") and media.get("medium", "image") == "image":
                return str(media["url"])
    for enclosure in raw.get("enclosures", []):
        if str(enclosure.get("type", "")).startswith("image/") and enclosure.get("href"):
            return str(enclosure["href"])
    return None


def _datetime(parsed: time.struct_time | None) -> datetime | None:
    if parsed is None:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)


def _text(value: object) -> str:
    return to_plain_text(str(value)) if value else ""


def _one_line(problem: object) -> str:
    return " ".join(str(problem).split())[:160]
