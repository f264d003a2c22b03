"""YAML (`---`) and TOML (`+++`) front matter of Markdown posts, read as article metadata.

Only the flat subset blogs use is read (scalars, `[a, b]` lists and `- item` lists), so no
YAML library is needed and nothing in the header can execute or expand.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field

_YAML_BLOCK = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
_TOML_BLOCK = re.compile(r"\A\ufeff?\+\+\+[ \t]*\n(.*?)\n\+\+\+[ \t]*(?:\n|\Z)", re.DOTALL)
_YAML_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$")
_YAML_ITEM = re.compile(r"^\s+-\s+(.*)$|^-\s+(.*)$")

_TITLE_KEYS = ("title", "headline")
_TAG_KEYS = ("tags", "keywords", "categories")
_AUTHOR_KEYS = ("authors", "author")
_DESCRIPTION_KEYS = ("description", "summary", "excerpt")
_IMAGE_KEYS = ("image", "image_url", "cover", "featured_image", "og_image", "thumbnail")

FrontValue = str | list[str]


@dataclass
class FrontMatter:
    """The metadata a post declares about itself."""

    title: str | None = None
    tags: list[str] = field(default_factory=list)
    author: str | None = None
    description: str | None = None
    image_url: str | None = None


def split_front_matter(text: str) -> tuple[FrontMatter | None, str]:
    """The front matter (None when there is none or it is unreadable) and the body after it."""
    yaml_match = _YAML_BLOCK.match(text)
    if yaml_match:
        return _front_matter(_parse_yaml(yaml_match.group(1))), text[yaml_match.end() :]
    toml_match = _TOML_BLOCK.match(text)
    if toml_match:
        try:
            data = tomllib.loads(toml_match.group(1))
        except tomllib.TOMLDecodeError:
            return None, text[toml_match.end() :]
        values = {
            key: [str(v) for v in value] if isinstance(value, list) else str(value)
            for key, value in data.items()
            if isinstance(value, str | int | float | list)
        }
        return _front_matter(values), text[toml_match.end() :]
    return None, text


def _parse_yaml(block: str) -> dict[str, FrontValue]:
    values: dict[str, FrontValue] = {}
    current: str | None = None
    for line in block.split("\n"):
        item = _YAML_ITEM.match(line)
        if item and current is not None:
            existing = values.get(current)
            items = existing if isinstance(existing, list) else []
            items.append(_unquote(item.group(1) or item.group(2)))
            values[current] = items
            continue
        key = _YAML_KEY.match(line)
        if not key:
            continue
        current, raw = key.group(1).lower(), key.group(2).strip()
        if raw.startswith("[") and raw.endswith("]"):
            values[current] = [_unquote(v) for v in raw[1:-1].split(",") if v.strip()]
        elif raw:
            values[current] = _unquote(raw)
    return values


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _front_matter(values: dict[str, FrontValue]) -> FrontMatter:
    tags: list[str] = []
    for key in _TAG_KEYS:
        for tag in _as_list(values.get(key)):
            if tag and tag not in tags:
                tags.append(tag)
    authors = next((_as_list(values[k]) for k in _AUTHOR_KEYS if k in values), [])
    return FrontMatter(
        title=_first_text(values, _TITLE_KEYS),
        tags=tags,
        author=", ".join(a for a in authors if a) or None,
        description=_first_text(values, _DESCRIPTION_KEYS),
        image_url=_first_text(values, _IMAGE_KEYS),
    )


def _as_list(value: FrontValue | None) -> list[str]:
    if value is None:
        return []
    return [v.strip() for v in value] if isinstance(value, list) else [value.strip()]


def _first_text(values: dict[str, FrontValue], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = values.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None
