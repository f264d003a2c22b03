"""Search on PostgreSQL: narrow `article_search` rows, documents quicker to read.

Search finds a word's newest matches through the GIN index and then reads each match's row
for its id. With title, text and summaries stored in the row, rows took over a kilobyte
each and a common word's matches were spread over much of the table; with every long value
moved to TOAST (toast_tuple_target = 128) a row is about 100 bytes and the whole table
stays in memory. The tsvector ranked for each kept match is read from TOAST either way;
lz4 decompresses it faster than the default pglz (servers built without lz4 keep pglz).

Rows already stored are rewritten so they take the new layout (the generated document is
computed again: about a minute per 100,000 articles; `VACUUM FULL article_search` afterwards
returns the space the old rows held). SQLite keeps its FTS5 table as it is.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

_TABLE = "article_search"


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE {_TABLE} SET (toast_tuple_target = 128)")
    if _lz4_available():
        op.execute(f"ALTER TABLE {_TABLE} ALTER COLUMN document SET COMPRESSION lz4")
    op.execute(f"UPDATE {_TABLE} SET title = title")


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE {_TABLE} RESET (toast_tuple_target)")
    if _lz4_available():
        op.execute(f"ALTER TABLE {_TABLE} ALTER COLUMN document SET COMPRESSION default")


def _lz4_available() -> bool:
    """Whether the server can compress with lz4 (PostgreSQL 14+, built with lz4)."""
    if context.is_offline_mode():
        return True
    supported = op.get_bind().scalar(
        sa.text(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
    )
    return bool(supported)
