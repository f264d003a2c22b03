"""Cutting styled text to a limit: at sentence ends, never losing text, never over the limit."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.splitting import (
    Span,
    block_cost,
    line_cost,
    pack_blocks,
    sentences,
    split_line,
    utf16_len,
)
from tests.adapters.samples import corpus_text


def length(span: Span) -> int:
    return len(span.text)


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_hindi_sentences_are_cut_after_the_danda_even_when_glued() -> None:
    text = "पहला वाक्य।दूसरा वाक्य। तीसरा? चौथा॥पांचवां"
    assert sentences(text) == ["पहला वाक्य।", "दूसरा वाक्य। ", "तीसरा? ", "चौथा॥", "पांचवां"]


def test_decimal_points_do_not_end_sentences() -> None:
    assert sentences("It fell 4.3 per cent to $5.576 million. Then") == [
        "It fell 4.3 per cent to $5.576 million. ",
        "Then",
    ]


def test_emoji_counts_two_utf16_units() -> None:
    assert utf16_len("a😀") == 3
    assert utf16_len("डीपसीक") == 6


def test_a_long_line_is_cut_at_sentence_ends_first() -> None:
    line = [Span("One two three. Four five six. Seven eight nine.")]
    assert [piece[0].text for piece in split_line(line, 30, length)] == [
        "One two three. Four five six.",
        "Seven eight nine.",
    ]


def test_a_styled_span_cut_in_two_keeps_its_style_on_both_pieces() -> None:
    line = [Span("Alpha beta. Gamma delta.", "bold")]
    pieces = split_line(line, 12, length)
    assert [p[0] for p in pieces] == [Span("Alpha beta.", "bold"), Span("Gamma delta.", "bold")]


def test_a_real_article_splits_into_pieces_within_the_limit_with_nothing_lost() -> None:
    text = corpus_text(2)
    pieces = split_line([Span(text)], 500, lambda s: utf16_len(s.text))
    assert all(line_cost(piece, lambda s: utf16_len(s.text)) <= 500 for piece in pieces)
    assert squeeze("".join(s.text for piece in pieces for s in piece)) == squeeze(text)


def test_whitespace_longer_than_the_limit_is_dropped_not_looped_over() -> None:
    block = [[Span("a")], [Span(" " * 50)], [Span("  b")]]
    parts = pack_blocks([block], 10, length)
    texts = ["".join(s.text for b in part for line in b for s in line) for part in parts]
    assert squeeze("".join(texts)) == "ab"
    assert all(len(text) <= 10 for text in texts)


def test_blocks_stay_whole_when_they_fit() -> None:
    blocks = [[[Span("a" * 40)]], [[Span("b" * 40)]], [[Span("c" * 40)]]]
    parts = pack_blocks(blocks, 100, length)
    assert [len(part) for part in parts] == [2, 1]


spans = st.lists(
    st.builds(
        Span,
        text=st.lists(
            st.sampled_from([*"ab .।?!\n&<>*_😀", "डी", "पसी", "क"]), min_size=1, max_size=60
        ).map("".join),
        style=st.sampled_from(["plain", "bold", "italic"]),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=50)
@given(
    st.lists(st.lists(spans, min_size=1, max_size=4), min_size=1, max_size=6), st.integers(8, 120)
)
def test_packing_never_exceeds_the_limit_and_keeps_every_character(blocks, limit) -> None:
    def cost(span: Span) -> int:
        return utf16_len(span.text) + (2 if span.style != "plain" else 0)

    parts = pack_blocks(blocks, limit, cost)
    for part in parts:
        assert sum(block_cost(b, cost) for b in part) + 2 * (len(part) - 1) <= limit
    original = "".join(s.text for block in blocks for line in block for s in line)
    packed = "".join(s.text for part in parts for block in part for line in block for s in line)
    assert squeeze(packed) == squeeze(original)
