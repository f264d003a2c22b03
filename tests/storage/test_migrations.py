"""The schema comes from migrations only, and the migration matches the models."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from storage.db import make_engine, make_sync_engine
from storage.migrate import alembic_config, current_revision, head_revision, upgrade_to_head
from storage.models import Base
from storage.search import SEARCH_TABLE
from storage.uow import make_uow_factory

ROOT = Path(__file__).resolve().parents[2]
TABLES = {
    "sources", "articles", "summaries", "digests", "digest_items", "channels", "subscriptions",
    "deliveries", "conversations", "admins", "audit_log", "llm_calls", "processed_events",
    "pacing_slots", SEARCH_TABLE,
}  # fmt: skip


def table_names(url: str) -> set[str]:
    engine = make_sync_engine(url)
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


async def test_an_empty_database_is_migrated_to_head(database_url: str) -> None:
    assert current_revision(database_url) is None

    await upgrade_to_head(database_url)

    assert current_revision(database_url) == head_revision() == "0010"
    assert table_names(database_url) >= TABLES


async def test_migrating_twice_changes_nothing(database_url: str) -> None:
    await upgrade_to_head(database_url)
    await upgrade_to_head(database_url)
    assert current_revision(database_url) == head_revision()


async def test_migration_creates_exactly_what_the_models_declare(migrated_url: str) -> None:
    engine = make_sync_engine(migrated_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "include_name": lambda name, type_, _: (
                        not (type_ == "table" and name.startswith(SEARCH_TABLE))
                    ),
                },
            )
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


async def test_downgrade_removes_everything_and_upgrade_restores_it(migrated_url: str) -> None:
    config = alembic_config(migrated_url)
    command.downgrade(config, "base")
    assert table_names(migrated_url) <= {"alembic_version"}
    command.upgrade(config, "head")
    assert table_names(migrated_url) >= TABLES


def test_alembic_command_line_migrates_the_configured_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "DIGESTBOT_DATABASE_URL": url}
    env.pop("DIGESTBOT_CONFIG", None)
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", "storage/alembic.ini", "upgrade", "head"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert current_revision(url) == head_revision()


async def test_an_upgraded_install_keeps_every_chat_reading_every_existing_source(
    database_url: str,
) -> None:
    config = alembic_config(database_url)
    command.upgrade(config, "0008")
    engine = make_sync_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO channels (platform, address, title, language, timezone, "
                    "style_note, active, created_at, digest_size) VALUES ('telegram', '-100', "
                    "'', 'both', 'UTC', '', true, CURRENT_TIMESTAMP, 8)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO sources (url, name, kind, lang_hint, poll_interval_s, enabled, "
                    "consecutive_failures, created_at, channel_id, priority) VALUES "
                    "('https://a.example/feed', 'A', 'feed', 'auto', 1800, true, 0, "
                    "CURRENT_TIMESTAMP, 1, 0)"
                )
            )
    finally:
        engine.dispose()
    command.upgrade(config, "head")

    upgraded = make_engine(database_url)
    try:
        async with make_uow_factory(upgraded)() as uow:
            channel = await uow.channels.get_or_create("telegram", "-100")
            assert channel.id is not None
            followed = await uow.follows.followed_ids([channel.id])
            [source] = await uow.sources.list()
    finally:
        await upgraded.dispose()
    assert source.shared and channel.access == "allowed"
    assert followed == {channel.id: frozenset({source.id})}
