"""The shape of a digest as styled lines, shared by the renderers that must split messages."""

from __future__ import annotations

from dataclasses import dataclass

from bot.adapters.render.strings import extract_mark, is_mixed, method_line, sources_label
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
    headline: Line = [Span(f"{number}. {clean(item.headline)}", "bold")]
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
