"""Turning fetched bytes into text without trusting the declared charset blindly.

Hindi feeds are often served as UTF-8 while declaring ISO-8859-1 (or the reverse), which
would turn Devanagari into mojibake; undecodable bytes must never stop a poll.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_XML_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_CONTENT_TYPE_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_SINGLE_BYTE = frozenset({"latin-1", "iso8859-1", "cp1252", "ascii", "iso8859-15"})


def charset_from_content_type(content_type: str | None) -> str | None:
    """The `charset=` parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    match = _CONTENT_TYPE_CHARSET.search(content_type)
    return match.group(1) if match else None


def declared_charset(data: bytes) -> str | None:
    """The charset a document declares about itself (XML declaration or HTML meta)."""
    head = data[:2048]
    match = _XML_DECLARATION.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def decode_text(data: bytes, *, hints: Iterable[str | None] = ()) -> str:
    """Decode `data`, preferring a BOM, then valid UTF-8, then the declared charsets.

    Bytes that are valid UTF-8 with non-ASCII characters are read as UTF-8 even when a
    single-byte charset is declared: that is what a mis-declared Hindi feed looks like.
    Falls back to detection, and finally to UTF-8 with replacement characters.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    candidates = [_codec_name(h) for h in (*hints, declared_charset(data)) if h]
    known = [c for c in dict.fromkeys(candidates) if c is not None]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if not known or not text.isascii() or known[0] in ("utf-8", *_SINGLE_BYTE):
            return text
    for encoding in known:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    guess = from_bytes(data[:200_000]).best()
    if guess is not None:
        return data.decode(guess.encoding, errors="replace")
    return data.decode("utf-8", errors="replace")


def _codec_name(label: str | None) -> str | None:
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
