"""The INSERT ... ON CONFLICT construct of the session's database (SQLite and PostgreSQL agree)."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Base


def insert_for(
    session: AsyncSession, model: type[Base] | Table
) -> sqlite.Insert | postgresql.Insert:
    """An insert that supports `on_conflict_do_nothing` / `on_conflict_do_update`.

    Conflicts are resolved by the database in one statement, so two writers racing for the
    same unique key never see an IntegrityError and never abort their transaction.
    """
    if is_sqlite(session):
        return sqlite.insert(model)
    return postgresql.insert(model)


def is_sqlite(session: AsyncSession) -> bool:
    """True when the session talks to SQLite (some statements differ from PostgreSQL)."""
    return session.get_bind().dialect.name == "sqlite"
