"""Telegram's HTML parse mode, as strictly as Telegram applies it.

Used by the fake server to accept or refuse a message exactly where Telegram would, and by
tests to read a sent message back into its plain text and links.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

ALLOWED_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}

_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*>"
)
_ATTR = re.compile(r"([a-zA-Z-]+)(?:=(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+)))?")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; the message is Telegram's wording."""


@dataclass
class Entity:
    """A formatted range, in UTF-16 code units like the Bot API reports it."""

    type: str
    offset: int
    length: int
    url: str | None = None


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> tuple[str, list[Entity]]:
    """The plain text and entities Telegram makes of `text`, or EntityParseError."""
    plain: list[str] = []
    length = 0
    stack: list[tuple[str, int, str | None]] = []
    entities: list[Entity] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            match = _TAG.match(text, i)
            if not match:
                raise EntityParseError(f"Unexpected character '<' at byte offset {_bytes(text, i)}")
            closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
            if name not in ALLOWED_TAGS:
                raise EntityParseError(
                    f'Unsupported start tag "{name}" at byte offset {_bytes(text, i)}'
                )
            if closing:
                if not stack or stack[-1][0] != name:
                    expected = f'"</{stack[-1][0]}>"' if stack else "none"
                    raise EntityParseError(
                        f"Unmatched end tag at byte offset {_bytes(text, i)}, expected {expected}, "
                        f'found "</{name}>"'
                    )
                tag, start, url = stack.pop()
                if length > start:
                    entities.append(Entity(ALLOWED_TAGS[tag], start, length - start, url))
            else:
                url = _attributes(attrs).get("href") if name == "a" else None
                if name == "a" and not url:
                    raise EntityParseError(
                        f"Can't find href of a link at byte offset {_bytes(text, i)}"
                    )
                stack.append((name, length, url))
            i = match.end()
            continue
        if char == "&":
            match = _ENTITY.match(text, i)
            if not match:
                raise EntityParseError(
                    f"Character '&' is reserved at byte offset {_bytes(text, i)}"
                )
            char = html.unescape(match.group(0))
            i = match.end()
        elif char == ">":
            raise EntityParseError(f"Character '>' is reserved at byte offset {_bytes(text, i)}")
        else:
            i += 1
        plain.append(char)
        length += utf16_len(char)
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda entity: entity.offset)
    return "".join(plain), entities


def entity_text(plain: str, entity: Entity) -> str:
    """The text an entity covers (offsets are UTF-16, so convert through UTF-16)."""
    encoded = plain.encode("utf-16-le")
    return encoded[entity.offset * 2 : (entity.offset + entity.length) * 2].decode("utf-16-le")


def _attributes(attrs: str) -> dict[str, str]:
    return {
        m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
        for m in _ATTR.finditer(attrs)
    }


def _bytes(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))
