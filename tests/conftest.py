"""Shared database fixtures: every storage-backed test runs on SQLite and on PostgreSQL.

`database_url` is an empty database: a temporary SQLite file, or a fresh PostgreSQL schema
(several test runs may share one server database, so each test gets its own schema).
`migrated_url`, `engine` and `uow_factory` build on it.

PostgreSQL comes from DIGESTBOT_TEST_POSTGRES_URL (default below). When it is unreachable
the PostgreSQL half is skipped, unless DIGESTBOT_REQUIRE_POSTGRES=1 (CI), which fails instead.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from alembic import command
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.pacing import Pacer, PacingPolicy, Rate
from bot.adapters.telegram import TelegramAdapter
from bot.domain.repositories import UnitOfWorkFactory
from storage.db import make_engine
from storage.migrate import alembic_config
from storage.models import Base
from storage.search import SEARCH_TABLE
from storage.uow import make_uow_factory
from tests.fakes.telegram_server import FakeTelegramServer, TelegramLimits

#: The bot token the fake Bot API of the `telegram_fake` fixture accepts.
TELEGRAM_TOKEN = "7012345678:AAF-test_token_for_the_fake_server_only"
#: Limits generous enough to stay out of the way; pacing has tests of its own.
FAST = Rate(500, 1.0)


def fast_pacer() -> Pacer:
    """A pacer that lets the tests go as fast as the fakes' generous limits allow."""
    return Pacer(PacingPolicy(per_chat=FAST, overall=FAST, per_group=FAST))


@pytest.fixture
async def telegram_fake() -> AsyncIterator[FakeTelegramServer]:
    """The fake Bot API on 127.0.0.1, enforcing generous limits."""
    limits = TelegramLimits(overall=FAST, per_chat=FAST, per_group=FAST)
    async with FakeTelegramServer(TELEGRAM_TOKEN, limits=limits) as fake:
        yield fake


@pytest.fixture
async def telegram(telegram_fake: FakeTelegramServer) -> AsyncIterator[TelegramAdapter]:
    """The real Telegram adapter pointed at the fake."""
    adapter = TelegramAdapter(TELEGRAM_TOKEN, base_url=telegram_fake.base_url, pacer=fast_pacer())
    yield adapter
    await adapter.aclose()


DEFAULT_TEST_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
START_POSTGRES_HINT = (
    "start the local one (`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main "
    "start`, as .ci/run does), or `docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust "
    "-e POSTGRES_DB=test postgres:16`, or point DIGESTBOT_TEST_POSTGRES_URL at a server; "
    "CI sets DIGESTBOT_REQUIRE_POSTGRES=1, which fails these tests instead of skipping them"
)


def libpq_url(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL as psycopg itself accepts it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """The test server's URL, after checking once per run that it answers."""
    url = os.environ.get("DIGESTBOT_TEST_POSTGRES_URL") or DEFAULT_TEST_POSTGRES_URL
    try:
        psycopg.connect(libpq_url(url), connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        message = f"PostgreSQL at {make_url(url).host} is unreachable ({reason}); "
        if os.environ.get("DIGESTBOT_REQUIRE_POSTGRES") == "1":
            pytest.fail(
                message + "DIGESTBOT_REQUIRE_POSTGRES=1 requires it; " + START_POSTGRES_HINT
            )
        pytest.skip(message + START_POSTGRES_HINT)
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per run; tests get copies, which is much faster."""
    path = tmp_path_factory.mktemp("template") / "digestbot.db"
    command.upgrade(alembic_config(f"sqlite:///{path}"), "head")
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind, dropped after the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'digestbot.db'}"
        return
    with _fresh_schema(request.getfixturevalue("postgres_server_url")) as url:
        yield url


@pytest.fixture(scope="session")
def postgres_migrated_url(postgres_server_url: str) -> Iterator[str]:
    """A schema migrated once per run; `migrated_url` empties it before each test."""
    with _fresh_schema(postgres_server_url) as url:
        command.upgrade(alembic_config(url), "head")
        yield url


@pytest.fixture
async def migrated_url(database_url: str, request: pytest.FixtureRequest) -> str:
    """An empty database of each kind with every migration applied.

    Migrating takes most of a second on PostgreSQL, so tests share one migrated schema per
    run (emptied before each test) and SQLite tests get a copy of one migrated file.
    """
    if database_url.startswith("sqlite"):
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copyfile(template, make_url(database_url).database or "")
        return database_url
    url: str = request.getfixturevalue("postgres_migrated_url")
    with psycopg.connect(libpq_url(url), autocommit=True) as conn, conn.transaction():
        conn.execute("SET LOCAL lock_timeout = '10s'")
        for table in (SEARCH_TABLE, *(t.name for t in reversed(Base.metadata.sorted_tables))):
            conn.execute(f"DELETE FROM {table}")
    return url


@pytest.fixture
async def engine(migrated_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the migrated database, disposed after the test."""
    engine = make_engine(migrated_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def uow_factory(engine: AsyncEngine) -> UnitOfWorkFactory:
    """Units of work over the migrated database, as the services receive them."""
    return make_uow_factory(engine)


@contextmanager
def _fresh_schema(server_url: str) -> Iterator[str]:
    """A new schema of its own on the test server, as a URL whose search_path starts there."""
    schema = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(libpq_url(server_url), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield (
            make_url(server_url)
            .update_query_dict({"options": f"-csearch_path={schema},public"})
            .render_as_string(hide_password=False)
        )
    finally:
        with psycopg.connect(libpq_url(server_url), autocommit=True) as conn:
            conn.execute("SET lock_timeout = '10s'")
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
