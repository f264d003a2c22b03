"""A digest as a Markdown document: what `digest-hi.md` and the webhook's `markdown` hold."""

from __future__ import annotations

import re

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

# Backslash-escaping any ASCII punctuation is valid CommonMark; these are the ones that can
# start markup anywhere in a line.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&!])")
# These only matter at the start of a line: list items, headings' cousins, block quotes.
_LINE_START = re.compile(r"^(\s*)(\d*)([-+=.)])", re.MULTILINE)
_URL_UNSAFE = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E"}


def escape_markdown(text: str) -> str:
    """Escape dynamic text so Markdown shows it literally, never as formatting or links."""
    escaped = _INLINE_SPECIAL.sub(r"\\\1", clean(text))
    return _LINE_START.sub(r"\1\2\\\3", escaped)


def markdown_url(url: str) -> str:
    """A URL that cannot close the `(...)` of a Markdown link early."""
    return "".join(_URL_UNSAFE.get(char, char) for char in url)


def render_markdown(digest: Digest) -> str:
    """Title, how the items were written, then each item with its note and numbered sources."""
    lines = [f"# {escape_markdown(digest.title)}", "", f"_{method_line(digest)}_", ""]
    mixed = is_mixed(digest)
    for item in digest.items:
        headline = escape_markdown(item.headline)
        if item.is_update:
            headline = escape_markdown(update_prefix(digest.lang)) + headline
        if mixed and item.method == "extract":
            headline += f" {extract_mark(digest.lang)}"
        lines += [f"## {headline}", ""]
        if item.body:
            lines += [escape_markdown(item.body), ""]
        if item.note:
            lines += [f"_{escape_markdown(item.note)}_", ""]
        if item.links:
            lines += [f"{sources_label(digest.lang)}:", ""]
            lines += [
                f"{n}. [{escape_markdown(link.title or link.url)}]({markdown_url(link.url)})"
                for n, link in enumerate(item.links, start=1)
            ]
            lines.append("")
    if digest.also:
        lines += [f"## {escape_markdown(also_label(digest.lang))}", ""]
        lines += [
            f"- [{escape_markdown(link.title or link.url)}]({markdown_url(link.url)})"
            for link in digest.also
        ]
    if digest.web_url:
        label = escape_markdown(read_in_browser_label(digest.lang))
        lines += ["", f"[{label}]({markdown_url(digest.web_url)})"]
    return "\n".join(lines).rstrip("\n") + "\n"
