"""Splitting rendered text to fit a platform's message limit, written once for every adapter.

A renderer describes its output as blocks of lines of styled `Span`s and supplies a `Cost`
that says what one span costs in the platform's unit (UTF-16 code units of visible text on
Telegram, characters of mrkdwn source on Slack). Because a span is rendered whole, with its
own opening and closing markup, cutting between spans or inside one never leaves a tag open:
each piece is re-wrapped in its span's style. Text is cut at sentence ends first, then
between words, and only as a last resort inside a word; nothing is ever dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

Style = Literal["plain", "bold", "italic", "link"]


@dataclass(frozen=True)
class Span:
    """A run of text in one style; `url` is set only for links."""

    text: str
    style: Style = "plain"
    url: str | None = None


Line = list[Span]
Block = list[Line]
#: What one span costs in the platform's unit, markup included.
Cost = Callable[[Span], int]

# Hindi ends sentences with danda (।) or double danda (॥), often glued to the next sentence
# without a space; a full stop only counts when whitespace follows (4.3, $5.576, U.S.).
_SENTENCE_END = re.compile(r"[।॥?!]+[\"'”’)\]]*\s*|\.+[\"'”’)\]]*\s+")
_WORD = re.compile(r"\S+\s*|\s+")


def clean(text: str) -> str:
    """NFC-normalize dynamic text so Devanagari compares and measures the same everywhere."""
    return unicodedata.normalize("NFC", text)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts in (an emoji usually counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def sentences(text: str) -> list[str]:
    """Cut text after each sentence end; the pieces joined give back the text exactly."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.end() > start:
            pieces.append(text[start : match.end()])
            start = match.end()
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def line_cost(line: Sequence[Span], cost: Cost) -> int:
    """What a line costs: the sum of its spans."""
    return sum(cost(span) for span in line)


def block_cost(block: Sequence[Sequence[Span]], cost: Cost, newline: int = 1) -> int:
    """What a block costs: its lines plus the newlines between them."""
    return sum(line_cost(line, cost) for line in block) + newline * max(len(block) - 1, 0)


def _atoms(span: Span, budget: int, cost: Cost) -> list[Span]:
    """Break a span into pieces that each fit the budget, preferring the largest cuts."""
    if cost(span) <= budget:
        return [span]
    for splitter in (sentences, _WORD.findall):
        parts = splitter(span.text)
        if len(parts) > 1:
            return [
                atom for part in parts for atom in _atoms(replace(span, text=part), budget, cost)
            ]
    pieces: list[Span] = []
    current = ""
    for char in span.text:
        if current and cost(replace(span, text=current + char)) > budget:
            pieces.append(replace(span, text=current))
            current = ""
        current += char
    pieces.append(replace(span, text=current))
    if any(cost(piece) > budget for piece in pieces):
        raise ValueError(f"a limit of {budget} cannot hold even one character of {span.style} text")
    return pieces


def _merge(line: Line) -> Line:
    """Join neighbouring spans of one style, so a cut-and-packed line carries no extra markup."""
    merged: Line = []
    for span in line:
        if merged and (merged[-1].style, merged[-1].url) == (span.style, span.url):
            merged[-1] = replace(merged[-1], text=merged[-1].text + span.text)
        else:
            merged.append(span)
    return merged


def _strip(line: Line) -> Line:
    """Drop whitespace at the ends of a line that was cut, and any span left empty."""
    if line:
        line[0] = replace(line[0], text=line[0].text.lstrip())
        line[-1] = replace(line[-1], text=line[-1].text.rstrip())
    return [span for span in line if span.text]


def _take_line(line: Sequence[Span], room: int, budget: int, cost: Cost) -> tuple[Line, Line]:
    """The longest start of `line` that fits `room`, cut where a `budget`-sized cut would be."""
    atoms = [atom for span in _strip(_merge(list(line))) for atom in _atoms(span, budget, cost)]
    used = 0
    taken = 0
    for atom in atoms:
        if used + cost(atom) > room:
            break
        used += cost(atom)
        taken += 1
    return _strip(_merge(atoms[:taken])), _strip(_merge(atoms[taken:]))


def split_line(line: Sequence[Span], budget: int, cost: Cost) -> list[Line]:
    """Cut one line into lines that each cost at most `budget`, at sentence ends when possible."""
    pieces: list[Line] = []
    rest = list(line)
    while line_cost(rest, cost) > budget:
        head, rest = _take_line(rest, budget, budget, cost)
        pieces.append(head)
    pieces.append(rest)
    return [piece for piece in pieces if piece]


def _take_block(
    block: Sequence[Line], room: int, budget: int, cost: Cost, newline: int
) -> tuple[Block, Block]:
    """The lines of `block` that fit `room`, plus the start of the next line when that line
    is too long for any message and would be cut anyway."""
    head: Block = []
    used = 0
    for index, line in enumerate(block):
        extra = newline if head else 0
        line_size = line_cost(line, cost)
        if used + extra + line_size <= room:
            head.append(list(line))
            used += extra + line_size
            continue
        if line_size > budget and room - used - extra > 0:
            first, rest = _take_line(line, room - used - extra, budget, cost)
            remaining = [rest] if rest else []
            remaining += [list(later) for later in block[index + 1 :]]
            if first:
                return [*head, first], remaining
            if not rest:  # the line was only whitespace
                return head, remaining
        return head, list(block[index:])
    return head, []


def split_block(block: Sequence[Line], budget: int, cost: Cost, newline: int = 1) -> list[Block]:
    """Cut a block into blocks that each fit `budget`, between lines first, then inside them."""
    pieces: list[Block] = []
    rest: Block = list(block)
    while rest and block_cost(rest, cost, newline) > budget:
        head, rest = _take_block(rest, budget, budget, cost, newline)
        if head:
            pieces.append(head)
    if rest:
        pieces.append(rest)
    return pieces


def pack_blocks(
    blocks: Sequence[Block], budget: int, cost: Cost, *, newline: int = 1, gap: int = 2
) -> list[list[Block]]:
    """Fill messages with whole blocks; a block too big for any message fills the space left.

    `gap` is what the separator between two blocks costs (a blank line is two newlines).
    """
    return pack_blocks_traced(blocks, budget, cost, newline=newline, gap=gap)[0]


def pack_blocks_traced(
    blocks: Sequence[Block], budget: int, cost: Cost, *, newline: int = 1, gap: int = 2
) -> tuple[list[list[Block]], list[list[int]]]:
    """`pack_blocks`, and for each message the indexes of the given blocks it holds (a block
    cut across messages is named by each), so a renderer can attach per-block extras (an
    item's buttons) to the message its block ends in."""
    parts: list[list[Block]] = []
    origins: list[list[int]] = []
    current: list[Block] = []
    held: list[int] = []
    used = 0
    for index, block in enumerate(blocks):
        rest: Block = list(block)
        while rest:
            size = block_cost(rest, cost, newline)
            extra = gap if current else 0
            if used + extra + size <= budget:
                current.append(rest)
                held.append(index)
                used += extra + size
                break
            if not current or size > budget:
                head, rest = _take_block(rest, budget - used - extra, budget, cost, newline)
                if not head and not current:
                    raise ValueError(f"a limit of {budget} is too small to make progress")
                if head:
                    current.append(head)
                    held.append(index)
            parts.append(current)
            origins.append(held)
            current, held, used = [], [], 0
    if current:
        parts.append(current)
        origins.append(held)
    return parts, origins
