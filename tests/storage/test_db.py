"""Engines accept the URLs users write and configure SQLite for concurrent use."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from bot.errors import ConfigError
from storage.db import make_engine, sync_url


async def test_sqlite_url_gets_the_async_driver_and_a_parent_directory(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "bot.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        assert engine.url.drivername == "sqlite+aiosqlite"
        assert path.parent.is_dir()
    finally:
        await engine.dispose()


async def test_every_sqlite_connection_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    try:
        async with engine.connect() as conn:
            pragmas = {
                name: (await conn.execute(text(f"PRAGMA {name}"))).scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
    finally:
        await engine.dispose()
    assert pragmas == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 10000,
        "synchronous": 1,
    }


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://bot@db/news", "postgresql+psycopg://bot@db/news"),
        ("postgres://bot:secret@db:5433/news", "postgresql+psycopg://bot:secret@db:5433/news"),
        ("postgresql+psycopg://bot@db/news", "postgresql+psycopg://bot@db/news"),
    ],
)
def test_postgres_urls_map_to_psycopg(url: str, expected: str) -> None:
    assert sync_url(url) == expected
    assert make_engine(url).url.render_as_string(hide_password=False) == expected


def test_sync_url_uses_the_blocking_sqlite_driver(tmp_path: Path) -> None:
    assert sync_url(f"sqlite+aiosqlite:///{tmp_path}/a.db") == f"sqlite+pysqlite:///{tmp_path}/a.db"


@pytest.mark.parametrize(
    "url", ["mysql://bot@db/news", "postgresql+asyncpg://bot@db/news", "not a url"]
)
def test_unsupported_url_says_which_forms_work(url: str) -> None:
    with pytest.raises(ConfigError, match=r"sqlite:///PATH or postgresql\+psycopg://"):
        make_engine(url)


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_in_memory_sqlite_is_refused_with_the_reason(url: str) -> None:
    with pytest.raises(ConfigError, match="in-memory SQLite is not supported"):
        make_engine(url)
