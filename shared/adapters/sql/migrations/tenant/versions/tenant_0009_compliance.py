"""Compliance: tanks, gauges, run tickets, dispositions, lease profiles, filings,
owners, emission entries and settings

Revision ID: tenant_0009_compliance
Revises: tenant_0008_operations
Create Date: 2026-12-05 00:30:00.000000

Portable DDL only. Volumes are NUMERIC (exact decimals: balances compare exactly),
money NUMERIC(14, 2), decimal interests NUMERIC(12, 10).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql, postgresql

revision = "tenant_0009_compliance"
down_revision = "tenant_0008_operations"
branch_labels = None
depends_on = None


def _instant() -> sa.DateTime:
    return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _uuid() -> sa.Uuid:
    return sa.Uuid(as_uuid=False)


def _volume() -> sa.Numeric:
    return sa.Numeric(14, 2)


def upgrade() -> None:
    op.create_table(
        "compliance_lease_profiles",
        sa.Column("lease_id", _uuid(), sa.ForeignKey("leases.id"), primary_key=True),
        sa.Column("state", sa.String(2), nullable=False),
        sa.Column("operator_number", sa.String(20), nullable=True),
        sa.Column("district", sa.String(4), nullable=True),
        sa.Column("state_lease_number", sa.String(20), nullable=True),
        sa.Column("gas_id", sa.String(20), nullable=True),
        sa.Column("field_name", sa.String(100), nullable=True),
        sa.Column("field_number", sa.String(20), nullable=True),
        sa.Column("tax_flags", _json(), nullable=False),
        sa.Column("updated_at", _instant(), nullable=False),
    )
    op.create_table(
        "compliance_tanks",
        sa.Column("id", _uuid(), primary_key=True),
        sa.Column("lease_id", _uuid(), sa.ForeignKey("leases.id"), nullable=False, index=True),
        sa.Column("facility_id", _uuid(), sa.ForeignKey("facilities.id"), nullable=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("product", sa.String(16), nullable=False),
        sa.Column("capacity_bbl", _volume(), nullable=True),
        sa.Column("strapping", _json(), nullable=False),
        sa.Column("created_at", _instant(), nullable=False),
        sa.Column("updated_at", _instant(), nullable=False),
        sa.UniqueConstraint("lease_id", "name", name="uq_compliance_tanks_lease_name"),
    )
    op.create_table(
        "compliance_gauges",
        sa.Column("id", _uuid(), primary_key=True),
        sa.Column("tank_id", _uuid(), sa.ForeignKey("compliance_tanks.id"), nullable=False),
        sa.Column("gauge_date", sa.Date(), nullable=False),
        sa.Column("gauge_inches", sa.Numeric(8, 2), nullable=False),
        sa.Column("volume_bbl", _volume(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(320), nullable=True),
        sa.Column("created_at", _instant(), nullable=False),
        sa.UniqueConstraint("tank_id", "gauge_date", name="uq_compliance_gauges_tank_day"),
    )
    op.create_table(
        "compliance_run_tickets",
        sa.Column("id", _uuid(), primary_key=True),
        sa.Column("ticket_number", sa.String(40), nullable=False, unique=True),
        sa.Column("tank_id", _uuid(), sa.ForeignKey("compliance_tanks.id"), nullable=False),
        sa.Column("lease_id", _uuid(), sa.ForeignKey("leases.id"), nullable=False, index=True),
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
        sa.Column("created_at", _instant(), nullable=False),
    )
    op.create_index(
        "ix_compliance_run_tickets_lease_date",
        "compliance_run_tickets",
        ["lease_id", "ticket_date"],
    )
    op.create_table(
        "compliance_dispositions",
        sa.Column("id", _uuid(), primary_key=True),
        sa.Column("lease_id", _uuid(), sa.ForeignKey("leases.id"), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("product", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("volume", _volume(), nullable=False),
        sa.Column("purchaser", sa.String(200), nullable=True),
        sa.Column("price", sa.Numeric(12, 4), nullable=True),
        sa.Column("reference", sa.String(100), nullable=True),
        sa.Column("created_by", sa.String(320), nullable=True),
        sa.Column("created_at", _instant(), nullable=False),
    )
    op.create_index(
        "ix_compliance_dispositions_lease_period", "compliance_dispositions", ["lease_id", "period"]
    )
    op.create_table(
        "compliance_filings",
        sa.Column("id", _uuid(), primary_key=True),
        sa.Column("form", sa.String(16), nullable=False),
        sa.Column("operator_number", sa.String(20), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("amended", sa.Boolean(), nullable=False),
        sa.Column("content", _json(), nullable=False),
        sa.Column("filed_at", _instant(), nullable=True),
        sa.Column("created_at", _instant(), nullable=False),
        sa.Column("updated_at", _instant(), nullable=False),
        sa.UniqueConstraint("form", "operator_number", "period", name="uq_compliance_filing"),
    )
    op.create_table(
        "compliance_owners",
        sa.Column("id", _uuid(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("tax_id", sa.String(20), nullable=True),
        sa.Column("address", sa.String(500), nullable=True),
        sa.Column("hold_reason", sa.String(200), nullable=True),
        sa.Column("created_at", _instant(), nullable=False),
    )
    op.create_table(
        "compliance_interests",
        sa.Column("id", _uuid(), primary_key=True),
        sa.Column("lease_id", _uuid(), sa.ForeignKey("leases.id"), nullable=False, index=True),
        sa.Column("owner_id", _uuid(), sa.ForeignKey("compliance_owners.id"), nullable=False),
        sa.Column("interest_type", sa.String(32), nullable=False),
        sa.Column("product", sa.String(16), nullable=False),
        sa.Column("decimal_interest", sa.Numeric(12, 10), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
    )
    op.create_table(
        "compliance_emission_entries",
        sa.Column("id", _uuid(), primary_key=True),
        sa.Column("facility_id", _uuid(), sa.ForeignKey("facilities.id"), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("source_kind", sa.String(16), nullable=False),
        sa.Column("gas_scf", sa.Double(), nullable=False),
        sa.Column("hhv_mmbtu_per_mscf", sa.Double(), nullable=True),
        sa.Column("composition", _json(), nullable=True),
        sa.Column("efficiency", sa.Double(), nullable=True),
        sa.Column("details", _json(), nullable=True),
        sa.Column("note", sa.String(500), nullable=True),
        sa.Column("created_by", sa.String(320), nullable=True),
        sa.Column("created_at", _instant(), nullable=False),
    )
    op.create_table(
        "compliance_settings",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("updated_by", sa.String(320), nullable=True),
        sa.Column("updated_at", _instant(), nullable=False),
    )
    op.create_index(
        "ix_compliance_emissions_period", "compliance_emission_entries", ["period", "facility_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_compliance_emissions_period", "compliance_emission_entries")
    op.drop_table("compliance_emission_entries")
    op.drop_table("compliance_settings")
    op.drop_table("compliance_interests")
    op.drop_table("compliance_owners")
    op.drop_table("compliance_filings")
    op.drop_index("ix_compliance_dispositions_lease_period", "compliance_dispositions")
    op.drop_table("compliance_dispositions")
    op.drop_index("ix_compliance_run_tickets_lease_date", "compliance_run_tickets")
    op.drop_table("compliance_run_tickets")
    op.drop_table("compliance_gauges")
    op.drop_table("compliance_tanks")
    op.drop_table("compliance_lease_profiles")
