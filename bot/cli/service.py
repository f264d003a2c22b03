"""`digestbot run`: the long-running service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cli.common import opened_app, run, settings

if TYPE_CHECKING:
    from bot.scheduler.service import Clock


def run_service() -> None:
    """Run the scheduler, the Telegram and Slack listeners and the operator endpoints."""
    serve()


def serve(clock: Clock | None = None) -> None:
    """`digestbot run`, optionally on another clock, so tests can move a process in time.

    On SQLite a second process is refused; on PostgreSQL any number may run, and they elect
    one leader among themselves (see `bot.scheduler.leader`).
    """
    from bot.bootstrap import build_console, build_router
    from bot.scheduler.listeners import build_listeners
    from bot.scheduler.service import DigestService, utc_now
    from bot.scheduler.single import single_process

    loaded = settings()

    async def main() -> None:
        with single_process(loaded.database_url):
            async with opened_app(loaded) as bot:
                listeners = build_listeners(bot, build_router(bot))
                service = DigestService(
                    bot,
                    listeners=listeners,
                    ticks=loaded.tick_seconds,
                    clock=clock or utc_now,
                    web=build_console(bot),
                )
                await service.run()

    run(main)
