"""Stories: articles grouped by the event they report, ranked per channel, sent once.

Adds the `stories` table and each article's story and story terms; what each channel was
sent of each story (`sent_stories`), so a story comes back only when it grew; a source's
ranking priority and a channel's digest size; digest items that know their story and
whether they are an update, and a digest's "also" headlines; and `llm_answers`, where
accepted digest compositions are kept so the same digest asked again costs no call.

Articles stored before this revision have no story: a digest assigns the ones in its window
when it first needs them (`bot.services.stories.assign_pending`).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("first_seen_at", _when(), nullable=False),
        sa.Column("last_seen_at", _when(), nullable=False),
        sa.Column("article_count", sa.Integer(), nullable=False),
        sa.Column("representative_id", sa.Integer(), nullable=True),
        sa.Column("languages", _json(), nullable=False),
        sa.Column("outlets", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_stories"),
    )
    op.create_index("ix_stories_last_seen_at", "stories", ["last_seen_at"])
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("story_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("story_terms", _json(), nullable=True))
        batch.create_foreign_key(
            "fk_articles_story_id_stories", "stories", ["story_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index("ix_articles_story_id", ["story_id"])
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("priority", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("channels") as batch:
        batch.add_column(sa.Column("digest_size", sa.Integer(), nullable=False, server_default="8"))
    with op.batch_alter_table("digests") as batch:
        batch.add_column(sa.Column("also", _json(), nullable=True))
    op.execute("UPDATE digests SET also = '[]'")
    with op.batch_alter_table("digests") as batch:
        batch.alter_column("also", existing_type=_json(), nullable=False)
    with op.batch_alter_table("digest_items") as batch:
        batch.add_column(sa.Column("story_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("is_update", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "sent_stories",
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("article_ids", _json(), nullable=False),
        sa.Column("digest_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("channel_id", "story_id", name="pk_sent_stories"),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name="fk_sent_stories_channel_id_channels",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name="fk_sent_stories_story_id_stories",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["digest_id"],
            ["digests.id"],
            name="fk_sent_stories_digest_id_digests",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_sent_stories_story_id", "sent_stories", ["story_id"])
    op.create_table(
        "llm_answers",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("answer", _json(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_llm_answers"),
    )
    op.create_index("ix_llm_answers_created_at", "llm_answers", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_llm_answers_created_at", table_name="llm_answers")
    op.drop_table("llm_answers")
    op.drop_index("ix_sent_stories_story_id", table_name="sent_stories")
    op.drop_table("sent_stories")
    with op.batch_alter_table("digest_items") as batch:
        batch.drop_column("is_update")
        batch.drop_column("story_id")
    with op.batch_alter_table("digests") as batch:
        batch.drop_column("also")
    with op.batch_alter_table("channels") as batch:
        batch.drop_column("digest_size")
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("priority")
    with op.batch_alter_table("articles") as batch:
        batch.drop_index("ix_articles_story_id")
        batch.drop_constraint("fk_articles_story_id_stories", type_="foreignkey")
        batch.drop_column("story_terms")
        batch.drop_column("story_id")
    op.drop_index("ix_stories_last_seen_at", table_name="stories")
    op.drop_table("stories")
