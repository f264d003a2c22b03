"""HTML fragments (feed item bodies) turned into plain paragraphs for the text cleaner.

Feeds carry article bodies as HTML; the cleaner works on lines, so block elements become
paragraphs and scripts, styles, forms and image captions are dropped.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_SKIPPED = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "iframe",
        "form",
        "button",
        "select",
        "figcaption",
        "nav",
        "aside",
        "footer",
        "head",
        "title",
    }
)
_BLOCKS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "header",
        "main",
        "blockquote",
        "pre",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "table",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "figure",
    }
)
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "source", "wbr"})
_TAG = re.compile(
    r"<(?:!doctype html|html|head|body|title|meta|link|p|div|br|span|a|img|h[1-6]|ul|ol|li"
    r"|strong|em|b|i|blockquote|figure|table|section|article)\b",
    re.IGNORECASE,
)


def looks_like_html(text: str) -> bool:
    """True when `text` contains HTML markup rather than plain text with line breaks."""
    return _TAG.search(text) is not None


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: one paragraph per block, separated by blank lines."""
    parser = _TextCollector()
    parser.feed(fragment)
    parser.close()
    return parser.text()


def to_plain_text(content: str) -> str:
    """HTML converted, plain text only unescaped: feed bodies come in both forms."""
    return html_to_text(content) if looks_like_html(content) else html.unescape(content).strip()


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._paragraphs: list[str] = []
        self._current: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED and tag not in _VOID:
            self._skip_depth += 1
        elif tag == "br":
            self._current.append("\n")
        elif tag in _BLOCKS:
            self._end_paragraph()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCKS:
            self._end_paragraph()

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self._current.append(data)

    def text(self) -> str:
        self._end_paragraph()
        return "\n\n".join(self._paragraphs)

    def _end_paragraph(self) -> None:
        joined = "".join(self._current)
        self._current = []
        for line in joined.split("\n"):
            words = " ".join(line.split())
            if words:
                self._paragraphs.append(words)
