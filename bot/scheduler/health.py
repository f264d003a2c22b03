"""A small HTTP server for operators: /healthz (alive), /readyz (database reachable), /metrics."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.metrics import REGISTRY

log = logging.getLogger(__name__)

Route = Callable[[web.Request], Awaitable[web.Response]]
Check = Callable[[], Awaitable[bool]]
#: Adds more pages to the operator app (the web console, when its token is set).
Extension = Callable[[web.Application], None]


def health_app(
    engine: AsyncEngine,
    routes: Mapping[str, Route] | None = None,
    checks: Mapping[str, Check] | None = None,
    extend: Extension | None = None,
) -> web.Application:
    """The operator endpoints, plus the platforms' POST `routes` (webhooks) when given.

    `extend` mounts further pages on the same server (the console), so one port serves all.
    Readiness pings the database with a short query, then asks each platform connection
    (`checks`: the Telegram poller or webhook, the Slack socket) whether it is up.
    """

    async def healthz(_: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def readyz(_: web.Request) -> web.Response:
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:  # any driver error means "not ready"
            log.warning("readiness check failed: %s", exc)
            return web.Response(status=503, text=f"database unreachable: {type(exc).__name__}\n")
        for name, check in (checks or {}).items():
            try:
                ready = await check()
            except Exception:  # a failing check means "not ready", never a crash
                ready = False
            if not ready:
                return web.Response(status=503, text=f"{name}: not connected\n")
        return web.Response(text="ready\n")

    async def metrics(_: web.Request) -> web.Response:
        body = generate_latest(REGISTRY)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    for path, route in (routes or {}).items():
        app.router.add_post(path, route)
    if extend is not None:
        extend(app)
    return app


async def start_health_server(
    engine: AsyncEngine,
    port: int,
    routes: Mapping[str, Route] | None = None,
    checks: Mapping[str, Check] | None = None,
    extend: Extension | None = None,
) -> web.AppRunner:
    """Serve the operator endpoints (and webhooks, and the console) on all interfaces at
    `port` (0: any free)."""
    runner = web.AppRunner(health_app(engine, routes, checks, extend), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host="0.0.0.0", port=port)  # noqa: S104 - probes come from outside
    await site.start()
    return runner


def bound_port(runner: web.AppRunner, asked: int) -> int:
    """The port the operator endpoints listen on: the one asked for, or the one the system
    chose when 0 was asked (tests and several workers on one machine ask for any)."""
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    return asked
