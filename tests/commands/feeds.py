"""Feeds of labelled reports on the fake web server, full text in each item (no page fetch)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

from tests.fakes.web_server import FakeWebServer
from tests.services.newsday import Report, reports


def report(report_id: str) -> Report:
    """The labelled report with this id (`tests/fixtures/stories/reports.jsonl`)."""
    return next(r for r in reports() if r.id == report_id)


def serve_feed(web: FakeWebServer, path: str, items: Sequence[Report], *, newest: datetime) -> str:
    """Serve the reports as an RSS feed at `path`, an hour apart ending at `newest` (the first
    item newest); returns the feed's URL."""
    body = "".join(
        "<item>"
        f"<title>{escape(r.title)}</title><link>{web.url(f'/news/{r.id}')}</link>"
        f"<guid>{web.url(f'/news/{r.id}')}</guid>"
        f"<pubDate>{format_datetime(newest - timedelta(hours=n))}</pubDate>"
        "<content:encoded><![CDATA["
        + "".join(f"<p>{escape(p)}</p>" for p in r.text.split("\n\n"))
        + "]]></content:encoded></item>"
        for n, r in enumerate(items)
    )
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>Feed {escape(path)}</title><link>{web.url('/')}</link>"
        f"<description>test</description>{body}</channel></rss>"
    )
    web.serve(path, feed.encode(), content_type="application/rss+xml")
    return web.url(path)
