"""Bring a database to the newest schema; the only way the bot's tables are created or changed."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from storage.db import make_sync_engine

_HERE = Path(__file__).resolve().parent


def alembic_config(url: str | None = None) -> Config:
    """Alembic settings pointing at our migrations and at `url` (no alembic.ini needed)."""
    config = Config(str(_HERE / "alembic.ini"))
    config.set_main_option("script_location", str(_HERE / "migrations"))
    config.attributes["configure_logging"] = False
    if url is not None:
        config.attributes["database_url"] = url
    return config


async def upgrade_to_head(url: str) -> None:
    """Apply every migration not yet applied; safe to call on every start.

    Alembic is synchronous, so it runs in a worker thread and the event loop keeps going.
    """
    await asyncio.to_thread(command.upgrade, alembic_config(url), "head")


def head_revision() -> str:
    """The newest migration's revision id, what `current_revision` returns once migrated."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("storage/migrations/versions holds no migration")
    return head


def current_revision(url: str) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    engine = make_sync_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
