"""`digestbot run` as a real process with the console on, over a stored newsroom."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from storage.db import make_engine
from storage.uow import make_uow_factory
from tests.service_process import start_service
from tests.web.conftest import LOGIN_DELAY, WEB_TOKEN
from tests.web.newsroom import Newsroom, build_newsroom


@dataclass(frozen=True)
class RunningConsole:
    """The service's base URL and the newsroom it serves."""

    base: str
    news: Newsroom
    log: Path

    def session_cookie(self) -> str:
        """Sign in through the login form; the session cookie's value."""
        request = urllib.request.Request(
            f"{self.base}/login",
            data=f"token={WEB_TOKEN}&next=/".encode(),
            method="POST",
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            opener.open(request, timeout=5)
        except urllib.error.HTTPError as err:
            assert err.code == 303, err.read()
            cookie = err.headers["Set-Cookie"]
            return cookie.split(";", 1)[0].split("=", 1)[1]
        raise AssertionError("the login did not redirect")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@contextmanager
def running_console(tmp: Path) -> Iterator[RunningConsole]:
    """Migrate a SQLite file, store the newsroom, start `digestbot run` on any free port."""
    url = f"sqlite:///{tmp / 'bot.db'}"
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SLACK_", "TELEGRAM_"))
    }
    env |= {
        "DIGESTBOT_DATABASE_URL": url,
        "DIGESTBOT_HTTP_PORT": "0",
        "DIGESTBOT_WEB_TOKEN": WEB_TOKEN,
        "DIGESTBOT_PUBLIC_URL": "http://127.0.0.1",
        "DIGESTBOT_WEB_LOGIN_DELAY": str(LOGIN_DELAY),
        "DIGESTBOT_LLM_DAILY_TOKENS": "50000",
        "DIGESTBOT_TICKS": "ingest=3600,digests=3600,deliveries=3600,prepare=3600",
    }
    subprocess.run(
        [sys.executable, "-m", "bot", "init"], env=env, cwd=tmp, check=True, capture_output=True
    )
    news = asyncio.run(_seed(url))
    proc, port, log = start_service(env, tmp)
    try:
        yield RunningConsole(f"http://127.0.0.1:{port}", news, log)
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


async def _seed(url: str) -> Newsroom:
    engine = make_engine(url)
    try:
        return await build_newsroom(make_uow_factory(engine))
    finally:
        await engine.dispose()
