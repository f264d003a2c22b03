"""Worker presence: the other senders can tell whether this process still runs.

A `digestbot run` is a `Worker`, and its delivery claims carry its id while it is alive, so
the claims of a process that died (`kill -9`, a crash, a lost machine) return at the next
delivery pass of any sender, seconds later, instead of after the five-minute lease; the
claims of a live one stay protected. A worker is alive:

- on PostgreSQL, while it holds a session-level advisory lock (`WORKER_LOCK_CLASS`, its id)
  on a connection of its own, as the leader holds its lock (`leader.py`). PostgreSQL frees
  the lock when the session ends, even on `kill -9`, and claimers read `pg_locks`. A failed
  check of the connection marks the worker not alive at once (new claims go unnamed, under
  the lease) until the lock is held again; claims of its own that others took over in
  between are fenced (see `bot.services.deliveries`);
- on SQLite, from its start: one `digestbot run` serves a file (`single.py`), so any claim
  named by another worker was left by an earlier run, and this one takes it back at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

from sqlalchemy.engine import make_url

from bot.domain.channels import WORKER_LOCK_CLASS, Worker
from bot.scheduler.lock_sessions import LockConnection, close_quietly, connect_lock_session
from bot.scheduler.single import sqlite_path

log = logging.getLogger(__name__)

#: Seconds between checks of the lock's connection, and between attempts to reconnect.
KEEPALIVE = 1.0
#: A check (or lock attempt) slower than this counts as a broken connection.
TIMEOUT = 3.0
#: The longest pause between attempts while the database cannot be reached.
MAX_RETRY = 10.0


class Presence(Protocol):
    """Keeps a worker's `alive` true exactly while the other senders can see it is."""

    worker: Worker

    async def run(self, stop: asyncio.Event, ready: asyncio.Event) -> None:
        """Be present until `stop` is set; `ready` is set at the first attempt's end."""


class SolePresence:
    """The single `digestbot run` of a SQLite file: alive from start to finish."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker

    async def run(self, stop: asyncio.Event, ready: asyncio.Event) -> None:
        """Alive at once, until `stop`."""
        self.worker.alive = True
        ready.set()
        try:
            await stop.wait()
        finally:
            self.worker.alive = False


class PostgresPresence:
    """Presence held as a PostgreSQL advisory lock on a dedicated connection."""

    def __init__(
        self,
        database_url: str,
        worker: Worker,
        *,
        keepalive: float = KEEPALIVE,
        timeout: float = TIMEOUT,
    ) -> None:
        self._conninfo = (
            make_url(database_url)
            .set(drivername="postgresql")
            .render_as_string(hide_password=False)
        )
        self.worker = worker
        self.keepalive = keepalive
        self.timeout = timeout

    async def run(self, stop: asyncio.Event, ready: asyncio.Event) -> None:
        """Hold the lock, checking the connection every `keepalive` seconds; retake it after
        a failure. Ending the session on `stop` frees the lock."""
        conn: LockConnection | None = None
        pause = self.keepalive
        try:
            while not stop.is_set():
                try:
                    if conn is None:
                        conn = await self._connect()
                        await self._lock(conn)
                        self.worker.alive = True
                        log.info("worker %s holds its presence lock", self.worker.id)
                    else:
                        async with asyncio.timeout(self.timeout):
                            await conn.execute("SELECT 1")
                    pause = self.keepalive
                except Exception as exc:
                    if self.worker.alive:
                        log.error("worker %s lost its presence lock (%s)", self.worker.id, exc)
                    else:
                        log.warning("worker presence: the database is unreachable (%s)", exc)
                    self.worker.alive = False
                    await close_quietly(conn)
                    conn = None
                    pause = min(pause * 2, MAX_RETRY)
                ready.set()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), pause)
        finally:
            self.worker.alive = False
            ready.set()
            await close_quietly(conn)

    async def _connect(self) -> LockConnection:
        return await connect_lock_session(
            self._conninfo, connect_timeout=self.timeout, name="digestbot-worker"
        )

    async def _lock(self, conn: LockConnection) -> None:
        """Take the worker's lock; an id some other session holds (a 1 in 2^31 draw) is
        replaced by a fresh one."""
        while True:
            async with asyncio.timeout(self.timeout):
                cursor = await conn.execute(
                    "SELECT pg_try_advisory_lock(%s, %s)", (WORKER_LOCK_CLASS, self.worker.id)
                )
                row = await cursor.fetchone()
            if row and row[0]:
                return
            old = self.worker.id
            self.worker.id = Worker().id
            log.warning("worker id %s is taken; this worker is now %s", old, self.worker.id)


def presence_for(database_url: str, worker: Worker) -> Presence:
    """The presence for a database: sole on SQLite, an advisory lock on PostgreSQL."""
    if sqlite_path(database_url) is not None:
        return SolePresence(worker)
    return PostgresPresence(database_url, worker)
