"""OPML import and export."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.sources import Source
from bot.sources.errors import DocumentError
from bot.sources.opml import OpmlOutline, parse_opml, write_opml

READER_EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0"><head><title>Subscriptions</title></head><body>
  <outline text="हिंदी" title="हिंदी">
    <outline type="rss" text="BBC हिंदी" title="BBC हिंदी" xmlUrl="https://feeds.bbci.co.uk/hindi/rss.xml"
             htmlUrl="https://www.bbc.com/hindi"/>
    <outline text="Tech">
      <outline type="rss" text="Nested" xmlUrl="https://tech.example/feed"/>
    </outline>
  </outline>
  <outline type="rss" text="Top level &amp; more" xmlUrl="https://top.example/rss" language="en"/>
</body></opml>""".encode()


def test_nested_outlines_are_flattened_in_file_order():
    assert parse_opml(READER_EXPORT) == [
        OpmlOutline(
            "BBC हिंदी", "https://feeds.bbci.co.uk/hindi/rss.xml", "https://www.bbc.com/hindi"
        ),
        OpmlOutline("Nested", "https://tech.example/feed"),
        OpmlOutline("Top level & more", "https://top.example/rss", language="en"),
    ]


def test_written_opml_reads_back_and_leaves_local_files_out():
    sources = [
        Source(
            url="https://a.example/rss?x=1&y=2",
            name='Feed "A" & co',
            lang_hint="hi",
            poll_interval=timedelta(minutes=15),
        ),
        Source(url="https://b.example/story", name="Page", kind="page"),
        Source(url="/srv/feeds/local.xml", name="Local", kind="file"),
    ]

    outlines = parse_opml(write_opml(sources).encode())

    assert outlines == [
        OpmlOutline('Feed "A" & co', "https://a.example/rss?x=1&y=2", None, "hi"),
        OpmlOutline("Page", None, "https://b.example/story"),
    ]


def test_entity_declarations_are_refused():
    with pytest.raises(DocumentError, match=r"declares XML entities"):
        parse_opml(b'<!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]><opml>&x;</opml>')


def test_other_xml_is_not_taken_for_opml():
    with pytest.raises(DocumentError, match=r"not an OPML file"):
        parse_opml(b"<rss/>")
