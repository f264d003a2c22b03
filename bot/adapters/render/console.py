"""A digest as plain text for a terminal: no markup to escape, links written out in full."""

from __future__ import annotations

import textwrap

from bot.adapters.render.strings import (
    also_label,
    extract_mark,
    is_mixed,
    method_line,
    read_in_browser_label,
    sources_label,
    update_prefix,
)
from bot.adapters.splitting import clean
from bot.domain.digests import Digest

_WIDTH = 88


def _wrapped(text: str, indent: str) -> list[str]:
    return textwrap.wrap(clean(text), _WIDTH, initial_indent=indent, subsequent_indent=indent) or []


def render_console(digest: Digest) -> str:
    """The title underlined, how items were written, then numbered items with their sources."""
    title = clean(digest.title)
    lines = [title, "=" * len(title), method_line(digest), ""]
    mixed = is_mixed(digest)
    for number, item in enumerate(digest.items, start=1):
        update = update_prefix(digest.lang) if item.is_update else ""
        headline = f"{number}. {update}{clean(item.headline)}"
        if mixed and item.method == "extract":
            headline += f" {extract_mark(digest.lang)}"
        lines.append(headline)
        lines += _wrapped(item.body, "   ")
        if item.note:
            lines += _wrapped(f"({item.note})", "   ")
        if item.links:
            lines.append(f"   {sources_label(digest.lang)}:")
            lines += [f"   - {clean(link.title)} <{link.url}>" for link in item.links]
        lines.append("")
    if digest.also:
        lines.append(f"{also_label(digest.lang)}:")
        lines += [f"   - {clean(link.title)} <{link.url}>" for link in digest.also]
        lines.append("")
    if digest.web_url:
        lines += [f"{read_in_browser_label(digest.lang)}: <{digest.web_url}>", ""]
    return "\n".join(lines)
