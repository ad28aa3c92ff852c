"""Residents' requests for a person: callbacks and interpreters (issue 5).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "help_request",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed", sa.DateTime(timezone=True)),
        sa.Column("conversation_id", sa.String(255)),
        sa.Column("conversation_language", sa.String(10), nullable=False),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("phone", sa.String(20)),
        sa.Column("email", sa.String(254)),
        sa.Column("best_time", sa.String(100)),
        sa.Column("call_language", sa.String(10)),
        sa.Column("interpreter_needed", sa.Boolean(), nullable=False),
        sa.Column("interpreter_language", sa.String(10)),
        sa.Column("appointment_date", sa.Date()),
        sa.Column("appointment_mode", sa.String(20)),
        sa.Column("need_category", sa.String(40)),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_help_request"),
        sa.UniqueConstraint("reference", name="uq_help_request_reference"),
    )
    op.create_index("ix_help_request_kind", "help_request", ["kind"])
    op.create_index("ix_help_request_status", "help_request", ["status"])
    op.create_index("ix_help_request_closed", "help_request", ["closed"])
    op.create_index("ix_help_request_conversation_id", "help_request", ["conversation_id"])


def downgrade() -> None:
    op.drop_table("help_request")
