"""Finding a site's feed from its front page, the way browsers and feed readers do.

People paste a site's home page; its `<link rel="alternate">` tags name the feeds.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/json"}
)


def discover_feed_links(html: str, base_url: str) -> list[str]:
    """Absolute URLs of the feeds a page links with rel=alternate, in page order."""
    finder = _FeedLinkFinder()
    finder.feed(html)
    finder.close()
    base = urljoin(base_url, finder.base_href) if finder.base_href else base_url
    return list(dict.fromkeys(urljoin(base, href) for href in finder.hrefs))


class _FeedLinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.base_href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "").strip() for name, value in attrs}
        if tag == "base" and values.get("href") and self.base_href is None:
            self.base_href = values["href"]
        if tag != "link" or not values.get("href"):
            return
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").lower().split(";", 1)[0].strip()
        if "alternate" in rels and kind in FEED_TYPES:
            self.hrefs.append(values["href"])
