"""A local web server, a reader allowed to reach it, and sources stored in a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from html import escape

import pytest

from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.sources import Source
from bot.sources.reader import WebSourceReader
from tests.fakes.web_server import FakeWebServer

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


@pytest.fixture
async def server() -> AsyncIterator[FakeWebServer]:
    server = FakeWebServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def reader() -> AsyncIterator[WebSourceReader]:
    reader = WebSourceReader(allow_private_urls=True)
    yield reader
    await reader.aclose()


async def add_source(uow_factory: UnitOfWorkFactory, url: str, **fields: object) -> Source:
    """Store a source as `digestbot source add` would, and return it with its id."""
    async with uow_factory() as uow:
        source = await uow.sources.add(Source(url=url, name=url.rsplit("/", 1)[-1], **fields))  # type: ignore[arg-type]
        await uow.commit()
    return source


async def stored_source(uow_factory: UnitOfWorkFactory, source_id: int | None) -> Source:
    """The source as stored now, health fields included."""
    assert source_id is not None
    async with uow_factory() as uow:
        source = await uow.sources.get(source_id)
    assert source is not None
    return source


def rss(title: str, items: list[tuple[str, str, str]]) -> str:
    """An RSS 2.0 feed of (title, link, body) items, bodies as escaped HTML."""
    entries = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(link)}</link>"
        f"<description>{escape(body)}</description></item>"
        for t, link, body in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title>{entries}</channel></rss>"
    )
