"""Updates and the "also" list read the same on every platform, in the digest's language."""

from __future__ import annotations

import dataclasses

import pytest

from bot.adapters.render.console import render_console
from bot.adapters.render.markdown import render_markdown
from bot.adapters.render.slack_blocks import render_slack_messages
from bot.adapters.render.telegram_html import render_telegram_html
from bot.domain.digests import Digest, SourceLink
from bot.domain.languages import Lang
from tests.adapters.samples import tricky_digest
from tests.fakes.slack_server import block_texts, mrkdwn_links, mrkdwn_to_text
from tests.fakes.telegram_html import parse_html

ALSO = [
    SourceLink("Wheat procurement <record> & more", "https://a.example/w?x=1&y=2", 7),
    SourceLink("गेहूँ की ख़रीद", "https://b.example/गेहूँ", 8),
]
WORDS = {"en": ("Update: ", "Also"), "hi": ("अपडेट: ", "और ख़बरें")}


def _digest(lang: Lang) -> Digest:
    digest = tricky_digest(lang)
    digest.items[0] = dataclasses.replace(digest.items[0], is_update=True, story_id=3)
    digest.also = list(ALSO)
    return digest


def _telegram(digest: Digest) -> tuple[str, list[str]]:
    (html,) = render_telegram_html(digest)
    plain, entities = parse_html(html)
    return plain, [e.url or "" for e in entities if e.type == "text_link"]


def _slack(digest: Digest) -> tuple[str, list[str]]:
    (message,) = render_slack_messages(digest)
    texts = [t for block in message.blocks for t in block_texts(block)]
    return "\n".join(mrkdwn_to_text(t) for t in texts), [
        u for t in texts for _, u in mrkdwn_links(t)
    ]


@pytest.mark.parametrize("lang", ["en", "hi"])
@pytest.mark.parametrize("render", [_telegram, _slack], ids=["telegram", "slack"])
async def test_an_update_is_marked_and_also_headlines_follow_the_items_as_links(
    lang: Lang, render: object
) -> None:
    digest = _digest(lang)
    update, also = WORDS[lang]

    plain, urls = render(digest)  # type: ignore[operator]

    assert f"1. {update}{digest.items[0].headline}" in plain
    assert f"2. {update}" not in plain
    assert plain.index(also) > plain.index(digest.items[-1].body)
    assert urls[-2:] == [link.url for link in ALSO]
    for link in ALSO:
        assert link.title in plain


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_markdown_and_console_show_updates_and_the_also_list(lang: Lang) -> None:
    digest = _digest(lang)
    update, also = WORDS[lang]

    markdown = render_markdown(digest)
    console = render_console(digest)

    assert f"## {update}Rates" in markdown
    assert f"## {also}" in markdown and "(https://a.example/w?x=1&y=2)" in markdown
    assert "[Wheat procurement \\<record\\> \\& more](" in markdown
    assert f"1. {update}Rates" in console
    assert f"{also}:" in console and "<https://a.example/w?x=1&y=2>" in console


def test_a_digest_without_also_headlines_has_no_also_heading() -> None:
    digest = tricky_digest("en")

    assert "Also" not in render_markdown(digest)
    assert "Also" not in _telegram(digest)[0]
