"""Headless Chromium driven over the DevTools protocol, with aiohttp's websocket client.

Chromium's command line cannot set a cookie, and a token in a URL would leak into logs, so
the session cookie is set with `Network.setCookie` before the page is opened; the DOM read
back is what `--dump-dom` prints (`document.documentElement.outerHTML`).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
]


def chromium_path() -> str | None:
    """Debian's `chromium` (or another name it goes by), or None when it is not installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    return None


class Page:
    """One tab: navigate, evaluate, screenshot."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self._ws = ws
        self._ids = itertools.count(1)
        self._events: list[dict[str, Any]] = []

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its answer (events on the way are kept)."""
        number = next(self._ids)
        await self._ws.send_json({"id": number, "method": method, "params": params})
        while True:
            message = await asyncio.wait_for(self._ws.receive_json(), 20)
            if message.get("id") == number:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            self._events.append(message)

    async def _event(self, name: str) -> None:
        while True:
            if any(event.get("method") == name for event in self._events):
                self._events.clear()
                return
            self._events.append(await asyncio.wait_for(self._ws.receive_json(), 20))

    async def open(self, url: str) -> None:
        """Navigate and wait for the load event."""
        self._events.clear()
        await self.call("Page.navigate", url=url)
        await self._event("Page.loadEventFired")

    async def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page."""
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    async def dom(self) -> str:
        """The rendered document, as `--dump-dom` prints it."""
        return str(await self.evaluate("document.documentElement.outerHTML"))

    async def viewport(self, width: int, height: int, *, mobile: bool = False) -> None:
        """Lay the page out at this size (a phone's with `mobile`)."""
        await self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )

    async def screenshot(self, path: Path, *, width: int, height: int) -> None:
        """A PNG of the page at this viewport size."""
        await self.viewport(width, height)
        shot = await self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        path.write_bytes(base64.b64decode(shot["data"]))


@asynccontextmanager
async def chromium_page(binary: str, cookie: dict[str, Any]) -> AsyncIterator[Page]:
    """A headless Chromium with `cookie` set, and one page of it."""
    with tempfile.TemporaryDirectory(prefix="chromium-", ignore_cleanup_errors=True) as profile:
        # A session of its own: its helper processes are ended with it, by its group id.
        proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            port = await _devtools_port(Path(profile) / "DevToolsActivePort", proc)
            async with aiohttp.ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{port}/json/list") as response:
                    targets = await response.json()
                target = next(t for t in targets if t.get("type") == "page")
                async with http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                    page = Page(ws)
                    await page.call("Page.enable")
                    await page.call("Network.enable")
                    await page.call("Network.setCookie", **cookie)
                    yield page
        finally:
            _end(proc)


def _end(proc: subprocess.Popen[bytes]) -> None:
    """End the browser and its helpers (its process group), waiting for the browser."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


async def _devtools_port(path: Path, proc: subprocess.Popen[bytes]) -> int:
    for _ in range(300):
        if path.exists() and (first := path.read_text().split("\n", 1)[0].strip()).isdigit():
            return int(first)
        if proc.poll() is not None:
            raise RuntimeError(f"chromium exited with {proc.returncode} before it listened")
        await asyncio.sleep(0.05)
    raise RuntimeError("chromium did not open its DevTools port within 15 seconds")
