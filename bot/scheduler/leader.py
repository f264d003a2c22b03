"""Leader election: of several `digestbot run` workers on one PostgreSQL, exactly one leads.

Digest slots must run once and Telegram refuses two long-pollers on one token, so only the
leader runs them; every worker ingests and delivers. The leader is the worker holding a
session-level PostgreSQL advisory lock on a connection of its own. The lock lives exactly
as long as that session: when the leader dies, even by `kill -9`, PostgreSQL ends the
session and frees the lock, and the first follower to try again (every `retry` seconds)
takes over.

The leader checks its connection every `keepalive` seconds; a check that fails or takes
longer than `timeout` means the lock may be gone, so it stops leader work at once. A new
leader waits `settle` seconds (longer than an old leader needs to notice that) before it
starts, so an old leader whose connection broke has stopped before the new one begins.
This assumes the old leader's event loop is not blocked for longer than `settle`.

The lock is scoped to the schema the connection works in (`current_schema()`), so
deployments (or test runs) in separate schemas of one database elect separately.
On SQLite there is one process (see `single.py`), and it is always the leader.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Protocol

from sqlalchemy.engine import make_url

from bot.scheduler.lock_sessions import LockConnection, close_quietly, connect_lock_session
from bot.scheduler.single import sqlite_path

log = logging.getLogger(__name__)

#: The advisory lock's first key ("dige"); the second is a hash of the schema name.
LOCK_CLASS = 0x64696765
#: Seconds between a follower's attempts to take the lock.
RETRY = 1.0
#: Seconds between the leader's checks of its connection.
KEEPALIVE = 1.0
#: A check (or lock attempt) slower than this counts as a broken connection.
TIMEOUT = 3.0
#: The longest pause between attempts while the database cannot be reached.
MAX_RETRY = 10.0

#: Told True when this process becomes the leader and False when it stops being one.
OnChange = Callable[[bool], None]


class Leadership(Protocol):
    """Whether this process leads, kept current by `run`."""

    is_leader: bool

    async def run(self, resign: asyncio.Event, on_change: OnChange) -> None:
        """Campaign and lead until `resign` is set, then give leadership up.

        `on_change(True)` is called when leader work may start and `on_change(False)` when
        it must stop at once (leadership was lost); resigning calls neither, because the
        caller has already finished its leader work by then.
        """


class SoleLeader:
    """The single process of a SQLite deployment: the leader from start to finish."""

    def __init__(self) -> None:
        self.is_leader = False

    async def run(self, resign: asyncio.Event, on_change: OnChange) -> None:
        """Lead at once, until `resign` is set."""
        self.is_leader = True
        on_change(True)
        try:
            await resign.wait()
        finally:
            self.is_leader = False


class PostgresLeadership:
    """Leadership held as a PostgreSQL advisory lock on a dedicated connection."""

    def __init__(
        self,
        database_url: str,
        *,
        retry: float = RETRY,
        keepalive: float = KEEPALIVE,
        timeout: float = TIMEOUT,
        settle: float | None = None,
    ) -> None:
        self._conninfo = (
            make_url(database_url)
            .set(drivername="postgresql")
            .render_as_string(hide_password=False)
        )
        self.retry = retry
        self.keepalive = keepalive
        self.timeout = timeout
        self.settle = settle if settle is not None else keepalive + timeout + 0.5
        self.is_leader = False

    async def run(self, resign: asyncio.Event, on_change: OnChange) -> None:
        """Try for the lock every `retry` seconds; lead while holding it (see the module)."""
        conn: LockConnection | None = None
        pause = self.retry
        try:
            while not resign.is_set():
                try:
                    conn = conn or await self._connect()
                    if await self._try_lock(conn):
                        await self._lead(conn, resign, on_change)
                        # Leadership ended: resigned, or the session is suspect; start afresh.
                        await close_quietly(conn)
                        conn = None
                    pause = self.retry
                except Exception as exc:
                    log.warning(
                        "leader election: the database is unreachable (%s); next try in %gs",
                        _one_line(exc),
                        pause,
                    )
                    await close_quietly(conn)
                    conn = None
                    pause = min(pause * 2, MAX_RETRY)
                await _wait(resign, pause)
        finally:
            if self.is_leader:
                self.is_leader = False
                if not resign.is_set():
                    on_change(False)
            await close_quietly(conn)  # ending the session frees the lock for the next leader

    async def _connect(self) -> LockConnection:
        return await connect_lock_session(
            self._conninfo, connect_timeout=self.timeout, name="digestbot-leader"
        )

    async def _try_lock(self, conn: LockConnection) -> bool:
        async with asyncio.timeout(self.timeout):
            cursor = await conn.execute(
                "SELECT pg_try_advisory_lock(%s, hashtext(current_schema()))", (LOCK_CLASS,)
            )
            row = await cursor.fetchone()
        return bool(row and row[0])

    async def _lead(
        self,
        conn: LockConnection,
        resign: asyncio.Event,
        on_change: OnChange,
    ) -> None:
        """Hold the lock: settle, then lead until resigning or until a check fails."""
        loop = asyncio.get_running_loop()
        start_at = loop.time() + self.settle
        log.info("took the leader lock; leader work starts in %.1fs", self.settle)
        while not resign.is_set():
            now = loop.time()
            if not self.is_leader and now >= start_at:
                self.is_leader = True
                on_change(True)
            pause = self.keepalive if self.is_leader else min(self.keepalive, start_at - now)
            if await _wait(resign, pause):
                return
            try:
                async with asyncio.timeout(self.timeout):
                    await conn.execute("SELECT 1")
            except Exception as exc:
                log.error(
                    "the leader's database connection failed (%s); stopping leader work",
                    _one_line(exc),
                )
                if self.is_leader:
                    self.is_leader = False
                    on_change(False)
                return


def elect(database_url: str) -> Leadership:
    """The leadership for a database: sole on SQLite, an advisory lock on PostgreSQL."""
    if sqlite_path(database_url) is not None:
        return SoleLeader()
    return PostgresLeadership(database_url)


async def _wait(event: asyncio.Event, seconds: float) -> bool:
    """Wait up to `seconds` for `event`; True when it was set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), max(0.0, seconds))
    return event.is_set()


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
