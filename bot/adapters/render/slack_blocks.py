"""A digest as Slack Block Kit messages, each within Slack's block limits.

Slack refuses a section over 3,000 characters, a header over 150, more than 50 blocks, and
a message whose blocks hold too much text in total, so each item is its own section (cut at
sentence ends when too long), sources go in a context block as `<url|title>`, and items
spill into further numbered messages. Each item is followed by an actions block with its
👍 and 👎 buttons. Only `&`, `<` and `>` are escaped, as Slack's
documentation asks; mrkdwn has no escape for `*` or `_`, so emphasis is dropped from text
that contains its own marker rather than garbling it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.adapters.render.layout import also_lines, intro_lines, item_lines, web_lines
from bot.adapters.render.strings import part_label
from bot.adapters.splitting import Line, Span, clean, split_block, split_line
from bot.domain.digests import Digest, DigestItem
from bot.domain.votes import DOWN, UP, vote_command

SECTION_MAX = 3000
HEADER_MAX = 150
MAX_BLOCKS = 50
#: Total block text per message; Slack refuses somewhere above 10,000, so stay well under.
TEXT_BUDGET = 8000
CONTEXT_MAX_ELEMENTS = 10
FALLBACK_MAX = 3000

Block = dict[str, Any]


@dataclass(frozen=True)
class SlackMessage:
    """One `chat.postMessage`: the blocks, and `text`, the fallback notifications show."""

    blocks: list[Block]
    text: str


def escape_mrkdwn(text: str) -> str:
    """Escape the three characters Slack treats as markup in any text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_url(url: str) -> str:
    return escape_mrkdwn(url).replace("|", "%7C")


def span_mrkdwn(span: Span) -> str:
    """One span as mrkdwn; emphasis markers hug the text so Slack recognises them.

    Text that itself contains the marker is left unemphasised: mrkdwn cannot escape it, and
    plain but exact beats bold but garbled.
    """
    text = escape_mrkdwn(span.text)
    if span.style == "link" and span.url:
        return f"<{_escape_url(span.url)}|{text}>"
    marker = {"bold": "*", "italic": "_"}.get(span.style)
    core = text.strip()
    if not marker or not core or marker in core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{marker}{core}{marker}{trail}"


def mrkdwn_cost(span: Span) -> int:
    """What a span costs against Slack's limits: the length of its mrkdwn source."""
    return len(span_mrkdwn(span))


def line_mrkdwn(line: Line) -> str:
    """A line of spans as mrkdwn."""
    return "".join(span_mrkdwn(span) for span in line)


def block_text_len(block: Block) -> int:
    """The text a block carries, as Slack adds it up for its per-message limit."""
    if block["type"] == "context":
        return sum(len(element["text"]) for element in block["elements"])
    if block["type"] == "actions":
        return sum(len(element["text"]["text"]) for element in block["elements"])
    return len(block["text"]["text"])


def _heading(title: str, label: str) -> Block:
    text = f"{title} {label}".strip()
    if len(text) <= HEADER_MAX:
        return {"type": "header", "text": {"type": "plain_text", "text": text, "emoji": True}}
    return _section(line_mrkdwn([Span(title, "bold"), Span(f" {label}")]).strip())


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _contexts(line: Line) -> list[Block]:
    elements = [
        {"type": "mrkdwn", "text": line_mrkdwn(piece)}
        for piece in split_line(line, SECTION_MAX, mrkdwn_cost)
    ]
    return [
        {"type": "context", "elements": elements[i : i + CONTEXT_MAX_ELEMENTS]}
        for i in range(0, len(elements), CONTEXT_MAX_ELEMENTS)
    ]


@dataclass
class _Unit:
    blocks: list[Block]
    headlines: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(block_text_len(block) for block in self.blocks)


def _item_units(digest: Digest) -> list[_Unit]:
    units: list[_Unit] = []
    for number, item in enumerate(digest.items, start=1):
        lines = item_lines(digest, number, item)
        sections = [
            _section("\n".join(line_mrkdwn(line) for line in piece))
            for piece in split_block(lines.text, SECTION_MAX, mrkdwn_cost)
        ]
        contexts = _contexts(lines.sources) if lines.sources else []
        votes = [vote_buttons(item)] if item.id is not None else []
        units.append(_Unit([*sections, *contexts, *votes], [clean(item.headline)]))
    if also := also_lines(digest):
        sections = [
            _section("\n".join(line_mrkdwn(line) for line in piece))
            for piece in split_block(also, SECTION_MAX, mrkdwn_cost)
        ]
        units.append(_Unit(sections))
    if web := web_lines(digest):
        units.append(_Unit([_section(line_mrkdwn(web[0]))]))
    return units


def vote_buttons(item: DigestItem) -> Block:
    """The 👍/👎 buttons under a stored item; a click sends the vote command as its value."""
    assert item.id is not None
    return {
        "type": "actions",
        "block_id": f"vote-{item.id}",
        "elements": [
            {
                "type": "button",
                "action_id": f"vote-{word}",
                "text": {"type": "plain_text", "text": label, "emoji": True},
                "value": vote_command(item.id, value),
            }
            for word, label, value in (("up", "👍", UP), ("down", "👎", DOWN))
        ],
    }


def _pack(units: list[_Unit], max_blocks: int, text_budget: int) -> list[_Unit]:
    messages: list[_Unit] = []
    current = _Unit([])
    for unit in units:
        fits_alone = len(unit.blocks) <= max_blocks and unit.size <= text_budget
        pieces = [unit] if fits_alone else [_Unit([b], unit.headlines) for b in unit.blocks]
        for piece in pieces:
            too_many = len(current.blocks) + len(piece.blocks) > max_blocks
            if current.blocks and (too_many or current.size + piece.size > text_budget):
                messages.append(current)
                current = _Unit([])
            current.blocks.extend(piece.blocks)
            current.headlines.extend(h for h in piece.headlines if h not in current.headlines)
    if current.blocks:
        messages.append(current)
    return messages


def _fallback(title: str, label: str, headlines: list[str]) -> str:
    text = f"{title} {label}".strip()
    if headlines:
        text += ": " + "; ".join(headlines)
    if len(text) > FALLBACK_MAX:
        text = text[: FALLBACK_MAX - 1].rsplit(" ", 1)[0] + "…"
    return escape_mrkdwn(text)


def render_slack_messages(
    digest: Digest, *, max_blocks: int = MAX_BLOCKS, text_budget: int = TEXT_BUDGET
) -> list[SlackMessage]:
    """The digest as one message, or as several whose headers are numbered "(1/3)"."""
    title = clean(digest.title)
    method = intro_lines(digest)[1]
    intro = _Unit([_heading(title, ""), {"type": "context", "elements": _elements(method)}])
    units = [intro, *_item_units(digest)]
    messages = _pack(units, max_blocks, text_budget)
    if len(messages) > 1:
        reserve = block_text_len(_heading(title, part_label(digest.lang, 999, 999)))
        messages = _pack(units, max_blocks - 1, text_budget - reserve)
    total = len(messages)
    rendered: list[SlackMessage] = []
    for index, message in enumerate(messages, start=1):
        label = part_label(digest.lang, index, total) if total > 1 else ""
        blocks = message.blocks
        if index == 1:
            blocks = [_heading(title, label), *blocks[1:]]
        else:
            blocks = [_heading(title, label), *blocks]
        rendered.append(
            SlackMessage(blocks=blocks, text=_fallback(title, label, message.headlines))
        )
    return rendered


def _elements(line: Line) -> list[Block]:
    return [{"type": "mrkdwn", "text": line_mrkdwn(line)}]


def split_mrkdwn_text(text: str, *, limit: int = SECTION_MAX) -> list[str]:
    """A plain reply escaped for Slack and cut into messages of at most `limit` characters."""
    lines: list[Line] = [[Span(line)] if line else [] for line in clean(text).split("\n")]
    return [
        "\n".join(line_mrkdwn(line) for line in piece)
        for piece in split_block(lines, limit, mrkdwn_cost)
    ]
