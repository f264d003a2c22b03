"""Pacing slots: the platforms' rate limits shared by every worker of one bot token.

Several `digestbot run` workers on PostgreSQL send with one token, and the limits belong to
the token, so each limit's send slots live in this table (see `bot.adapters.shared_pacing`).
Due sources need no new column: a worker claims one by moving its `next_poll_at` forward.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "pacing_slots",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("slot", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("stamp", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", "slot", name="pk_pacing_slots"),
    )


def downgrade() -> None:
    op.drop_table("pacing_slots")
