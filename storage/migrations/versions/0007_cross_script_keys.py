"""Names that match across scripts: the cross-script keys of every article's words.

`article_search_keys` holds, for each article, the consonant-skeleton key of each distinct
word of its title and text (`bot.text.translit.cross_script_key`: DeepSeek and डीपसीक are
both `dpsk`), so an English question finds a Hindi article by the names it writes in
Devanagari, and a Hindi question an English one (see `storage.search`). On SQLite it is a
contentless FTS5 table (the keys are looked up, never read back); on PostgreSQL a table
with a generated tsvector and a GIN index, deleted with its article.

Articles already stored get their keys here, computed from their title and text in batches
(about ten seconds per 10,000 articles of 7 KB on two cores); in offline mode (`alembic
upgrade --sql`) they cannot be computed, and those articles are found by their own words
only, as before.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

from storage.search import article_keys, normalize

revision = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

_TABLE = "article_search_keys"
#: Articles read and keyed per round trip while filling the table.
_BATCH = 1000

_SQLITE = (
    f"CREATE VIRTUAL TABLE {_TABLE} USING fts5("
    "keys, content = '', tokenize = 'unicode61 remove_diacritics 0')"
)
_POSTGRES = (
    f"""
    CREATE TABLE {_TABLE} (
        article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
        keys TEXT NOT NULL DEFAULT '',
        document tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, keys)) STORED
    )
    """,
    # Narrow rows, as for article_search (revision 0004): search reads ids, not keys.
    f"ALTER TABLE {_TABLE} SET (toast_tuple_target = 128)",
    f"CREATE INDEX ix_{_TABLE}_document ON {_TABLE} USING gin (document)",
)


def upgrade() -> None:
    sqlite = op.get_context().dialect.name == "sqlite"
    for statement in (_SQLITE,) if sqlite else _POSTGRES:
        op.execute(statement)
    if not context.is_offline_mode():
        _fill(sqlite)


def downgrade() -> None:
    op.execute(f"DROP TABLE IF EXISTS {_TABLE}")


def _fill(sqlite: bool) -> None:
    """Key every stored article, in batches of ascending ids."""
    bind = op.get_bind()
    insert = sa.text(
        f"INSERT INTO {_TABLE} ({'rowid' if sqlite else 'article_id'}, keys) VALUES (:id, :keys)"
    )
    select = sa.text(
        "SELECT id, title, text FROM articles WHERE id > :after ORDER BY id LIMIT :batch"
    )
    after = 0
    while rows := bind.execute(select, {"after": after, "batch": _BATCH}).all():
        bind.execute(
            insert,
            [
                {"id": row.id, "keys": article_keys(normalize(row.title), normalize(row.text))}
                for row in rows
            ],
        )
        after = rows[-1].id
