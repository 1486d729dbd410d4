"""Operations tables of a tenant database (migration tenant_0008_operations).

Alarm episodes live in `alerts` (source "alarm", one row per episode by its
source key); `alarm_state` holds the evaluator's memory as one JSON document
(row id 1), locked by the drain while it evaluates a batch. A work order keeps
its searchable fields as columns and its lines and history in `body`.
"""

from __future__ import annotations

import sqlalchemy as sa

from shared.adapters.sql.tenant_tables import metadata
from shared.adapters.sql.types import JSONType, UUIDType, utc_timestamp

alarm_rules = sa.Table(
    "alarm_rules",
    metadata,
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
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Column("updated_at", utc_timestamp(), nullable=False),
)

alarm_state = sa.Table(
    "alarm_state",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("revision", sa.BigInteger(), nullable=False),
    sa.Column("state", JSONType, nullable=False),
    sa.Column("updated_at", utc_timestamp(), nullable=False),
)

work_orders = sa.Table(
    "work_orders",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("well_id", UUIDType, sa.ForeignKey("wells.id"), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("priority", sa.String(16), nullable=False),
    sa.Column("source_kind", sa.String(32), nullable=False),
    sa.Column("source_ref", sa.String(200), nullable=True),
    sa.Column("equipment_id", sa.String(64), nullable=True),
    sa.Column("due_date", sa.Date(), nullable=True),
    sa.Column("assignee", sa.String(200), nullable=True),
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Column("updated_at", utc_timestamp(), nullable=False),
    sa.Column("closed_at", utc_timestamp(), nullable=True),
    sa.Column("revision", sa.BigInteger(), nullable=False),
    sa.Column("body", JSONType, nullable=False),
    sa.UniqueConstraint("source_kind", "source_ref", name="uq_work_orders_source"),
    sa.Index("ix_work_orders_well_status", "well_id", "status"),
)

afes = sa.Table(
    "afes",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("number", sa.String(64), nullable=False, unique=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("well_id", UUIDType, sa.ForeignKey("wells.id"), nullable=True),
    sa.Column("lease_id", UUIDType, sa.ForeignKey("leases.id"), nullable=True),
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Column("updated_at", utc_timestamp(), nullable=False),
    sa.Column("revision", sa.BigInteger(), nullable=False),
    sa.Column("body", JSONType, nullable=False),
)

permits = sa.Table(
    "permits",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("permit_type", sa.String(16), nullable=False),
    sa.Column("agency", sa.String(100), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("number", sa.String(64), nullable=True),
    sa.Column("well_id", UUIDType, sa.ForeignKey("wells.id"), nullable=True),
    sa.Column("facility_id", UUIDType, sa.ForeignKey("facilities.id"), nullable=True),
    sa.Column("issued_on", sa.Date(), nullable=True),
    sa.Column("expires_on", sa.Date(), nullable=True),
    sa.Column("renewal_of", UUIDType, nullable=True),
    sa.Column("conditions", JSONType, nullable=False),
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Column("updated_at", utc_timestamp(), nullable=False),
    sa.Column("revision", sa.BigInteger(), nullable=False),
    sa.Index("ix_permits_expires_on", "expires_on"),
)

well_tests = sa.Table(
    "well_tests",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("well_id", UUIDType, sa.ForeignKey("wells.id"), nullable=False),
    sa.Column("start", utc_timestamp(), nullable=False),
    sa.Column("end", utc_timestamp(), nullable=False),
    sa.Column("oil_bbl_per_day", sa.Numeric(18, 4), nullable=False),
    sa.Column("gas_mcf_per_day", sa.Numeric(18, 4), nullable=False),
    sa.Column("water_bbl_per_day", sa.Numeric(18, 4), nullable=False),
    sa.Column("device_id", sa.String(100), nullable=False),
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Index("ix_well_tests_well_end", "well_id", "end"),
)

incidents = sa.Table(
    "incidents",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("well_id", UUIDType, sa.ForeignKey("wells.id"), nullable=True),
    sa.Column("state", sa.String(2), nullable=False),
    sa.Column("discovered_at", utc_timestamp(), nullable=False),
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Column("updated_at", utc_timestamp(), nullable=False),
    sa.Column("revision", sa.BigInteger(), nullable=False),
    sa.Column("body", JSONType, nullable=False),
    sa.Index("ix_incidents_discovered", "discovered_at"),
)

documents = sa.Table(
    "documents",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
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
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Column("updated_at", utc_timestamp(), nullable=False),
    sa.Index("ix_documents_owner", "owner_kind", "owner_id"),
)
