"""Alembic environment: migrates the database the bot is configured for.

Used two ways: by `storage.migrate` (which passes the URL in the config) and by
`alembic -c storage/alembic.ini ...` (which reads DIGESTBOT_DATABASE_URL like the bot does).
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from storage.db import make_sync_engine, sync_url
from storage.models import Base
from storage.search import SEARCH_TABLE

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _database_url() -> str:
    url = config.attributes.get("database_url")
    if isinstance(url, str):
        return url
    from bot.config import load_settings

    return load_settings().database_url


def _include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Leave the search table (and FTS5's shadow tables) out of autogenerate: SQL creates them."""
    return not (type_ == "table" and name is not None and name.startswith(SEARCH_TABLE))


def run_migrations_offline() -> None:
    """Write the SQL to stdout (`alembic upgrade head --sql`) instead of running it."""
    context.configure(
        url=sync_url(_database_url()),
        target_metadata=Base.metadata,
        include_name=_include_name,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on a blocking connection (the bot calls this from a worker thread)."""
    engine = make_sync_engine(_database_url())
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                include_name=_include_name,
                render_as_batch=connection.dialect.name == "sqlite",
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
