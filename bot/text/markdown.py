"""Markdown and stray HTML reduced to plain text, line by line.

Links keep their text, images disappear, emphasis and list markers go, headings become
plain lines. The rules only fire on unambiguous syntax, so plain prose passes unchanged.
"""

from __future__ import annotations

import re

#: (pattern, replacement) applied to each line in order.
_INLINE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),
    (re.compile(r"!\[[^\]]*\]\[[^\]]*\]"), ""),
    (re.compile(r"\[([^\]]+)\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), ""),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w])"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
    (re.compile(r"`+([^`\n]+)`+"), r"\1"),
)

#: A character one of the inline rules needs; a line without any passes them unchanged.
_INLINE_SYNTAX = re.compile(r"[!\[<*_~`]")
#: Line prefixes that are syntax, not text.
_LINE_PREFIX = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,3}[.)]\s+)")
_CLOSING_HASHES = re.compile(r"\s+#+\s*$")
_RULE_LINE = re.compile(r"^\s*(?:[-*_=]\s*){3,}$")
_REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_TABLE_DIVIDER = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def strip_markdown(text: str) -> str:
    """The text with Markdown syntax removed; line structure is kept."""
    out: list[str] = []
    for line in text.split("\n"):
        if _FENCE.match(line):
            continue
        if _RULE_LINE.match(line) or _REFERENCE_DEFINITION.match(line):
            out.append("")
            continue
        if _TABLE_DIVIDER.match(line):
            continue
        out.append(strip_markdown_line(line))
    return "\n".join(out)


def strip_markdown_line(line: str) -> str:
    """One line without heading, quote and list markers, emphasis, links or images."""
    if line.lstrip().startswith("#"):
        line = _CLOSING_HASHES.sub("", line)
    previous = None
    while previous != line:
        previous = line
        line = _LINE_PREFIX.sub("", line, count=1)
    if _INLINE_SYNTAX.search(line):  # most prose has none: skip the eleven rules
        for pattern, replacement in _INLINE_RULES:
            line = pattern.sub(replacement, line)
    if line.count("|") >= 2 and line.strip().startswith("|"):
        line = " ".join(cell.strip() for cell in line.strip().strip("|").split("|"))
    return line
