"""Telegram HTML: escaped, within 4096 UTF-16 units after parsing, split without losing text.

The oracle is the fake server's parser, which refuses markup exactly where Telegram does.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.render.telegram_html import (
    render_telegram_html,
    render_telegram_parts,
    split_plain_text,
)
from bot.adapters.splitting import clean
from bot.domain.digests import Digest
from tests.adapters.samples import TRICKY_URL, long_hindi_digest, tricky_digest
from tests.adapters.strategies import digests
from tests.fakes.telegram_html import parse_html, utf16_len


def squeeze(text: str) -> str:
    return "".join(clean(text).split())


def without_headings(plains: list[str]) -> str:
    """The parts joined, minus the "title (i/n)" heading that parts after the first repeat."""
    return "".join(plain if i == 0 else plain.split("\n", 1)[1] for i, plain in enumerate(plains))


def test_every_dynamic_string_is_escaped_and_parses_back_to_the_digest() -> None:
    digest = tricky_digest()
    (html,) = render_telegram_html(digest)
    plain, entities = parse_html(html)
    for item in digest.items:
        assert item.headline in plain
        assert item.body in plain
        assert item.note is not None and item.note in plain
    urls = [entity.url for entity in entities if entity.type == "text_link"]
    assert urls == [link.url for item in digest.items for link in item.links]
    assert TRICKY_URL in urls
    assert 'href="https://news.example.com/story?a=1&amp;b=2&amp;q=&lt;x&gt;"' in html


def test_a_long_digest_splits_into_numbered_parts_that_each_fit() -> None:
    digest = long_hindi_digest()
    parts = render_telegram_html(digest)
    assert len(parts) > 2
    plains = [parse_html(part)[0] for part in parts]
    assert all(utf16_len(plain) <= 4096 for plain in plains)
    assert [
        plain.split("\n")[0].endswith(f" {i}/{len(parts)})")
        for i, plain in enumerate(plains, start=1)
    ] == [True] * len(parts)
    joined = squeeze(without_headings(plains))
    for item in digest.items:
        assert squeeze(item.body) in joined


def test_one_item_longer_than_a_message_is_cut_at_sentence_ends() -> None:
    digest = long_hindi_digest(items=1, body_chars=9000)
    parts = render_telegram_parts(digest)
    assert len(parts) == 2
    assert squeeze(digest.items[0].body) in squeeze(without_headings([p.plain for p in parts]))
    for part in parts[:-1]:
        assert part.plain.rstrip()[-1] in '।?!."' or part.plain.rstrip().endswith(")")


def test_an_emoji_counts_two_units_towards_the_limit() -> None:
    digest = tricky_digest()
    digest.items[0].body = "😀" * 3000
    for part in render_telegram_html(digest):
        assert utf16_len(parse_html(part)[0]) <= 4096


def test_the_plain_fallback_writes_link_urls_out() -> None:
    (part,) = render_telegram_parts(tricky_digest())
    assert f"Markets & <Money> ({TRICKY_URL})" in part.plain


def test_a_plain_reply_is_cut_to_the_limit_and_blank_text_sends_nothing() -> None:
    pieces = split_plain_text("एक वाक्य। " * 1000)
    assert len(pieces) == 3
    assert all(utf16_len(piece) <= 4096 for piece in pieces)
    assert split_plain_text(" \n ") == []


@settings(max_examples=60, deadline=None)
@given(digests, st.sampled_from([300, 1000, 4096]))
def test_any_digest_splits_into_valid_parts_within_the_limit(digest: Digest, limit: int) -> None:
    parts = render_telegram_html(digest, limit=limit)
    plains = []
    for part in parts:
        plain, _ = parse_html(part)  # raises on unbalanced or unescaped markup
        assert utf16_len(plain) <= limit
        plains.append(plain)
    joined = squeeze(without_headings(plains))
    for item in digest.items:
        assert squeeze(item.headline) in joined
        assert squeeze(item.body) in joined
    if len(parts) > 1:
        assert all(f"/{len(parts)})" in plain.split("\n")[0] for plain in plains)
