"""The service process the crash tests kill: the real `DigestService` on a test clock.

Usage (the tests start it; settings come from the environment as for `digestbot run`):

    DIGESTBOT_CRASH_NOW=2026-03-02T08:01:00+00:00 python -m tests.crash.driver

Four things differ from `digestbot run`, none of them in the code under test:

- The clock is `DIGESTBOT_CRASH_NOW`, held still for the life of the process. Each round
  starts the process a day later, so every round meets a new schedule slot; the restart
  right after a kill keeps the round's clock, so the killed process's delivery leases
  (five minutes) have not run out for it.
- The ticks are a second or less, and the round's digest slot waits for the round's first
  ingest pass (as a slot that comes just after a poll would).
- On PostgreSQL the new leader starts leader work after half a second instead of waiting
  out the default settle time: the killed leader's session ended with its process.
- Telegram pacing is raised to what the fake Telegram server allows (in the process: with
  one process there is nothing to share through the database), and every summary prints
  `summarize` on standard output and takes as long as a quick model call, so the test can
  see summarizing happen and kill the process in the middle of it.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime

from bot.adapters.pacing import Pacer, PacingPolicy, Rate
from bot.adapters.telegram import TelegramAdapter
from bot.app import App
from bot.bootstrap import build_app
from bot.config import load_settings
from bot.domain.articles import Article, Summary
from bot.domain.languages import Lang
from bot.logs import configure_logging
from bot.scheduler.leader import Leadership, PostgresLeadership, elect
from bot.scheduler.service import DigestService
from bot.scheduler.single import single_process
from bot.summarize.base import Summarizer

#: The variable holding the process's clock (ISO 8601 with an offset).
CLOCK_VARIABLE = "DIGESTBOT_CRASH_NOW"
#: Seconds between ticks: short, so a round takes a second or two.
TICKS = {"ingest": 0.5, "digests": 1.0, "deliveries": 0.3}
#: What the fake Telegram server of the crash tests accepts (see `FAST_TELEGRAM`).
FAST_PACING = PacingPolicy(per_chat=Rate(20, 1.0), overall=Rate(2000, 1.0))
#: Seconds a new leader waits before leading (a killed leader holds no session to wait for).
SETTLE = 0.5
#: How long one summary takes, as a quick model call would.
SUMMARY_LATENCY = 0.02
#: The line printed as each summary starts.
SUMMARY_MARK = "summarize"


class MarkedSummarizer:
    """The real summarizer, announcing each call on standard output and taking a moment."""

    def __init__(self, inner: Summarizer) -> None:
        self.inner = inner
        self.prompt_name = inner.prompt_name
        self.prompt_hash = inner.prompt_hash
        self.model = inner.model

    async def summarize(self, article: Article, lang: Lang, *, style_note: str = "") -> Summary:
        """Print the mark, wait a model's latency, then summarize for real."""
        print(SUMMARY_MARK, flush=True)
        await asyncio.sleep(SUMMARY_LATENCY)
        return await self.inner.summarize(article, lang, style_note=style_note)


class HeldClockService(DigestService):
    """`DigestService` with a fixed clock; the digest slot runs after the first ingest pass."""

    def __init__(self, app: App, clock: datetime) -> None:
        super().__init__(
            app,
            ticks=TICKS,
            leadership=quick_leadership(app.settings.database_url),
            clock=lambda: clock,
        )
        self.ingested = asyncio.Event()

    async def ingest_tick(self) -> None:
        """Poll the due sources, then let the digest slot run."""
        try:
            await super().ingest_tick()
        finally:
            self.ingested.set()

    async def digests_tick(self) -> None:
        """Run the due slots once this round's articles are in."""
        await self.ingested.wait()
        await super().digests_tick()


def quick_leadership(database_url: str) -> Leadership:
    """The real election for the database, with a short settle time on PostgreSQL."""
    leadership = elect(database_url)
    if isinstance(leadership, PostgresLeadership):
        leadership.settle = SETTLE
    return leadership


def wire(app: App) -> App:
    """Fast pacing for the fake Telegram server and summaries the test can see."""
    telegram = app.adapters.get("telegram")
    if isinstance(telegram, TelegramAdapter):
        telegram.pacer = Pacer(FAST_PACING)
    app.summarizer = MarkedSummarizer(app.summarizer)
    return app


async def serve(clock: datetime) -> None:
    """Run the service until killed (or SIGTERM), as `digestbot run` does."""
    settings = load_settings()
    configure_logging(settings)
    with single_process(settings.database_url):
        app = wire(build_app(settings))
        try:
            await HeldClockService(app, clock).run()
        finally:
            await app.aclose()


def main() -> None:
    """Entry point: the clock from the environment, then serve."""
    clock = datetime.fromisoformat(os.environ[CLOCK_VARIABLE])
    print(f"started at {clock.isoformat()}", file=sys.stderr, flush=True)
    asyncio.run(serve(clock))


if __name__ == "__main__":
    main()
