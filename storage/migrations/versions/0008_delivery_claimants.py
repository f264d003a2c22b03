"""Delivery claimants: which worker holds a `sending` delivery.

`claimed_by` names the worker process that claimed a delivery (its random id), so the
claims of a worker that is gone (a `kill -9`, a crash) return at the next delivery pass
instead of after the five-minute lease: on PostgreSQL a live worker holds an advisory lock
keyed by its id, on SQLite the one `digestbot run` takes back any claim not its own.
Rows claimed before this revision have none and keep the lease.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("claimed_by", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("claimed_by")
