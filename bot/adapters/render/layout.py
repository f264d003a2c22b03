"""The shape of a digest as styled lines, shared by the renderers that must split messages."""

from __future__ import annotations

from dataclasses import dataclass

from bot.adapters.render.strings import (
    also_label,
    extract_mark,
    is_mixed,
    method_line,
    read_in_browser_label,
    sources_label,
    update_prefix,
)
from bot.adapters.splitting import Line, Span, clean
from bot.domain.digests import Digest, DigestItem

LINK_SEPARATOR = " · "


@dataclass(frozen=True)
class ItemLines:
    """One item as lines: headline, body and note as `text`, its links as one `sources` line."""

    text: list[Line]
    sources: Line


def intro_lines(digest: Digest, part: str = "") -> list[Line]:
    """The title (with a part number when split) and the line saying how items were written."""
    title: Line = [Span(clean(digest.title), "bold")]
    if part:
        title.append(Span(f" {part}"))
    return [title, [Span(method_line(digest), "italic")]]


def item_lines(digest: Digest, number: int, item: DigestItem) -> ItemLines:
    """Headline, body, optional note and the source links of item `number` (from 1)."""
    update = update_prefix(digest.lang) if item.is_update else ""
    headline: Line = [Span(f"{number}. {update}{clean(item.headline)}", "bold")]
    if item.method == "extract" and is_mixed(digest):
        headline.append(Span(f" {extract_mark(digest.lang)}", "italic"))
    text: list[Line] = [headline, [Span(clean(item.body))]]
    if item.note:
        text.append([Span(clean(item.note), "italic")])
    sources: Line = []
    if item.links:
        sources.append(Span(f"{sources_label(digest.lang)}: "))
        for index, link in enumerate(item.links):
            if index:
                sources.append(Span(LINK_SEPARATOR))
            sources.append(Span(clean(link.title) or link.url, "link", link.url))
    return ItemLines(text=[line for line in text if any(s.text for s in line)], sources=sources)


def also_lines(digest: Digest) -> list[Line]:
    """The "also" headlines after the items: a heading, then one linked title a line."""
    if not digest.also:
        return []
    lines: list[Line] = [[Span(also_label(digest.lang), "bold")]]
    for link in digest.also:
        lines.append([Span("• "), Span(clean(link.title) or link.url, "link", link.url)])
    return lines


def web_lines(digest: Digest) -> list[Line]:
    """The "read in browser" link after everything else, when the digest has a web page."""
    if not digest.web_url:
        return []
    return [[Span(read_in_browser_label(digest.lang), "link", digest.web_url)]]
