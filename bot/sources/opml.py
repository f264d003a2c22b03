"""OPML import and export, so a team can bring its feed list from another reader and back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape, quoteattr

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from bot.domain.sources import Source
from bot.sources.charsets import decode_text
from bot.sources.errors import DocumentError
from bot.sources.xmlsafety import safe_xml_text


@dataclass(frozen=True)
class OpmlOutline:
    """One subscription of an OPML file; folders are flattened away."""

    title: str
    xml_url: str | None
    html_url: str | None = None
    language: str | None = None


def parse_opml(data: bytes) -> list[OpmlOutline]:
    """Every outline with a feed or page URL, nested folders flattened, in file order."""
    text = safe_xml_text(decode_text(data), what="the OPML file")
    try:
        root = SafeET.fromstring(text.encode("utf-8"), forbid_dtd=True)
    except DefusedXmlException:
        raise DocumentError("the OPML file declares XML entities, which the bot refuses") from None
    except SafeET.ParseError as exc:
        raise DocumentError(
            f"the OPML file is not well-formed XML ({exc}); export it again from your reader"
        ) from None
    assert isinstance(root, Element)
    if root.tag != "opml":
        raise DocumentError(f"not an OPML file (its root is <{root.tag}>); export it as OPML")
    outlines: list[OpmlOutline] = []
    for node in root.iter("outline"):
        xml_url = _attr(node, "xmlUrl")
        html_url = _attr(node, "htmlUrl") or _attr(node, "url")
        if not xml_url and not html_url:
            continue
        title = _attr(node, "title") or _attr(node, "text") or xml_url or html_url or ""
        outlines.append(OpmlOutline(title, xml_url, html_url, _attr(node, "language")))
    return outlines


def write_opml(sources: Sequence[Source], *, title: str = "digestbot sources") -> str:
    """An OPML 2.0 document of the sources: feeds as `rss` outlines, pages and sitemaps as
    `link` outlines. Local files are left out, since their paths mean nothing elsewhere."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{escape(title)}</title></head>",
        "  <body>",
    ]
    for source in sources:
        if source.kind == "file":
            continue
        attrs = {"text": source.name, "title": source.name}
        if source.kind == "feed":
            attrs |= {"type": "rss", "xmlUrl": source.url}
        else:
            attrs |= {"type": "link", "url": source.url, "category": source.kind}
        if source.lang_hint != "auto":
            attrs["language"] = source.lang_hint
        rendered = " ".join(f"{name}={quoteattr(value)}" for name, value in attrs.items())
        lines.append(f"    <outline {rendered}/>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _attr(node: Element, name: str) -> str | None:
    value = (node.get(name) or "").strip()
    return value or None
