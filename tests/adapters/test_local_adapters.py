"""Console, Markdown file and webhook adapters: the places a digest goes without a chat app."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.adapters.console import ConsoleAdapter
from bot.adapters.markdown_file import MarkdownFileAdapter
from bot.adapters.render.markdown import render_markdown
from bot.adapters.webhook import WebhookAdapter
from bot.domain.channels import Channel
from bot.errors import DeliveryError
from tests.adapters.samples import tricky_digest


async def test_console_prints_the_digest_and_replies() -> None:
    stream = io.StringIO()
    adapter = ConsoleAdapter(stream)
    channel = Channel("console", "stdout")
    ids = await adapter.send_digest(channel, tricky_digest())
    await adapter.send_text(channel, "an answer", thread_id=ids[0])
    assert "1. Rates <up> & *markets*" in stream.getvalue()
    assert stream.getvalue().endswith(f"[reply to {ids[0]}] an answer\n")


async def test_a_digest_file_is_replaced_whole_and_replies_are_appended(tmp_path: Path) -> None:
    adapter = MarkdownFileAdapter(tmp_path / "out")
    channel = Channel("file", str(tmp_path / "out" / "digest-en.md"))
    digest = tricky_digest()
    (path,) = await adapter.send_digest(channel, digest)
    await adapter.send_digest(channel, digest)
    await adapter.send_text(channel, "a reply")

    assert Path(path).read_text(encoding="utf-8") == render_markdown(digest) + "\na reply\n"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["digest-en.md"]


async def test_a_bare_name_or_directory_address_lands_in_the_output_directory(
    tmp_path: Path,
) -> None:
    adapter = MarkdownFileAdapter(tmp_path)
    assert adapter.digest_path(Channel("file", "d.md"), "hi") == tmp_path / "d.md"
    assert adapter.digest_path(Channel("file", ""), "hi") == tmp_path / "digest-hi.md"
    lang_path = Channel("file", f"{tmp_path}/x/digest-{{lang}}.md")
    assert adapter.digest_path(lang_path, "en") == tmp_path / "x" / "digest-en.md"
    assert adapter.reply_path(lang_path) == tmp_path / "x" / "replies.md"


def test_a_file_address_for_several_languages_becomes_one_file_per_language(
    tmp_path: Path,
) -> None:
    adapter = MarkdownFileAdapter(tmp_path)
    assert adapter.address_for("out/d.md", ["hi", "en"]) == "out/d.{lang}.md"
    assert adapter.address_for("out/d.md", ["hi"]) == "out/d.md"
    assert adapter.address_for("out/d-{lang}.md", ["hi", "en"]) == "out/d-{lang}.md"
    assert adapter.address_for("out/", ["hi", "en"]) == "out/"
    (tmp_path / "folder").mkdir()
    assert adapter.address_for("folder", ["hi", "en"]) == "folder"


async def test_an_unwritable_path_is_a_permanent_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    adapter = MarkdownFileAdapter(tmp_path)
    with pytest.raises(DeliveryError, match="cannot write") as caught:
        await adapter.send_digest(Channel("file", str(blocker / "d.md")), tricky_digest())
    assert caught.value.permanent


class Receiver:
    """A local webhook receiver that answers with a scripted status."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.status = 200
        self.headers: dict[str, str] = {}

    async def handle(self, request: web.Request) -> web.Response:
        self.bodies.append(await request.json())
        if self.status != 200:
            return web.Response(status=self.status, headers=self.headers)
        return web.json_response({"id": f"msg-{len(self.bodies)}"})


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    async with TestServer(app, host="127.0.0.1") as server:
        yield receiver, str(server.make_url("/hook"))


async def test_a_webhook_receives_the_structured_digest_and_its_markdown(
    receiver: tuple[Receiver, str],
) -> None:
    got, url = receiver
    async with httpx.AsyncClient() as client:
        adapter = WebhookAdapter(client)
        ids = await adapter.send_digest(Channel("webhook", url), tricky_digest())
    body = got.bodies[0]
    assert ids == ["msg-1"]
    assert body["type"] == "digest"
    assert body["digest"]["items"][0]["links"][0]["url"] == tricky_digest().items[0].links[0].url
    assert body["digest"]["created_at"] == "2025-03-01T08:00:00+00:00"
    assert body["markdown"] == render_markdown(tricky_digest())
    json.dumps(body)


@pytest.mark.parametrize(
    ("status", "permanent", "retry_after"),
    [(404, True, None), (410, True, None), (503, False, 7.0), (429, False, 7.0)],
)
async def test_webhook_refusals_map_to_permanent_or_transient(
    receiver: tuple[Receiver, str], status: int, permanent: bool, retry_after: float | None
) -> None:
    got, url = receiver
    got.status, got.headers = status, {"Retry-After": "7"}
    adapter = WebhookAdapter()
    with pytest.raises(DeliveryError) as caught:
        await adapter.send_text(Channel("webhook", url), "hello")
    await adapter.aclose()
    assert caught.value.permanent is permanent
    assert caught.value.retry_after == (retry_after if not permanent else None)


async def test_an_unreachable_webhook_is_transient() -> None:
    adapter = WebhookAdapter()
    with pytest.raises(DeliveryError) as caught:
        await adapter.send_text(Channel("webhook", "http://127.0.0.1:9/hook"), "hello")
    await adapter.aclose()
    assert not caught.value.permanent
