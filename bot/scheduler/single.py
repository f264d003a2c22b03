"""One `digestbot run` per SQLite file: a second process would double every scheduled digest."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.errors import DigestbotError


def sqlite_path(database_url: str) -> Path | None:
    """The database file of a SQLite URL, or None for any other database."""
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite") or not url.database:
        return None
    return Path(url.database)


@contextmanager
def single_process(database_url: str) -> Iterator[None]:
    """Hold an exclusive lock beside a SQLite file for the life of the service.

    The lock is released by the kernel when the process dies, even on `kill -9`, so a crash
    never leaves a stale lock behind. PostgreSQL needs no such guard: workers coordinate there.
    """
    path = sqlite_path(database_url)
    if path is None:
        yield
        return
    lock_path = path.with_name(path.name + ".run.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DigestbotError(
                f"another `digestbot run` already uses {path}; SQLite allows one service "
                "process: stop the other one, or use PostgreSQL (DIGESTBOT_DATABASE_URL="
                "postgresql+psycopg://...) to run several workers"
            ) from None
        yield
    finally:
        os.close(fd)
