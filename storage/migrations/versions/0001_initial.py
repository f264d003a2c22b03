"""Initial schema: every table, and full-text search for SQLite (FTS5) and PostgreSQL (tsvector).

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

# Devanagari signs that unicode61 would otherwise treat as separators (splitting निवेश into
# न, व, श): candrabindu/anusvara/visarga, vowel signs, nukta, virama, stress and vowel marks.
_DEVANAGARI_MARKS = "".join(
    chr(code)
    for first, last in ((0x0900, 0x0903), (0x093A, 0x094F), (0x0951, 0x0957), (0x0962, 0x0963))
    for code in range(first, last + 1)
)

_SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE article_search USING fts5("
    "article_id UNINDEXED, title, body, summaries, "
    f"tokenize = \"unicode61 remove_diacritics 0 tokenchars '{_DEVANAGARI_MARKS}'\")"
)

# The `simple` configuration lower-cases without stemming and keeps Devanagari words whole.
_POSTGRES_SEARCH = (
    """
    CREATE TABLE article_search (
        article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
        title TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT '',
        summaries TEXT NOT NULL DEFAULT '',
        document tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('simple'::regconfig, title), 'A')
            || setweight(to_tsvector('simple'::regconfig, summaries), 'B')
            || setweight(to_tsvector('simple'::regconfig, body), 'D')
        ) STORED
    )
    """,
    "CREATE INDEX ix_article_search_document ON article_search USING gin (document)",
)


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("address", sa.String(512), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("style_note", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("inactive_reason", sa.Text(), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_channels"),
        sa.UniqueConstraint("platform", "address", name="uq_channels_platform_address"),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("lang_hint", sa.String(8), nullable=False),
        sa.Column("poll_interval_s", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("added_by", sa.String(128), nullable=True),
        sa.Column("channel_id", sa.Integer(), nullable=True),
        sa.Column("last_polled_at", _when(), nullable=True),
        sa.Column("last_success_at", _when(), nullable=True),
        sa.Column("next_poll_at", _when(), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sources"),
        sa.UniqueConstraint("url", name="uq_sources_url"),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name="fk_sources_channel_id_channels",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_sources_next_poll_at", "sources", ["next_poll_at"])
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("canonical_url", sa.String(2048), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("content_hash", sa.String(128), nullable=False),
        sa.Column("simhash", sa.BigInteger(), nullable=False),
        sa.Column("published_at", _when(), nullable=True),
        sa.Column("fetched_at", _when(), nullable=False),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("image_url", sa.String(2048), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("tags", _json(), nullable=False),
        sa.Column("duplicate_of", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_articles"),
        sa.UniqueConstraint("canonical_url", name="uq_articles_canonical_url"),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name="fk_articles_source_id_sources",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of"],
            ["articles.id"],
            name="fk_articles_duplicate_of_articles",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_articles_content_hash", "articles", ["content_hash"])
    op.create_index("ix_articles_fetched_at", "articles", ["fetched_at"])
    op.create_index("ix_articles_duplicate_of", "articles", ["duplicate_of"])
    op.create_table(
        "summaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("headline", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("content_hash", sa.String(128), nullable=False),
        sa.Column("prompt_name", sa.String(128), nullable=False),
        sa.Column("prompt_hash", sa.String(128), nullable=False),
        sa.Column("model", sa.String(128), nullable=False),
        sa.Column("untranslated", sa.Boolean(), nullable=False),
        sa.Column("flagged", sa.Text(), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_summaries"),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name="fk_summaries_article_id_articles",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "uq_summaries_cache_key",
        "summaries",
        ["content_hash", "lang", "prompt_hash", "model"],
        unique=True,
    )
    op.create_index("ix_summaries_article_id_lang", "summaries", ["article_id", "lang"])
    op.create_table(
        "digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("period_start", _when(), nullable=True),
        sa.Column("period_end", _when(), nullable=True),
        sa.Column("style_note", sa.Text(), nullable=False),
        sa.Column("prompt_hash", sa.String(128), nullable=False),
        sa.Column("model", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_digests"),
    )
    op.create_table(
        "digest_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("headline", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("links", _json(), nullable=False),
        sa.Column("article_ids", _json(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_digest_items"),
        sa.UniqueConstraint("digest_id", "position", name="uq_digest_items_digest_id_position"),
        sa.ForeignKeyConstraint(
            ["digest_id"],
            ["digests.id"],
            name="fk_digest_items_digest_id_digests",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("languages", sa.String(8), nullable=False),
        sa.Column("schedule", sa.String(128), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("paused_reason", sa.Text(), nullable=True),
        sa.Column("last_slot_at", _when(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_subscriptions"),
        sa.UniqueConstraint("channel_id", name="uq_subscriptions_channel_id"),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name="fk_subscriptions_channel_id_channels",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("message_ids", _json(), nullable=False),
        sa.Column("next_attempt_at", _when(), nullable=True),
        sa.Column("sent_at", _when(), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.UniqueConstraint("digest_id", "channel_id", name="uq_deliveries_digest_id_channel_id"),
        sa.ForeignKeyConstraint(
            ["digest_id"],
            ["digests.id"],
            name="fk_deliveries_digest_id_digests",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name="fk_deliveries_channel_id_channels",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_deliveries_status_next_attempt_at", "deliveries", ["status", "next_attempt_at"]
    )
    op.create_index("ix_deliveries_channel_id", "deliveries", ["channel_id"])
    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("digest_id", sa.Integer(), nullable=True),
        sa.Column("thread_id", sa.String(128), nullable=True),
        sa.Column("cited_article_ids", _json(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_conversations"),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name="fk_conversations_channel_id_channels",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["digest_id"],
            ["digests.id"],
            name="fk_conversations_digest_id_digests",
            ondelete="SET NULL",
        ),
    )
    op.create_index(
        "ix_conversations_channel_id_thread_id", "conversations", ["channel_id", "thread_id"]
    )
    op.create_table(
        "admins",
        sa.Column("user_key", sa.String(160), nullable=False),
        sa.Column("added_by", sa.String(160), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("user_key", name="pk_admins"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(160), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name="fk_audit_log_channel_id_channels",
            ondelete="SET NULL",
        ),
    )
    op.create_table(
        "llm_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(128), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_llm_calls"),
    )
    op.create_index("ix_llm_calls_created_at", "llm_calls", ["created_at"])
    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(255), nullable=False),
        sa.Column("received_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_processed_events"),
    )
    op.create_index("ix_processed_events_received_at", "processed_events", ["received_at"])
    _create_search()


def _create_search() -> None:
    if op.get_context().dialect.name == "sqlite":
        op.execute(_SQLITE_SEARCH)
    else:
        for statement in _POSTGRES_SEARCH:
            op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS article_search")
    for table in (
        "processed_events",
        "llm_calls",
        "audit_log",
        "admins",
        "conversations",
        "deliveries",
        "subscriptions",
        "digest_items",
        "digests",
        "summaries",
        "articles",
        "sources",
        "channels",
    ):
        op.drop_table(table)
