"""Workers made present for a test, exactly as `digestbot run` makes itself present."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg

from bot.domain.channels import WORKER_LOCK_CLASS, Worker
from bot.scheduler.presence import presence_for
from bot.scheduler.single import sqlite_path
from tests.conftest import libpq_url


@asynccontextmanager
async def present(database_url: str, worker: Worker | None = None) -> AsyncIterator[Worker]:
    """A worker alive for the block (on PostgreSQL holding its lock on a session of its own);
    leaving the block ends the session, as the death of its process would, and returns once
    the server has let the lock go."""
    worker = worker or Worker()
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(presence_for(database_url, worker).run(stop, ready))
    try:
        await asyncio.wait_for(ready.wait(), 10)
        assert worker.alive, "the worker could not make itself present"
        yield worker
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
        if sqlite_path(database_url) is None:
            await _lock_released(database_url, worker)


def lock_holder(database_url: str, worker: Worker) -> int | None:
    """The PostgreSQL server process (pid) holding the worker's lock, or None."""
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        row = conn.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid = %s::oid AND objid = %s::oid AND objsubid = 2",
            (WORKER_LOCK_CLASS, worker.id),
        ).fetchone()
    return int(row[0]) if row else None


async def _lock_released(database_url: str, worker: Worker, timeout: float = 10.0) -> None:
    """Wait until the server has ended the worker's session (it does so just after it closes)."""
    deadline = time.monotonic() + timeout
    while lock_holder(database_url, worker) is not None:
        assert time.monotonic() < deadline, f"worker {worker.id} still holds its lock"
        await asyncio.sleep(0.02)
