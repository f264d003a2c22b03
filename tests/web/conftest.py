"""The console as `digestbot run` mounts it, on the real database, behind aiohttp's test
client: built by the composition root from settings, like the service builds it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import build_app, build_console
from bot.config import Settings
from bot.scheduler.health import health_app
from tests.web.newsroom import Newsroom, build_newsroom

if TYPE_CHECKING:
    from tests.web.running import RunningConsole

WEB_TOKEN = "console-token-for-tests-only-0123456789"
#: Plain http, as on a test machine: the client sends a Secure cookie only over https.
PUBLIC_URL = "http://digest.example.org"
#: Short, so the tests stay fast; the default is 0.5 s.
LOGIN_DELAY = 0.2
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Console:
    """A client of the console, the newsroom it shows, and how to sign in."""

    client: TestClient  # type: ignore[type-arg]
    news: Newsroom

    async def sign_in(self) -> None:
        """Type the token into the login form: the client keeps the session cookie."""
        response = await self.client.post(
            "/login", data={"token": WEB_TOKEN, "next": "/"}, allow_redirects=False
        )
        assert response.status == 303, await response.text()

    async def csrf(self, path: str = "/sources") -> str:
        """The CSRF token a signed-in page's forms carry."""
        page = await (await self.client.get(path)).text()
        found = _CSRF.search(page)
        assert found, page
        return found.group(1)


def console_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "web_token": WEB_TOKEN,
        "public_url": PUBLIC_URL,
        "web_login_delay": LOGIN_DELAY,
        "llm_daily_token_limit": 50_000,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[Console]:
    """The console of these settings, with the newsroom stored, behind a test client."""
    app = build_app(settings)
    news = await build_newsroom(app.uow_factory)
    server = TestServer(health_app(app.engine, extend=build_console(app)))
    client = TestClient(server)
    await client.start_server()
    try:
        yield Console(client, news)
    finally:
        await client.close()
        await app.aclose()


@pytest.fixture
async def console(migrated_url: str, tmp_path: object) -> AsyncIterator[Console]:
    async with serving(console_settings(migrated_url, output_dir=str(tmp_path))) as serve:
        yield serve


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningConsole]:
    """`digestbot run` with the console on, over the newsroom (one process for the session:
    the tests that use it only read)."""
    from tests.web.running import running_console

    with running_console(tmp_path_factory.mktemp("service")) as running:
        yield running
