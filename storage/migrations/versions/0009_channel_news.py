"""Channels own their news: followed sources, topics and mutes, votes, and chat access.

- `sources.shared`: a source the operator added (command line, OPML) that every channel
  follows unless it unfollows; existing sources become shared, so every existing channel
  keeps reading all of them. A source added in a chat is not shared.
- `channel_sources`: a channel's own sources (`own`, added in that chat; two chats adding
  one URL share its fetch and stored articles, not their lists), the shared sources it
  unfollowed (`unfollowed`) or weighs its own way (`follow`), and its ranking priority for
  the source (`priority`; none: the source's own).
- `channel_topics`: words and phrases a channel wants first (`topic`) or never (`mute`),
  and `channels.topics_only`: show stories of its topics only.
- `votes`: one 👍/👎 per user and digest item in a channel; a new vote replaces the old.
- `channels.access`: whether a chat may use the bot (`allowed`, `pending` an admin's
  decision, `denied`); existing chats stay allowed. `access_noticed_at` makes the
  "waiting for an admin" notice go out once.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(
            sa.Column("shared", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("channels") as batch:
        batch.add_column(
            sa.Column("topics_only", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("access", sa.String(16), nullable=False, server_default="allowed")
        )
        batch.add_column(sa.Column("access_noticed_at", _when(), nullable=True))
    op.create_table(
        "channel_sources",
        sa.Column(
            "channel_id",
            sa.Integer(),
            sa.ForeignKey(
                "channels.id", ondelete="CASCADE", name="fk_channel_sources_channel_id_channels"
            ),
            nullable=False,
        ),
        sa.Column(
            "source_id",
            sa.Integer(),
            sa.ForeignKey(
                "sources.id", ondelete="CASCADE", name="fk_channel_sources_source_id_sources"
            ),
            nullable=False,
        ),
        sa.Column("relation", sa.String(16), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=True),
        sa.Column("added_by", sa.String(160), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("channel_id", "source_id", name="pk_channel_sources"),
    )
    op.create_index("ix_channel_sources_source_id", "channel_sources", ["source_id"])
    op.create_table(
        "channel_topics",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "channel_id",
            sa.Integer(),
            sa.ForeignKey(
                "channels.id", ondelete="CASCADE", name="fk_channel_topics_channel_id_channels"
            ),
            nullable=False,
        ),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("phrase", sa.String(400), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.UniqueConstraint(
            "channel_id", "kind", "phrase", name="uq_channel_topics_channel_id_kind_phrase"
        ),
    )
    op.create_table(
        "votes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "channel_id",
            sa.Integer(),
            sa.ForeignKey("channels.id", ondelete="CASCADE", name="fk_votes_channel_id_channels"),
            nullable=False,
        ),
        sa.Column(
            "item_id",
            sa.Integer(),
            sa.ForeignKey(
                "digest_items.id", ondelete="CASCADE", name="fk_votes_item_id_digest_items"
            ),
            nullable=False,
        ),
        sa.Column("user_key", sa.String(160), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("updated_at", _when(), nullable=False),
        sa.UniqueConstraint(
            "item_id", "channel_id", "user_key", name="uq_votes_item_id_channel_id_user_key"
        ),
    )
    op.create_index("ix_votes_channel_id_updated_at", "votes", ["channel_id", "updated_at"])


def downgrade() -> None:
    op.drop_index("ix_votes_channel_id_updated_at", table_name="votes")
    op.drop_table("votes")
    op.drop_table("channel_topics")
    op.drop_index("ix_channel_sources_source_id", table_name="channel_sources")
    op.drop_table("channel_sources")
    with op.batch_alter_table("channels") as batch:
        batch.drop_column("access_noticed_at")
        batch.drop_column("access")
        batch.drop_column("topics_only")
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("shared")
