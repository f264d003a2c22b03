"""Markdown and terminal output: every item, its note and sources, shown literally."""

from __future__ import annotations

from markdown_it import MarkdownIt

from bot.adapters.render.console import render_console
from bot.adapters.render.markdown import escape_markdown, render_markdown
from tests.adapters.samples import TRICKY_URL, tricky_digest


def inline_text(markdown: str) -> tuple[list[str], list[tuple[str, str]]]:
    """Headings/paragraph texts and (text, href) links, as a Markdown reader sees them."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    texts: list[str] = []
    links: list[tuple[str, str]] = []
    for token in tokens:
        if token.type != "inline":
            continue
        children = token.children or []
        texts.append("".join(c.content for c in children if c.type in ("text", "code_inline")))
        href = None
        for child in children:
            if child.type == "link_open":
                href = str(child.attrs["href"])
            elif child.type == "text" and href is not None:
                links.append((child.content, href))
                href = None
    return texts, links


def test_markdown_shows_markup_characters_literally() -> None:
    tricky = "1. *bold* _it_ `code` [x](y) <b> & #tag | ~s~ \\"
    texts, links = inline_text(escape_markdown(tricky))
    assert texts == [tricky]
    assert links == []


def test_markdown_digest_reads_back_to_the_digest() -> None:
    digest = tricky_digest()
    markdown = render_markdown(digest)
    assert markdown.startswith("# Today's digest")
    texts, links = inline_text(markdown)
    assert texts[0] == digest.title
    assert "Mostly LLM summaries" in texts[1]
    for item in digest.items:
        assert any(text.startswith(item.headline) for text in texts)
        assert item.body in texts
        assert item.note in texts
    assert "डीपसीक ने बाज़ार हिलाया 🚀 (extract)" in texts
    assert ("Markets & <Money>", TRICKY_URL.replace("<", "%3C").replace(">", "%3E")) in links
    assert [title for title, _ in links] == [
        link.title for item in digest.items for link in item.links
    ]


def test_an_all_extract_digest_says_it_is_offline() -> None:
    digest = tricky_digest("hi")
    for item in digest.items:
        item.method = "extract"
    assert "ऑफ़लाइन अंश" in render_markdown(digest)
    assert "(अंश)" not in render_markdown(digest)


def test_console_output_lists_items_with_full_urls() -> None:
    digest = tricky_digest()
    text = render_console(digest)
    assert text.splitlines()[0] == digest.title
    assert f"<{TRICKY_URL}>" in text
    assert "1. Rates <up> & *markets* _wobble_ `again`" in text
    assert "2. डीपसीक ने बाज़ार हिलाया 🚀 (extract)" in text
