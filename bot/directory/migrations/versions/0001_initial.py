"""Initial ORUK 3.0 directory schema.

Revision ID: 0001
Revises:
Create Date: 2025-11-26
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(64)


def _id() -> sa.Column:
    return sa.Column("id", ID, nullable=False)


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=f"pk_{table}")


def _fk(table: str, column: str, target: str, cascade: bool = True) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}",
        ondelete="CASCADE" if cascade else None,
    )


def _index(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(f"ix_{table}_{column}", table, [column])


def upgrade() -> None:
    op.create_table(
        "organization",
        _id(),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("email", sa.Text()),
        sa.Column("website", sa.Text()),
        sa.Column("logo", sa.Text()),
        sa.Column("uri", sa.Text()),
        sa.Column("parent_organization_id", ID),
        _pk("organization"),
    )
    op.create_table(
        "taxonomy_term",
        _id(),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("parent_id", ID),
        sa.Column("taxonomy", sa.Text()),
        sa.Column("taxonomy_id", ID),
        sa.Column("term_uri", sa.Text()),
        sa.Column("term", sa.Text()),
        _pk("taxonomy_term"),
    )
    _index("taxonomy_term", "taxonomy", "term")
    op.create_table(
        "attribute",
        _id(),
        sa.Column("link_id", ID, nullable=False),
        sa.Column("link_entity", sa.String(50), nullable=False),
        sa.Column("link_type", sa.Text()),
        sa.Column("taxonomy_term_id", ID, nullable=False),
        sa.Column("value", sa.Text()),
        sa.Column("position", sa.Integer(), nullable=False),
        _pk("attribute"),
        _fk("attribute", "taxonomy_term_id", "taxonomy_term", cascade=False),
    )
    _index("attribute", "link_id", "taxonomy_term_id")
    op.create_table(
        "service",
        _id(),
        sa.Column("organization_id", ID),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("url", sa.Text()),
        sa.Column("email", sa.Text()),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("fees", sa.Text()),
        sa.Column("accreditations", sa.Text()),
        sa.Column("minimum_age", sa.Float()),
        sa.Column("maximum_age", sa.Float()),
        sa.Column("assured_date", sa.Date()),
        sa.Column("assurer_email", sa.Text()),
        sa.Column("alert", sa.Text()),
        sa.Column("last_modified", sa.DateTime(timezone=True)),
        _pk("service"),
        _fk("service", "organization_id", "organization", cascade=False),
    )
    _index("service", "organization_id", "status")
    op.create_table(
        "location",
        _id(),
        sa.Column("location_type", sa.String(20), nullable=False),
        sa.Column("name", sa.Text()),
        sa.Column("description", sa.Text()),
        sa.Column("latitude", sa.Float()),
        sa.Column("longitude", sa.Float()),
        sa.Column("external_identifier", sa.Text()),
        sa.Column("external_identifier_type", sa.Text()),
        _pk("location"),
    )
    op.create_table(
        "service_at_location",
        _id(),
        sa.Column("service_id", ID, nullable=False),
        sa.Column("location_id", ID, nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("position", sa.Integer(), nullable=False),
        _pk("service_at_location"),
        _fk("service_at_location", "service_id", "service"),
        _fk("service_at_location", "location_id", "location", cascade=False),
    )
    _index("service_at_location", "service_id", "location_id")
    op.create_table(
        "address",
        _id(),
        sa.Column("location_id", ID, nullable=False),
        sa.Column("attention", sa.Text()),
        sa.Column("address_1", sa.Text(), nullable=False),
        sa.Column("address_2", sa.Text()),
        sa.Column("city", sa.Text()),
        sa.Column("region", sa.Text()),
        sa.Column("state_province", sa.Text()),
        sa.Column("postal_code", sa.Text()),
        sa.Column("country", sa.String(2)),
        sa.Column("address_type", sa.String(20), nullable=False),
        _pk("address"),
        _fk("address", "location_id", "location"),
    )
    _index("address", "location_id", "postal_code")
    op.create_table(
        "accessibility",
        _id(),
        sa.Column("location_id", ID, nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("details", sa.Text()),
        sa.Column("url", sa.Text()),
        _pk("accessibility"),
        _fk("accessibility", "location_id", "location"),
    )
    _index("accessibility", "location_id")
    op.create_table(
        "contact",
        _id(),
        sa.Column("service_id", ID),
        sa.Column("name", sa.Text()),
        sa.Column("title", sa.Text()),
        sa.Column("department", sa.Text()),
        sa.Column("email", sa.Text()),
        _pk("contact"),
        _fk("contact", "service_id", "service"),
    )
    _index("contact", "service_id")
    op.create_table(
        "phone",
        _id(),
        sa.Column("service_id", ID),
        sa.Column("location_id", ID),
        sa.Column("contact_id", ID),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("extension", sa.Text()),
        sa.Column("type", sa.Text()),
        sa.Column("description", sa.Text()),
        sa.Column("position", sa.Integer(), nullable=False),
        _pk("phone"),
        _fk("phone", "service_id", "service"),
        _fk("phone", "location_id", "location"),
        _fk("phone", "contact_id", "contact"),
    )
    _index("phone", "service_id", "location_id", "contact_id")
    op.create_table(
        "schedule",
        _id(),
        sa.Column("service_id", ID),
        sa.Column("service_at_location_id", ID),
        sa.Column("valid_from", sa.Date()),
        sa.Column("valid_to", sa.Date()),
        sa.Column("dtstart", sa.Date()),
        sa.Column("freq", sa.String(10)),
        sa.Column("interval", sa.Integer()),
        sa.Column("byday", sa.Text()),
        sa.Column("bymonthday", sa.Text()),
        sa.Column("description", sa.Text()),
        sa.Column("opens_at", sa.Text()),
        sa.Column("closes_at", sa.Text()),
        sa.Column("schedule_link", sa.Text()),
        sa.Column("attending_type", sa.Text()),
        sa.Column("notes", sa.Text()),
        _pk("schedule"),
        _fk("schedule", "service_id", "service"),
        _fk("schedule", "service_at_location_id", "service_at_location"),
    )
    _index("schedule", "service_id", "service_at_location_id")
    op.create_table(
        "language",
        _id(),
        sa.Column("service_id", ID),
        sa.Column("name", sa.Text()),
        sa.Column("code", sa.String(10)),
        sa.Column("note", sa.Text()),
        _pk("language"),
        _fk("language", "service_id", "service"),
    )
    _index("language", "service_id", "code")


def downgrade() -> None:
    for table in (
        "language", "schedule", "phone", "contact", "accessibility", "address",
        "service_at_location", "location", "service", "attribute", "taxonomy_term",
        "organization",
    ):
        op.drop_table(table)
