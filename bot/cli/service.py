"""`digestbot run`: the long-running service."""

from __future__ import annotations

from bot.cli.common import opened_app, run, settings


def run_service() -> None:
    """Run the scheduler, the Telegram and Slack listeners and the operator endpoints."""
    from bot.bootstrap import build_router
    from bot.scheduler.listeners import build_listeners
    from bot.scheduler.service import DigestService
    from bot.scheduler.single import single_process

    loaded = settings()

    async def main() -> None:
        with single_process(loaded.database_url):
            async with opened_app(loaded) as bot:
                listeners = build_listeners(bot, build_router(bot))
                await DigestService(bot, listeners=listeners).run()

    run(main)
