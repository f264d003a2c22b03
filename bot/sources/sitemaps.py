"""News sitemaps and sitemap indexes turned into article URLs, newest first and capped.

Many Hindi news sites publish a Google News sitemap (`<urlset>` with `news:` entries)
but no feed; its titles and publication dates are enough to pick what to fetch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from bot.sources.charsets import decode_text
from bot.sources.errors import DocumentError
from bot.sources.xmlsafety import safe_xml_text

_SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@dataclass(frozen=True)
class SitemapEntry:
    """An article a sitemap lists, with the title and date a news sitemap gives."""

    url: str
    title: str | None = None
    published_at: datetime | None = None
    language: str | None = None


@dataclass
class Sitemap:
    """Articles of a `<urlset>`, or the child sitemaps of a `<sitemapindex>`."""

    entries: list[SitemapEntry] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)


def parse_sitemap(data: bytes, *, url: str = "", max_entries: int = 50) -> Sitemap:
    """Parse a sitemap or sitemap index; raises DocumentError when it is neither."""
    what = url or "the sitemap"
    root = _parse(data, what)
    tag = root.tag.removeprefix(_SITEMAP)
    if tag == "sitemapindex":
        children = [
            (_date(_child_text(node, "lastmod")), loc)
            for node in root.iter(f"{_SITEMAP}sitemap")
            if (loc := _child_text(node, "loc"))
        ]
        children.sort(key=lambda pair: pair[0] or datetime.min.replace(tzinfo=UTC), reverse=True)
        return Sitemap(sitemaps=[loc for _, loc in children[:max_entries]])
    if tag != "urlset":
        raise DocumentError(
            f"{what} is not a sitemap (its root is <{tag}>); give the address of a "
            "<urlset> or <sitemapindex>"
        )
    entries = [e for e in (_entry(node) for node in root.iter(f"{_SITEMAP}url")) if e]
    entries.sort(key=lambda e: e.published_at or datetime.min.replace(tzinfo=UTC), reverse=True)
    return Sitemap(entries=entries[:max_entries])


def _parse(data: bytes, what: str) -> Element:
    text = safe_xml_text(decode_text(data), what=what)
    try:
        root = SafeET.fromstring(text.encode("utf-8"), forbid_dtd=True)
    except DefusedXmlException:
        raise DocumentError(f"{what} declares XML entities, which the bot refuses") from None
    except SafeET.ParseError as exc:
        raise DocumentError(f"{what} is not well-formed XML ({exc}); check the address") from None
    assert isinstance(root, Element)
    return root


def _entry(node: Element) -> SitemapEntry | None:
    loc = _child_text(node, "loc")
    if not loc:
        return None
    news = node.find(f"{_NEWS}news")
    if news is None:
        return SitemapEntry(url=loc, published_at=_date(_child_text(node, "lastmod")))
    publication = news.find(f"{_NEWS}publication")
    language = publication.findtext(f"{_NEWS}language") if publication is not None else None
    return SitemapEntry(
        url=loc,
        title=(news.findtext(f"{_NEWS}title") or "").strip() or None,
        published_at=_date(news.findtext(f"{_NEWS}publication_date")),
        language=(language or "").strip() or None,
    )


def _child_text(node: Element, name: str) -> str:
    return (node.findtext(f"{_SITEMAP}{name}") or "").strip()


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
