"""Engines for the database URLs users write, with the connection settings each database needs.

SQLite runs in WAL mode with foreign keys on and a busy timeout, so the bot's jobs can read
while one of them writes. Transactions keep the driver's default (a write transaction starts
at the first write), so a read followed by a write waits for a busy database instead of
failing; the repositories use single-statement upserts where a race could matter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.errors import ConfigError

#: How long SQLite waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT_MS = 10_000

_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
    "PRAGMA synchronous=NORMAL",
)
_SQLITE_DRIVERS = {"sqlite", "sqlite+aiosqlite", "sqlite+pysqlite"}
_POSTGRES_DRIVERS = {"postgresql", "postgres", "postgresql+psycopg"}
_ACCEPTED = "use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"


def make_engine(url: str) -> AsyncEngine:
    """An async engine for a `sqlite:///PATH` or `postgresql://...` URL (raises ConfigError)."""
    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_async_engine(parsed.set(drivername="sqlite+aiosqlite"), pool_pre_ping=True)
        event.listen(engine.sync_engine, "connect", _set_sqlite_pragmas)
        return engine
    return create_async_engine(parsed.set(drivername="postgresql+psycopg"), pool_pre_ping=True)


def make_sync_engine(url: str) -> Engine:
    """A blocking engine for the same URL, for migrations (Alembic is synchronous)."""
    engine = create_engine(sync_url(url), pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def sync_url(url: str) -> str:
    """The URL with a blocking driver (pysqlite or psycopg), as Alembic needs it."""
    parsed = _parse(url)
    driver = "sqlite+pysqlite" if parsed.get_backend_name() == "sqlite" else "postgresql+psycopg"
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"cannot parse database URL {_scheme(url)!r}; {_ACCEPTED}") from None
    if parsed.drivername in _SQLITE_DRIVERS:
        return _sqlite_file(parsed)
    if parsed.drivername in _POSTGRES_DRIVERS:
        return parsed
    raise ConfigError(f"unsupported database URL {parsed.drivername!r}; {_ACCEPTED}")


def _sqlite_file(parsed: URL) -> URL:
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        raise ConfigError(
            "in-memory SQLite is not supported (every connection would see an empty "
            "database); use sqlite:///PATH with a file path"
        )
    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return parsed


def _scheme(url: str) -> str:
    return url.split(":", 1)[0]


def _set_sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()
