"""A local web server per test, and an HTTP client allowed to reach it on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.sources.http import SafeHttpClient
from tests.fakes.web_server import FakeWebServer


@pytest.fixture
async def server() -> AsyncIterator[FakeWebServer]:
    server = FakeWebServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def http() -> AsyncIterator[SafeHttpClient]:
    async with SafeHttpClient(allow_private=True) as client:
        yield client
