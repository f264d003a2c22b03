"""`digestbot run`: one asyncio process with the scheduler, the chat listeners (Telegram
polling or webhook, Slack Socket Mode or HTTP events) and the operator endpoints.

Schedules live in our own tables (subscriptions and sources carry their next run), and
APScheduler only drives short periodic ticks that read them, so nothing about a schedule
is lost on restart and a missed digest is coalesced into one run with a grace window.

Several processes may serve one PostgreSQL database. Each one ingests and delivers (sources
and deliveries are claimed, so no two workers take the same one), while only the elected
leader (see `leader.py`) runs the digest slots and the Telegram long-poller. Losing
leadership stops that work at once; winning it starts the slot tick right away.

Each process makes itself present as a worker (see `presence.py`) before its first tick and
stays present until its in-flight work is done, so its delivery claims are protected while
it lives, and a restarted or surviving process takes over a dead one's at its first pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot import metrics
from bot.adapters.shared_pacing import close_database_pacers
from bot.app import App
from bot.errors import ConfigError
from bot.scheduler.health import Extension, bound_port, start_health_server
from bot.scheduler.leader import Leadership, elect
from bot.scheduler.listeners import Listeners, Loop
from bot.scheduler.presence import presence_for
from bot.services.ingest import admin_pause_notice, ingest_due
from bot.services.publish import deliver_all
from bot.services.scheduled import prepare_upcoming, run_due_slots

log = logging.getLogger(__name__)

#: Seconds between ticks: due sources, due digest slots, due delivery retries, and the
#: summaries of the stories the next slots will show, made ahead of time.
TICKS = {"ingest": 60.0, "digests": 20.0, "deliveries": 15.0, "prepare": 60.0}
#: Ticks only the leader runs.
LEADER_JOBS = frozenset({"digests", "prepare"})
#: How long SIGTERM waits for in-flight work before closing.
SHUTDOWN_TIMEOUT = 8.0
#: How long the start waits for the worker's presence before the first tick; past it the
#: ticks start anyway, and claims stay unnamed (under the lease) until it is there.
PRESENCE_WAIT = 5.0

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time (UTC)."""
    return datetime.now(UTC)


class DigestService:
    """Runs the ticks until stopped; each tick is isolated so one failure never stops the rest."""

    def __init__(
        self,
        app: App,
        *,
        ticks: Mapping[str, float] | None = None,
        listeners: Listeners | None = None,
        leadership: Leadership | None = None,
        clock: Clock = utc_now,
        web: Extension | None = None,
    ) -> None:
        self.app = app
        #: Mounts the web console on the operator server (None: no console).
        self.web = web
        self.listeners = listeners or Listeners()
        self.ticks = {**TICKS, **(ticks or {})}
        self.leadership = leadership or elect(app.settings.database_url)
        self.clock = clock
        self.maker = app.maker
        self.stopping = asyncio.Event()
        self._running: set[asyncio.Task[None]] = set()
        self._leader_work: set[asyncio.Task[None]] = set()
        self._leader_loops: dict[str, tuple[asyncio.Task[None], asyncio.Event]] = {}
        self._scheduler: AsyncIOScheduler | None = None
        self._prepared: set[tuple[int, datetime]] = set()

    def now(self) -> datetime:
        """The current time (UTC), from the service's clock."""
        return self.clock()

    async def ingest_tick(self) -> None:
        """Poll every due source once (sources other workers are polling are skipped)."""
        app = self.app
        on_paused = admin_pause_notice(app.adapters, app.settings.admin_keys, app.uow_factory)
        for report in await ingest_due(
            app.uow_factory, app.reader, now=self.now(), on_paused=on_paused, stories=app.stories
        ):
            metrics.ARTICLES_INGESTED.labels(report.source_name).inc(report.new)
            metrics.DUPLICATES.labels(report.source_name).inc(report.duplicates)
            if report.error:
                metrics.FETCH_ERRORS.labels(report.source_name).inc()

    async def digests_tick(self) -> None:
        """Run every subscription slot that is due and not yet run (leader only)."""
        runs, _ = await run_due_slots(
            self.app.uow_factory,
            self.maker,
            self.app.adapters,
            now=self.now(),
            admin_keys=self.app.admin_keys,
        )
        for run in runs:
            log.info("digest slot %s ran for %d channels", run.slot, len(run.channel_ids))

    async def prepare_tick(self) -> None:
        """Summarize the stories of the slots due within minutes (leader only), so those
        digests leave on time however slow the LLM is."""
        now = self.now()
        stories = await prepare_upcoming(
            self.app.uow_factory, self.maker, now=now, done=self._prepared
        )
        if stories:
            log.info("summarized %d stories ahead of the next slots", stories)
        self._prepared = {(sub, slot) for sub, slot in self._prepared if slot > now}

    async def deliveries_tick(self) -> None:
        """Send deliveries whose time has come (other workers' claimed ones are skipped)."""
        await deliver_all(
            self.app.uow_factory, self.app.adapters, now=self.now(), admin_keys=self.app.admin_keys
        )
        async with self.app.uow_factory() as uow:
            metrics.QUEUE_DEPTH.set(await uow.deliveries.queued())

    def on_leadership(self, leader: bool) -> None:
        """Start leader work on winning leadership; stop it at once on losing it."""
        metrics.LEADER.set(1 if leader else 0)
        if leader:
            log.info("this process is the leader: it runs digest slots and the Telegram poller")
            self._start_leader_loops()
            if self._scheduler is not None and self._scheduler.running:
                self._scheduler.modify_job("digests", next_run_time=datetime.now(UTC))
            return
        log.warning("this process is no longer the leader: stopping its leader work")
        for task in list(self._leader_work):
            task.cancel()
        for task, term in self._leader_loops.values():
            term.set()
            task.cancel()
        self._leader_loops.clear()

    def _start_leader_loops(self) -> None:
        for name in sorted(self.listeners.leader_only):
            loop = self.listeners.loops.get(name)
            if loop is None or name in self._leader_loops:
                continue
            term = asyncio.Event()
            self._leader_loops[name] = (asyncio.create_task(self._listen(name, loop, term)), term)

    async def _listen(self, name: str, loop: Loop, stop: asyncio.Event) -> None:
        """Run one receive loop until `stop`; a crash is logged and the loop restarted."""
        while not stop.is_set():
            try:
                await loop(stop)
            except asyncio.CancelledError:
                raise
            except ConfigError as exc:
                log.error("the %s listener cannot run: %s", name, exc)
                return
            except Exception:
                metrics.JOB_ERRORS.labels(f"listen-{name}").inc()
                log.exception("the %s listener stopped; restarting it in 5 seconds", name)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 5.0)
            else:
                return

    def _guarded(
        self, name: str, job: Callable[[], Awaitable[None]]
    ) -> Callable[[], Awaitable[None]]:
        leader_only = name in LEADER_JOBS

        async def run() -> None:
            if self.stopping.is_set() or (leader_only and not self.leadership.is_leader):
                return
            task = asyncio.current_task()
            assert task is not None
            self._running.add(task)  # type: ignore[arg-type]
            try:
                if leader_only:
                    await self._as_leader(name, job)
                else:
                    await job()
            except Exception:  # a failed tick is logged and retried at the next one
                metrics.JOB_ERRORS.labels(name).inc()
                log.exception("job %s failed; it runs again at its next tick", name)
            finally:
                self._running.discard(task)  # type: ignore[arg-type]
                metrics.LAST_TICK.labels(name).set(time.time())

        return run

    async def _as_leader(self, name: str, job: Callable[[], Awaitable[None]]) -> None:
        """Run leader work as a task of its own, which losing leadership cancels."""
        work: asyncio.Task[None] = asyncio.ensure_future(job())
        self._leader_work.add(work)
        try:
            await asyncio.wait({work})
        except asyncio.CancelledError:
            work.cancel()
            raise
        finally:
            self._leader_work.discard(work)
        if work.cancelled():
            log.warning("job %s was stopped half-way: this process lost leadership", name)
            return
        work.result()

    async def run(self) -> None:
        """Serve until SIGTERM/SIGINT, then finish in-flight work and exit within 10 seconds."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stopping.set)
        metrics.LEADER.set(0)
        health = await start_health_server(
            self.app.engine,
            self.app.settings.http_port,
            self.listeners.routes,
            self.listeners.checks,
            self.web,
        )
        try:
            retries = await self.listeners.start(self.stopping)
        except BaseException:
            await health.cleanup()
            raise
        receiving = [*retries] + [
            asyncio.create_task(self._listen(name, loop, self.stopping))
            for name, loop in self.listeners.loops.items()
            if name not in self.listeners.leader_only
        ]
        absent, present = asyncio.Event(), asyncio.Event()
        presence = None
        if (worker := self.app.worker) is not None:
            presence = asyncio.create_task(
                presence_for(self.app.settings.database_url, worker).run(absent, present)
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(present.wait(), PRESENCE_WAIT)
        scheduler = self._scheduler = AsyncIOScheduler(
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
            timezone=UTC,
        )
        jobs = {
            "ingest": self.ingest_tick,
            "digests": self.digests_tick,
            "deliveries": self.deliveries_tick,
            "prepare": self.prepare_tick,
        }
        for name, job in jobs.items():
            scheduler.add_job(
                self._guarded(name, job),
                "interval",
                seconds=self.ticks[name],
                id=name,
                next_run_time=datetime.now(UTC),
            )
        scheduler.start()
        resign = asyncio.Event()
        election = asyncio.create_task(self.leadership.run(resign, self.on_leadership))
        log.info(
            "digestbot is running; health on port %s; %s",
            bound_port(health, self.app.settings.http_port),
            "; ".join(self.listeners.modes) or "no chat listener (digests are posted only)",
        )
        await self.stopping.wait()
        log.info("stopping: no new work, waiting for in-flight jobs")
        scheduler.shutdown(wait=False)
        leader_loops = [task for task, _ in self._leader_loops.values()]
        for _, term in self._leader_loops.values():
            term.set()
        pending = {*self._running, *receiving, *leader_loops}
        if pending:
            await asyncio.wait(pending, timeout=SHUTDOWN_TIMEOUT)
        for task in [*receiving, *leader_loops]:
            task.cancel()
        resign.set()
        absent.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(election, 2.0)
        if presence is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(presence, 2.0)
        metrics.LEADER.set(0)
        await close_database_pacers()
        await health.cleanup()
        log.info("stopped")
