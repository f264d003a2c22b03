"""Articles by source: the index that lets a poll skip the items it already stored.

A changed feed still lists mostly old items; ingest asks for the canonical URLs of the
source's newest articles before reading it, so those items are neither cleaned again nor,
for teasers and sitemaps, fetched again.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_index("ix_articles_source_id_id", "articles", ["source_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_articles_source_id_id", table_name="articles")
