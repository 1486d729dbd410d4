"""Compliance tables of a tenant database (migration tenant_0009_compliance).

Volumes are NUMERIC with two decimals so month-end balances compare exactly;
leases and facilities are the catalog's own rows (``leases.id``, ``facilities.id``).
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from shared.adapters.sql.tenant_tables import metadata
from shared.adapters.sql.types import JSONType, UUIDType, utc_timestamp


def _volume() -> sa.Numeric[Decimal]:
    return sa.Numeric(14, 2)


lease_profiles = sa.Table(
    "compliance_lease_profiles",
    metadata,
    sa.Column("lease_id", UUIDType, sa.ForeignKey("leases.id"), primary_key=True),
    sa.Column("state", sa.String(2), nullable=False),
    sa.Column("operator_number", sa.String(20), nullable=True),
    sa.Column("district", sa.String(4), nullable=True),
    sa.Column("state_lease_number", sa.String(20), nullable=True),
    sa.Column("gas_id", sa.String(20), nullable=True),
    sa.Column("field_name", sa.String(100), nullable=True),
    sa.Column("field_number", sa.String(20), nullable=True),
    sa.Column("tax_flags", JSONType, nullable=False),
    sa.Column("updated_at", utc_timestamp(), nullable=False),
)

tanks = sa.Table(
    "compliance_tanks",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("lease_id", UUIDType, sa.ForeignKey("leases.id"), nullable=False, index=True),
    sa.Column("facility_id", UUIDType, sa.ForeignKey("facilities.id"), nullable=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("product", sa.String(16), nullable=False),
    sa.Column("capacity_bbl", _volume(), nullable=True),
    sa.Column("strapping", JSONType, nullable=False),
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Column("updated_at", utc_timestamp(), nullable=False),
    sa.UniqueConstraint("lease_id", "name", name="uq_compliance_tanks_lease_name"),
)

gauges = sa.Table(
    "compliance_gauges",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("tank_id", UUIDType, sa.ForeignKey("compliance_tanks.id"), nullable=False),
    sa.Column("gauge_date", sa.Date(), nullable=False),
    sa.Column("gauge_inches", sa.Numeric(8, 2), nullable=False),
    sa.Column("volume_bbl", _volume(), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("created_by", sa.String(320), nullable=True),
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.UniqueConstraint("tank_id", "gauge_date", name="uq_compliance_gauges_tank_day"),
)

run_tickets = sa.Table(
    "compliance_run_tickets",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("ticket_number", sa.String(40), nullable=False, unique=True),
    sa.Column("tank_id", UUIDType, sa.ForeignKey("compliance_tanks.id"), nullable=False),
    sa.Column("lease_id", UUIDType, sa.ForeignKey("leases.id"), nullable=False, index=True),
    sa.Column("ticket_date", sa.Date(), nullable=False),
    sa.Column("purchaser", sa.String(200), nullable=False),
    sa.Column("truck", sa.String(40), nullable=True),
    sa.Column("opening_gauge_inches", sa.Numeric(8, 2), nullable=False),
    sa.Column("closing_gauge_inches", sa.Numeric(8, 2), nullable=False),
    sa.Column("observed_gravity", sa.Numeric(6, 1), nullable=False),
    sa.Column("observed_temperature_f", sa.Numeric(6, 1), nullable=False),
    sa.Column("bsw_percent", sa.Numeric(6, 3), nullable=False),
    sa.Column("seal_off", sa.String(40), nullable=True),
    sa.Column("seal_on", sa.String(40), nullable=True),
    sa.Column("api_gravity_60", sa.Numeric(6, 1), nullable=False),
    sa.Column("ctpl", sa.Numeric(7, 5), nullable=False),
    sa.Column("gross_observed_bbl", _volume(), nullable=False),
    sa.Column("gross_standard_bbl", _volume(), nullable=False),
    sa.Column("net_standard_bbl", _volume(), nullable=False),
    sa.Column("price_per_bbl", sa.Numeric(12, 4), nullable=True),
    sa.Column("created_by", sa.String(320), nullable=True),
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Index("ix_compliance_run_tickets_lease_date", "lease_id", "ticket_date"),
)

dispositions = sa.Table(
    "compliance_dispositions",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("lease_id", UUIDType, sa.ForeignKey("leases.id"), nullable=False),
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("product", sa.String(16), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("volume", _volume(), nullable=False),
    sa.Column("purchaser", sa.String(200), nullable=True),
    sa.Column("price", sa.Numeric(12, 4), nullable=True),
    sa.Column("reference", sa.String(100), nullable=True),
    sa.Column("created_by", sa.String(320), nullable=True),
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Index("ix_compliance_dispositions_lease_period", "lease_id", "period"),
)

filings = sa.Table(
    "compliance_filings",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("form", sa.String(16), nullable=False),
    sa.Column("operator_number", sa.String(20), nullable=False),
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("amended", sa.Boolean(), nullable=False),
    sa.Column("content", JSONType, nullable=False),
    sa.Column("filed_at", utc_timestamp(), nullable=True),
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Column("updated_at", utc_timestamp(), nullable=False),
    sa.UniqueConstraint("form", "operator_number", "period", name="uq_compliance_filing"),
)

owners = sa.Table(
    "compliance_owners",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("tax_id", sa.String(20), nullable=True),
    sa.Column("address", sa.String(500), nullable=True),
    sa.Column("hold_reason", sa.String(200), nullable=True),
    sa.Column("created_at", utc_timestamp(), nullable=False),
)

interests = sa.Table(
    "compliance_interests",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("lease_id", UUIDType, sa.ForeignKey("leases.id"), nullable=False, index=True),
    sa.Column("owner_id", UUIDType, sa.ForeignKey("compliance_owners.id"), nullable=False),
    sa.Column("interest_type", sa.String(32), nullable=False),
    sa.Column("product", sa.String(16), nullable=False),
    sa.Column("decimal_interest", sa.Numeric(12, 10), nullable=False),
    sa.Column("effective_from", sa.Date(), nullable=False),
    sa.Column("effective_to", sa.Date(), nullable=True),
)

emission_entries = sa.Table(
    "compliance_emission_entries",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("facility_id", UUIDType, sa.ForeignKey("facilities.id"), nullable=False),
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("source_kind", sa.String(16), nullable=False),
    sa.Column("gas_scf", sa.Double(), nullable=False),
    sa.Column("hhv_mmbtu_per_mscf", sa.Double(), nullable=True),
    sa.Column("composition", JSONType, nullable=True),
    sa.Column("efficiency", sa.Double(), nullable=True),
    sa.Column("details", JSONType, nullable=True),
    sa.Column("note", sa.String(500), nullable=True),
    sa.Column("created_by", sa.String(320), nullable=True),
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Index("ix_compliance_emissions_period", "period", "facility_id"),
)

settings = sa.Table(
    "compliance_settings",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
    sa.Column("updated_by", sa.String(320), nullable=True),
    sa.Column("updated_at", utc_timestamp(), nullable=False),
)
