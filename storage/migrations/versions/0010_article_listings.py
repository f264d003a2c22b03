"""Article listings: an article two sources list is stored once and seen by both.

Ingest stores an article once, under the first source that listed it. Since channels
follow sources of their own (0009), a second source listing the same URL (or the same
text) must still bring it to the channels that follow only that source.
`article_listings` records each further source that listed a stored article.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "article_listings",
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey(
                "articles.id", ondelete="CASCADE", name="fk_article_listings_article_id_articles"
            ),
            nullable=False,
        ),
        sa.Column(
            "source_id",
            sa.Integer(),
            sa.ForeignKey(
                "sources.id", ondelete="CASCADE", name="fk_article_listings_source_id_sources"
            ),
            nullable=False,
        ),
        sa.Column("listed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("article_id", "source_id", name="pk_article_listings"),
    )
    op.create_index("ix_article_listings_source_id", "article_listings", ["source_id"])


def downgrade() -> None:
    op.drop_index("ix_article_listings_source_id", table_name="article_listings")
    op.drop_table("article_listings")
