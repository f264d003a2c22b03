"""Refusing XML that could expand without bound or reach outside (billion laughs, XXE).

A DOCTYPE with an internal subset (where ENTITY declarations live) is refused before a
parser sees the document. A bare DOCTYPE naming an external DTD (old RSS 0.91 feeds) is
removed instead: nothing in it is needed and no parser should go and fetch it.
"""

from __future__ import annotations

from bot.sources.errors import DocumentError


def safe_xml_text(text: str, *, what: str) -> str:
    """`text` with a harmless DOCTYPE removed; raises DocumentError for entity declarations."""
    pos, size = 0, len(text)
    while pos < size:
        while pos < size and (text[pos].isspace() or text[pos] == "\ufeff"):
            pos += 1
        if text.startswith("<?", pos):
            pos = _after(text, "?>", pos)
        elif text.startswith("<!--", pos):
            pos = _after(text, "-->", pos + 4)
        elif text[pos : pos + 9].upper() == "<!DOCTYPE":
            end = _after(text, ">", pos)
            if "[" in text[pos:end] or "<!ENTITY" in text[pos:end].upper():
                raise DocumentError(
                    f"{what} declares XML entities (a DOCTYPE with an internal subset), which "
                    "the bot refuses because they can expand without bound; "
                    "serve it without a DOCTYPE"
                )
            return text[:pos] + text[end:]
        else:
            break
    return text


def _after(text: str, marker: str, start: int) -> int:
    found = text.find(marker, start)
    return len(text) if found < 0 else found + len(marker)
