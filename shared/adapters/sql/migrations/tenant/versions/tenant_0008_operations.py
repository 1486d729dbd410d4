"""Operations: alarm rules and state, work orders, AFEs, permits, well tests, incidents, documents

Revision ID: tenant_0008_operations
Revises: tenant_0007_typed_readings
Create Date: 2026-12-05 00:30:00.000000

Alarm episodes are rows of `alerts` (source "alarm"); this adds only what the
alarm evaluator and work orders need beside them. Portable DDL only.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql, postgresql

revision = "tenant_0008_operations"
down_revision = "tenant_0007_typed_readings"
branch_labels = None
depends_on = None


def _instant() -> sa.DateTime:
    return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _uuid() -> sa.Uuid:
    return sa.Uuid(as_uuid=False)


def upgrade() -> None:
    op.create_table(
        "alarm_rules",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=True),
        sa.Column("signal_class", sa.String(64), nullable=True),
        sa.Column("field_id", sa.String(64), nullable=True),
        sa.Column("high", sa.Double(), nullable=True),
        sa.Column("low", sa.Double(), nullable=True),
        sa.Column("max_rise_per_min", sa.Double(), nullable=True),
        sa.Column("max_fall_per_min", sa.Double(), nullable=True),
        sa.Column("stale_after_s", sa.Double(), nullable=True),
        sa.Column("deadband", sa.Double(), nullable=False),
        sa.Column("min_duration_s", sa.Double(), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", _instant(), nullable=False),
        sa.Column("updated_at", _instant(), nullable=False),
    )
    op.create_table(
        "alarm_state",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("state", _json(), nullable=False),
        sa.Column("updated_at", _instant(), nullable=False),
    )
    op.create_table(
        "work_orders",
        sa.Column("id", _uuid(), primary_key=True),
        sa.Column("well_id", _uuid(), sa.ForeignKey("wells.id"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("source_kind", sa.String(32), nullable=False),
        sa.Column("source_ref", sa.String(200), nullable=True),
        sa.Column("equipment_id", sa.String(64), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("assignee", sa.String(200), nullable=True),
        sa.Column("created_at", _instant(), nullable=False),
        sa.Column("updated_at", _instant(), nullable=False),
        sa.Column("closed_at", _instant(), nullable=True),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("body", _json(), nullable=False),
        sa.UniqueConstraint("source_kind", "source_ref", name="uq_work_orders_source"),
    )
    op.create_index("ix_work_orders_well_status", "work_orders", ["well_id", "status"])
    op.create_table(
        "afes",
        sa.Column("id", _uuid(), primary_key=True),
        sa.Column("number", sa.String(64), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("well_id", _uuid(), sa.ForeignKey("wells.id"), nullable=True),
        sa.Column("lease_id", _uuid(), sa.ForeignKey("leases.id"), nullable=True),
        sa.Column("created_at", _instant(), nullable=False),
        sa.Column("updated_at", _instant(), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("body", _json(), nullable=False),
    )

    op.create_table(
        "permits",
        sa.Column("id", _uuid(), primary_key=True),
        sa.Column("permit_type", sa.String(16), nullable=False),
        sa.Column("agency", sa.String(100), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("number", sa.String(64), nullable=True),
        sa.Column("well_id", _uuid(), sa.ForeignKey("wells.id"), nullable=True),
        sa.Column("facility_id", _uuid(), sa.ForeignKey("facilities.id"), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("renewal_of", _uuid(), nullable=True),
        sa.Column("conditions", _json(), nullable=False),
        sa.Column("created_at", _instant(), nullable=False),
        sa.Column("updated_at", _instant(), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_permits_expires_on", "permits", ["expires_on"])

    op.create_table(
        "well_tests",
        sa.Column("id", _uuid(), primary_key=True),
        sa.Column("well_id", _uuid(), sa.ForeignKey("wells.id"), nullable=False),
        sa.Column("start", _instant(), nullable=False),
        sa.Column("end", _instant(), nullable=False),
        sa.Column("oil_bbl_per_day", sa.Numeric(18, 4), nullable=False),
        sa.Column("gas_mcf_per_day", sa.Numeric(18, 4), nullable=False),
        sa.Column("water_bbl_per_day", sa.Numeric(18, 4), nullable=False),
        sa.Column("device_id", sa.String(100), nullable=False),
        sa.Column("created_at", _instant(), nullable=False),
    )
    op.create_index("ix_well_tests_well_end", "well_tests", ["well_id", "end"])

    op.create_table(
        "incidents",
        sa.Column("id", _uuid(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("well_id", _uuid(), sa.ForeignKey("wells.id"), nullable=True),
        sa.Column("state", sa.String(2), nullable=False),
        sa.Column("discovered_at", _instant(), nullable=False),
        sa.Column("created_at", _instant(), nullable=False),
        sa.Column("updated_at", _instant(), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("body", _json(), nullable=False),
    )
    op.create_index("ix_incidents_discovered", "incidents", ["discovered_at"])

    op.create_table(
        "documents",
        sa.Column("id", _uuid(), primary_key=True),
        sa.Column("owner_kind", sa.String(16), nullable=False),
        sa.Column("owner_id", sa.String(64), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(120), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("blob_key", sa.String(400), nullable=False, unique=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("scan_engine", sa.String(64), nullable=True),
        sa.Column("scan_signature", sa.String(200), nullable=True),
        sa.Column("created_by", sa.String(320), nullable=False),
        sa.Column("created_at", _instant(), nullable=False),
        sa.Column("updated_at", _instant(), nullable=False),
    )
    op.create_index("ix_documents_owner", "documents", ["owner_kind", "owner_id"])


def downgrade() -> None:
    op.drop_index("ix_documents_owner", "documents")
    op.drop_table("documents")
    op.drop_index("ix_incidents_discovered", "incidents")
    op.drop_table("incidents")
    op.drop_index("ix_well_tests_well_end", "well_tests")
    op.drop_table("well_tests")
    op.drop_index("ix_permits_expires_on", "permits")
    op.drop_table("permits")
    op.drop_table("afes")
    op.drop_index("ix_work_orders_well_status", "work_orders")
    op.drop_table("work_orders")
    op.drop_table("alarm_state")
    op.drop_table("alarm_rules")
