"""A digest as Telegram messages in HTML parse mode, each within Telegram's length limit.

Telegram counts a message's length in UTF-16 code units of the text left after parsing the
HTML (tags cost nothing, `&amp;` costs one, an emoji usually two), so that is what is measured.
Items stay whole when they fit; a message never ends inside a tag, and a split digest's
messages are numbered "(1/3)". Each message carries an inline keyboard with a 👍 and a 👎
for every item that ends in it ("2 👍", "2 👎", numbered as in the text).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from bot.adapters.render.layout import also_lines, intro_lines, item_lines, web_lines
from bot.adapters.render.strings import part_label
from bot.adapters.splitting import (
    Block,
    Line,
    Span,
    clean,
    pack_blocks_traced,
    split_block,
    utf16_len,
)
from bot.domain.digests import Digest
from bot.domain.messages import Button
from bot.domain.votes import DOWN, UP, vote_command

TELEGRAM_MAX_LEN = 4096
#: Telegram accepts at most 100 buttons under one message: 50 items' 👍 and 👎.
MAX_VOTE_ROWS = 50
_TAGS = {"bold": "b", "italic": "i"}


@dataclass(frozen=True)
class TelegramPart:
    """One message: `html` to send with parse_mode=HTML, and `plain`, the same text untagged.

    `plain` is the same content without markup, link URLs written out after their titles: the
    fallback when Telegram refuses the markup. It can be longer than `html` displays, so it is
    sent through `split_plain_text`. `buttons` are the rows of its inline keyboard.
    """

    html: str
    plain: str
    buttons: tuple[tuple[Button, ...], ...] = ()


def visible_cost(span: Span) -> int:
    """What a span counts against Telegram's limit: its text only, in UTF-16 units."""
    return utf16_len(span.text)


def span_html(span: Span) -> str:
    """One span as HTML, every dynamic string escaped (the URL as an attribute)."""
    text = html.escape(span.text, quote=False)
    if span.style == "link" and span.url:
        return f'<a href="{html.escape(span.url, quote=True)}">{text}</a>'
    tag = _TAGS.get(span.style)
    return f"<{tag}>{text}</{tag}>" if tag else text


def _part(blocks: list[Block], buttons: tuple[tuple[Button, ...], ...] = ()) -> TelegramPart:
    html_text = "\n\n".join(
        "\n".join("".join(span_html(span) for span in line) for line in block) for block in blocks
    )
    plain = "\n\n".join("\n".join(_plain(line) for line in block) for block in blocks)
    return TelegramPart(html=html_text, plain=plain, buttons=buttons)


def vote_rows(digest: Digest, numbers: list[int]) -> tuple[tuple[Button, ...], ...]:
    """A 👍/👎 row for each of these items (numbered from 1, as shown) that has a stored id."""
    rows = []
    for number in numbers:
        item_id = digest.items[number - 1].id
        if item_id is not None:
            rows.append(
                (
                    Button(f"{number} 👍", vote_command(item_id, UP)),
                    Button(f"{number} 👎", vote_command(item_id, DOWN)),
                )
            )
    return tuple(rows[:MAX_VOTE_ROWS])


def _ending_items(origins: list[list[int]], items: int) -> list[list[int]]:
    """Per message, the item numbers whose text ends in it (block k of a render is item k)."""
    last = {index: part for part, held in enumerate(origins) for index in held}
    return [[i for i in range(1, items + 1) if last.get(i) == part] for part in range(len(origins))]


def _plain(line: Line) -> str:
    return "".join(
        f"{span.text} ({span.url})" if span.style == "link" and span.url else span.text
        for span in line
    )


def render_telegram_parts(digest: Digest, *, limit: int = TELEGRAM_MAX_LEN) -> list[TelegramPart]:
    """The digest as one message, or as numbered messages each at most `limit` long."""
    items: list[Block] = []
    for number, item in enumerate(digest.items, start=1):
        lines = item_lines(digest, number, item)
        items.append([*lines.text, lines.sources] if lines.sources else lines.text)
    if also := also_lines(digest):
        items.append(also)
    if web := web_lines(digest):
        items.append(web)
    whole = [intro_lines(digest), *items]
    single, origins = pack_blocks_traced(whole, limit, visible_cost)
    if len(single) == 1:
        return [_part(single[0], vote_rows(digest, list(range(1, len(digest.items) + 1))))]
    # Room for the numbered heading every part carries, sized for up to 999 parts.
    widest = utf16_len(clean(digest.title)) + utf16_len(f" {part_label(digest.lang, 999, 999)}") + 2
    parts, origins = pack_blocks_traced(whole, limit - widest, visible_cost)
    ending = _ending_items(origins, len(digest.items))
    total = len(parts)
    rendered: list[TelegramPart] = []
    for index, blocks in enumerate(parts, start=1):
        label = part_label(digest.lang, index, total)
        if index == 1:
            first_line = [*blocks[0][0], Span(f" {label}")]
            blocks = [[first_line, *blocks[0][1:]], *blocks[1:]]
        else:
            heading: Line = [Span(clean(digest.title), "bold"), Span(f" {label}")]
            blocks = [[heading], *blocks]
        rendered.append(_part(blocks, vote_rows(digest, ending[index - 1])))
    return rendered


def render_telegram_html(digest: Digest, *, limit: int = TELEGRAM_MAX_LEN) -> list[str]:
    """Just the HTML of each message (see `render_telegram_parts`)."""
    return [part.html for part in render_telegram_parts(digest, limit=limit)]


def split_plain_text(text: str, *, limit: int = TELEGRAM_MAX_LEN) -> list[str]:
    """A plain reply cut into messages of at most `limit` UTF-16 units, at sentence ends.

    Blank text gives no messages: Telegram refuses an empty one.
    """
    lines: list[Line] = [[Span(line)] if line else [] for line in clean(text).strip().split("\n")]
    pieces = (
        "\n".join(_plain(line) for line in piece)
        for piece in split_block(lines, limit, visible_cost)
    )
    return [piece for piece in pieces if piece.strip()]
