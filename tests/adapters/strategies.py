"""Hypothesis strategies for digests full of text that is hard to render and split."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import strategies as st

from bot.domain.digests import Digest, DigestItem, SourceLink

_PIECES = [
    *"ab Z.,।?!&<>*_`\"'",
    " " * 12,
    "डीपसीक",
    "ने ",
    "बाज़ार",
    "😀",
    "🇮🇳",
    "\u200d",
    " ",
    ". ",
    "। ",
]

text = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=40).map("".join)
long_text = st.lists(st.sampled_from(_PIECES), min_size=0, max_size=1500).map("".join)
urls = st.builds(
    lambda path, query: f"https://example.com/{path}?a=1&b={query}",
    st.text("abc_-*", max_size=10),
    st.text("xyz<>\"'|", max_size=6),
)
links = st.lists(st.builds(SourceLink, title=text, url=urls), max_size=4)
items = st.builds(
    DigestItem,
    headline=text,
    body=long_text,
    links=links,
    method=st.sampled_from(["llm", "extract"]),
    note=st.none() | text,
)
digests = st.builds(
    Digest,
    lang=st.sampled_from(["hi", "en"]),
    title=st.sampled_from(["आज की ख़बरें", "Today's digest <&>"]),
    items=st.lists(items, min_size=1, max_size=8),
    created_at=st.just(datetime(2025, 3, 1, tzinfo=UTC)),
)
