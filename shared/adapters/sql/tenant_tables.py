"""The tenant database's metadata, and the tables every feature shares: wells, the catalog,
daily production, assignments, the audit log and the change log.

Each feature's own tables register in the same metadata from
`shared.adapters.sql.<feature>.tables` (the tenant migration tree builds them all).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from shared.adapters.sql.types import JSONType, UUIDType, quantity, utc_timestamp

metadata = sa.MetaData()


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", utc_timestamp(), nullable=False),
        sa.Column("updated_at", utc_timestamp(), nullable=False),
    ]


fields = sa.Table(
    "fields",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("code", sa.String(50), nullable=True, unique=True),
    sa.Column("basin", sa.String(200), nullable=True),
    sa.Column("state", sa.String(64), nullable=True),
    sa.Column("county", sa.String(100), nullable=True),
    sa.Column("status", sa.String(32), nullable=False),
    *_timestamps(),
)

leases = sa.Table(
    "leases",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("lease_number", sa.String(100), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("field_id", UUIDType, sa.ForeignKey("fields.id"), nullable=True, index=True),
    sa.Column("lessor", sa.String(200), nullable=True),
    sa.Column("effective_date", sa.Date(), nullable=True),
    sa.Column("expiration_date", sa.Date(), nullable=True),
    sa.Column("royalty_rate", quantity(), nullable=False),
    sa.Column("working_interest", quantity(), nullable=True),
    sa.Column("net_revenue_interest", quantity(), nullable=True),
    sa.Column("gross_acres", quantity(), nullable=True),
    sa.Column("net_acres", quantity(), nullable=True),
    sa.Column("status", sa.String(32), nullable=False),
    *_timestamps(),
)

wells = sa.Table(
    "wells",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("api_number", sa.String(14), nullable=True, unique=True),
    sa.Column("well_number", sa.String(50), nullable=True),
    sa.Column("lease_id", UUIDType, sa.ForeignKey("leases.id"), nullable=True, index=True),
    sa.Column("field_id", UUIDType, sa.ForeignKey("fields.id"), nullable=True, index=True),
    sa.Column("well_type", sa.String(32), nullable=False),
    sa.Column("status", sa.String(32), nullable=False, index=True),
    sa.Column("spud_date", sa.Date(), nullable=True),
    sa.Column("completion_date", sa.Date(), nullable=True),
    sa.Column("first_production_date", sa.Date(), nullable=True),
    sa.Column("plugged_date", sa.Date(), nullable=True),
    sa.Column("surface_latitude", quantity(), nullable=True),
    sa.Column("surface_longitude", quantity(), nullable=True),
    sa.Column("bottom_hole_latitude", quantity(), nullable=True),
    sa.Column("bottom_hole_longitude", quantity(), nullable=True),
    sa.Column("total_depth_ft", quantity(), nullable=True),
    sa.Column("true_vertical_depth_ft", quantity(), nullable=True),
    sa.Column("ground_elevation_ft", quantity(), nullable=True),
    sa.Column("is_horizontal", sa.Boolean(), nullable=False),
    *_timestamps(),
    sa.Column("deleted_at", utc_timestamp(), nullable=True),
)

facilities = sa.Table(
    "facilities",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("code", sa.String(100), nullable=True, unique=True),
    sa.Column("facility_type", sa.String(32), nullable=False),
    sa.Column("field_id", UUIDType, sa.ForeignKey("fields.id"), nullable=True, index=True),
    sa.Column("latitude", quantity(), nullable=True),
    sa.Column("longitude", quantity(), nullable=True),
    sa.Column("status", sa.String(32), nullable=False),
    *_timestamps(),
)

equipment = sa.Table(
    "equipment",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("tag", sa.String(100), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=True),
    sa.Column("equipment_type", sa.String(64), nullable=False),
    sa.Column("manufacturer", sa.String(200), nullable=True),
    sa.Column("model", sa.String(200), nullable=True),
    sa.Column("serial_number", sa.String(200), nullable=True),
    sa.Column("well_id", UUIDType, sa.ForeignKey("wells.id"), nullable=True, index=True),
    sa.Column("facility_id", UUIDType, sa.ForeignKey("facilities.id"), nullable=True, index=True),
    sa.Column("installation_date", sa.Date(), nullable=True),
    sa.Column("status", sa.String(32), nullable=False),
    *_timestamps(),
)

production_daily = sa.Table(
    "production_daily",
    metadata,
    sa.Column("well_id", UUIDType, sa.ForeignKey("wells.id"), primary_key=True),
    sa.Column("production_date", sa.Date(), primary_key=True),
    sa.Column("oil_bbl", quantity(), nullable=True),
    sa.Column("gas_mcf", quantity(), nullable=True),
    sa.Column("water_bbl", quantity(), nullable=True),
    sa.Column("condensate_bbl", quantity(), nullable=True),
    sa.Column("hours_on", quantity(), nullable=True),
    sa.Column("choke_64ths", quantity(), nullable=True),
    sa.Column("tubing_pressure_psi", quantity(), nullable=True),
    sa.Column("casing_pressure_psi", quantity(), nullable=True),
    sa.Column("line_pressure_psi", quantity(), nullable=True),
    sa.Column("temperature_f", quantity(), nullable=True),
    sa.Column("bsw_pct", quantity(), nullable=True),
    sa.Column("gor_scf_bbl", quantity(), nullable=True),
    sa.Column("is_estimated", sa.Boolean(), nullable=False),
    sa.Column("notes", sa.String(2000), nullable=True),
    sa.Column("updated_at", utc_timestamp(), nullable=False),
    sa.Column("updated_by", sa.String(320), nullable=False),
    sa.Index("ix_production_daily_date", "production_date"),
)

well_assignments = sa.Table(
    "well_assignments",
    metadata,
    sa.Column("user_id", UUIDType, primary_key=True),
    sa.Column("well_id", UUIDType, sa.ForeignKey("wells.id"), primary_key=True),
    sa.Column("assigned_by", sa.String(320), nullable=False),
    sa.Column("assigned_at", utc_timestamp(), nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
    sa.Column("at", utc_timestamp(), nullable=False),
    sa.Column("actor_id", sa.String(64), nullable=False),
    sa.Column("actor_email", sa.String(320), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("entity", sa.String(64), nullable=False),
    sa.Column("entity_id", sa.String(64), nullable=False),
    sa.Column("before", JSONType, nullable=True),
    sa.Column("after", JSONType, nullable=True),
    sa.Column("request_id", sa.String(64), nullable=False),
    sa.Index("ix_audit_log_entity", "entity", "entity_id"),
)


def device_instant() -> sa.DateTime:
    """A device's time: microseconds kept on MySQL too (sync rules compare them exactly)."""
    return utc_timestamp().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


# txid: the writing transaction (PostgreSQL xid8 as bigint; 0 on other dialects).
change_log = sa.Table(
    "change_log",
    metadata,
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
    sa.Column("txid", sa.BigInteger(), nullable=False),
    sa.Column("at", device_instant(), nullable=False),
    sa.Column("well_id", UUIDType, nullable=False),
    sa.Column("entity", sa.String(32), nullable=False),
    sa.Column("entity_id", sa.String(128), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("actor_id", sa.String(64), nullable=False),
    sa.Column("data", JSONType, nullable=True),
    sa.Index("ix_change_log_position", "txid", "seq"),
    sa.Index("ix_change_log_well", "well_id", "txid", "seq"),
)
