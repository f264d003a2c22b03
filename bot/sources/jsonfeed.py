"""JSON Feed (https://jsonfeed.org, versions 1 and 1.1) parsed into feed entries."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from bot.sources.errors import DocumentError
from bot.sources.feed_entries import FeedEntry, ParsedFeed, is_teaser
from bot.sources.htmltext import html_to_text, to_plain_text


def parse_json_feed(text: str, *, url: str = "", max_entries: int = 50) -> ParsedFeed:
    """Parse a JSON Feed document; raises DocumentError when it is not one."""
    what = url or "the feed"
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise DocumentError(f"{what} is not valid JSON ({exc}); check the feed address") from None
    if not isinstance(document, dict) or "jsonfeed.org" not in str(document.get("version", "")):
        raise DocumentError(
            f"{what} is JSON but not a JSON Feed (no jsonfeed.org version); "
            "use the site's RSS, Atom or JSON Feed address"
        )
    items = document.get("items")
    entries: list[FeedEntry] = []
    for item in items[:max_entries] if isinstance(items, list) else []:
        entry = _entry(item, base=url) if isinstance(item, dict) else None
        if entry is not None:
            entries.append(entry)
    return ParsedFeed(
        title=_string(document.get("title")),
        link=_string(document.get("home_page_url")),
        entries=entries,
    )


def _entry(item: dict[str, Any], *, base: str) -> FeedEntry | None:
    raw_url = _string(item.get("url")) or _string(item.get("external_url"))
    if raw_url is None:
        return None
    if item.get("content_html"):
        body = html_to_text(str(item["content_html"]))
    else:
        body = to_plain_text(str(item.get("content_text") or ""))
    summary = to_plain_text(str(item.get("summary") or "")) or None
    if summary and len(summary) > len(body):
        body, summary = summary, None
    return FeedEntry(
        url=urljoin(base, raw_url),
        title=to_plain_text(str(item.get("title") or "")),
        content=body,
        published_at=_date(item.get("date_published") or item.get("date_modified")),
        author=_author(item),
        tags=[str(t) for t in item.get("tags") or [] if isinstance(t, str | int)],
        image_url=_string(item.get("image")) or _string(item.get("banner_image")),
        summary=summary,
        needs_full_text=is_teaser(body),
    )


def _author(item: dict[str, Any]) -> str | None:
    authors = item.get("authors")
    first = authors[0] if isinstance(authors, list) and authors else item.get("author")
    return _string(first.get("name")) if isinstance(first, dict) else None


def _date(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _string(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
