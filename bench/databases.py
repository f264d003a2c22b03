"""What the benchmarks share: a migrated database of either kind, and child processes.

Each figure comes from a fresh child process (its CPU time and peak memory are its own), and
every PostgreSQL run gets a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

POSTGRES_URL = os.environ.get(
    "DIGESTBOT_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@contextmanager
def migrated_database(kind: str) -> Iterator[str]:
    """A migrated, empty database: a temporary SQLite file or a PostgreSQL schema of its own."""
    from storage.migrate import upgrade_to_head

    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as work:
            url = f"sqlite:///{work}/bench.db"
            asyncio.run(upgrade_to_head(url))
            yield url
        return
    import psycopg
    from sqlalchemy.engine import make_url

    server = make_url(POSTGRES_URL)
    libpq = server.set(drivername="postgresql").render_as_string(hide_password=False)
    schema = f"bench_{secrets.token_hex(4)}"
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        url = server.update_query_dict(
            {"options": f"-csearch_path={schema},public"}
        ).render_as_string(hide_password=False)
        asyncio.run(upgrade_to_head(url))
        yield url
    finally:
        with psycopg.connect(libpq, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used (one line), or None when it answers."""
    import psycopg
    from sqlalchemy.engine import make_url

    libpq = make_url(POSTGRES_URL).set(drivername="postgresql").render_as_string(False)
    try:
        psycopg.connect(libpq, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return None


def json_child(module: str, *args: str) -> dict[str, Any]:
    """Run `python -m module args…` and return the JSON object on its last line of output."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
