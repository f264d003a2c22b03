"""`digestbot run`: the long-running service."""

from __future__ import annotations

from bot.cli.common import opened_app, run, settings


def run_service() -> None:
    """Run the scheduler (source polling, scheduled digests, delivery retries) and /healthz."""
    from bot.scheduler.service import DigestService
    from bot.scheduler.single import single_process

    loaded = settings()

    async def main() -> None:
        with single_process(loaded.database_url):
            async with opened_app(loaded) as bot:
                await DigestService(bot).run()

    run(main)
