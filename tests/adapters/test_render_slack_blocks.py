"""Slack Block Kit: mrkdwn escaped, every block and message within Slack's limits, split
into numbered messages without losing an item."""

from __future__ import annotations

from hypothesis import given, settings

from bot.adapters.render.slack_blocks import (
    SlackMessage,
    escape_mrkdwn,
    render_slack_messages,
    split_mrkdwn_text,
)
from bot.adapters.splitting import clean
from bot.domain.digests import Digest
from tests.adapters.samples import TRICKY_URL, long_hindi_digest, tricky_digest
from tests.adapters.strategies import digests
from tests.fakes.slack_server import block_texts, mrkdwn_links, mrkdwn_to_text


def squeeze(text: str) -> str:
    return "".join(clean(text).split())


def visible(message: SlackMessage, *, skip_heading: bool = False) -> str:
    blocks = message.blocks[1:] if skip_heading else message.blocks
    return "\n".join(mrkdwn_to_text(t) for block in blocks for t in block_texts(block))


def assert_within_slack_limits(message: SlackMessage) -> None:
    assert len(message.blocks) <= 50
    total = 0
    for block in message.blocks:
        texts = block_texts(block)
        if block["type"] == "header":
            assert len(texts[0]) <= 150
        if block["type"] == "section":
            assert 0 < len(texts[0]) <= 3000
        if block["type"] == "context":
            assert 1 <= len(texts) <= 10
        total += sum(len(text) for text in texts)
    assert total <= 10_000
    assert message.text


def test_escaping_leaves_only_slacks_three_entities() -> None:
    assert escape_mrkdwn("a < b > c & d *e*") == "a &lt; b &gt; c &amp; d *e*"


def test_tricky_text_reads_back_exactly_and_links_keep_their_query_strings() -> None:
    digest = tricky_digest()
    (message,) = render_slack_messages(digest)
    shown = visible(message)
    for item in digest.items:
        assert item.headline in shown
        assert item.body in shown
    links = [
        link for block in message.blocks for t in block_texts(block) for link in mrkdwn_links(t)
    ]
    assert links == [(link.title, link.url) for item in digest.items for link in item.links]
    assert any(url == TRICKY_URL for _, url in links)


def test_a_headline_with_its_own_asterisks_is_not_wrapped_in_bold() -> None:
    (message,) = render_slack_messages(tricky_digest())
    first_item = message.blocks[2]["text"]["text"]
    assert first_item.startswith("1. Rates &lt;up&gt; &amp; *markets*")
    assert message.blocks[4]["text"]["text"].startswith("*2. डीपसीक ने बाज़ार हिलाया 🚀*")


def test_a_long_digest_becomes_numbered_messages_within_every_limit() -> None:
    digest = long_hindi_digest(items=8, body_chars=2900)
    messages = render_slack_messages(digest)
    assert len(messages) > 1
    for index, message in enumerate(messages, start=1):
        assert_within_slack_limits(message)
        assert message.blocks[0]["text"]["text"].endswith(f" {index}/{len(messages)})")
    joined = squeeze("".join(visible(m, skip_heading=True) for m in messages))
    for item in digest.items:
        assert squeeze(item.body) in joined


def test_an_item_longer_than_a_section_spans_several_sections() -> None:
    digest = long_hindi_digest(items=1, body_chars=7000)
    (message,) = render_slack_messages(digest)
    sections = [b for b in message.blocks if b["type"] == "section"]
    assert len(sections) == 3
    assert_within_slack_limits(message)


def test_a_plain_reply_is_escaped_and_cut_to_section_size() -> None:
    pieces = split_mrkdwn_text("<b> & " * 1000)
    assert all(len(piece) <= 3000 for piece in pieces)
    assert pieces[0].startswith("&lt;b&gt; &amp;")


@settings(max_examples=60, deadline=None)
@given(digests)
def test_any_digest_renders_within_limits_and_keeps_every_item(digest: Digest) -> None:
    messages = render_slack_messages(digest, max_blocks=8, text_budget=2500)
    joined = squeeze("".join(visible(m, skip_heading=True) for m in messages))
    for message in messages:
        assert_within_slack_limits(message)
        assert len(message.blocks) <= 8
    for item in digest.items:
        assert squeeze(item.body) in joined
        assert squeeze(item.headline) in joined
