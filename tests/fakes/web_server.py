"""A real HTTP server on 127.0.0.1 that tests fill with pages, feeds, redirects and traps.

It records every request (path and headers) so a test can check what the bot sent, e.g.
its User-Agent, conditional headers or the Host it asked for.
"""

from __future__ import annotations

import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class RecordedRequest:
    """What the server received: enough to assert on headers the client sent."""

    path: str
    headers: dict[str, str]


@dataclass
class FakeWebServer:
    """Serves registered routes; `await server.start()` then `server.url("/feed.xml")`."""

    requests: list[RecordedRequest] = field(default_factory=list)
    _routes: dict[str, Handler] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    port: int = 0
    scheme: str = "http"

    async def start(self, *, ssl_context: ssl.SSLContext | None = None) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=ssl_context)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self.scheme = "https" if ssl_context else "http"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def url(self, path: str, *, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> None:
        self._routes[path] = handler

    def serve(
        self,
        path: str,
        body: bytes | str,
        *,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode() if isinstance(body, str) else body

        async def handler(request: web.Request) -> web.StreamResponse:
            extra = dict(headers or {})
            extra["Content-Type"] = content_type
            return web.Response(body=data, status=status, headers=extra)

        self.route(path, handler)

    def redirect(self, path: str, location: str, *, status: int = 302) -> None:
        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(status=status, headers={"Location": location})

        self.route(path, handler)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(RecordedRequest(request.path_qs, dict(request.headers)))
        handler = self._routes.get(request.path_qs) or self._routes.get(request.path)
        if handler is None:
            return web.Response(status=404, text="not found")
        return await handler(request)
