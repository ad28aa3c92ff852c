"""Live directory feeds: which feed a service came from, and a resumable import's progress.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("service") as batch:
        batch.add_column(sa.Column("feed_url", sa.Text()))
        batch.create_index("ix_service_feed_url", ["feed_url"])
    op.create_table(
        "feed_import",
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("next_page", sa.Integer(), nullable=False),
        sa.Column("seen_ids", sa.Text(), nullable=False),
        sa.Column("started", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("url", name="pk_feed_import"),
    )


def downgrade() -> None:
    op.drop_table("feed_import")
    with op.batch_alter_table("service") as batch:
        batch.drop_index("ix_service_feed_url")
        batch.drop_column("feed_url")
