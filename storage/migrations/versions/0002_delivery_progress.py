"""Delivery progress: when a sender claimed a delivery (its lease) and how many parts it sent.

A sender that crashes leaves its delivery in `sending`; `claimed_at` lets another sender take
it over once the lease has run out. `parts_sent` lets a retry of a digest split into several
messages skip the parts the platform already acknowledged.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-15
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("parts_sent", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("parts_sent")
        batch.drop_column("claimed_at")
