"""SCADA tables of a tenant database (migration tenant_0003_scada), in the tenant metadata.

`scada_readings` is declared here as a plain table for queries; its physical
layout (monthly RANGE partitions, a TimescaleDB hypertable, or a plain table)
is chosen by the migration, and `include_object` keeps Alembic's autogenerate
from mistaking the partitions for stray tables.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from shared.adapters.sql.tenant_tables import metadata
from shared.adapters.sql.types import UUIDType, utc_timestamp

PARTITION_NAME = re.compile(r"^scada_readings_(y\d{4}m\d{2}|default)$")


def _instant() -> sa.DateTime:
    """Microseconds on MySQL too (DATETIME(6)); timestamptz on PostgreSQL."""
    return utc_timestamp().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def _change_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("created_at", utc_timestamp(), nullable=False),
        sa.Column("updated_at", utc_timestamp(), nullable=False),
        sa.Column("deleted_at", utc_timestamp(), nullable=True),
    ]


# The tenant's mirror of its rows in the master `gateways` registry.
gateway_mirror = sa.Table(
    "gateways",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Column("revoked_at", utc_timestamp(), nullable=True),
)

scada_config_revision = sa.Table(
    "scada_config_revision",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("revision", sa.BigInteger(), nullable=False),
)

scada_connections = sa.Table(
    "scada_connections",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("gateway_id", UUIDType, sa.ForeignKey("gateways.id"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("endpoint_url", sa.String(512), nullable=False),
    sa.Column("security_mode", sa.String(16), nullable=False),
    sa.Column("security_policy", sa.String(40), nullable=False),
    sa.Column("username", sa.String(200), nullable=True),
    sa.Column("password_secret_ref", sa.String(200), nullable=True),
    sa.Column("client_certificate_pem", sa.Text(), nullable=True),
    sa.Column("client_key_secret_ref", sa.String(200), nullable=True),
    sa.Column("server_certificate_pem", sa.Text(), nullable=True),
    sa.Column("acquisition", sa.String(16), nullable=False),
    sa.Column("publishing_interval_ms", sa.Integer(), nullable=False),
    sa.Column("polling_interval_ms", sa.Integer(), nullable=False),
    # Gap backfill through HistoryRead on the gateway; NULL: the gateway's own setting.
    sa.Column("backfill", sa.Boolean(), nullable=True),
    sa.Column("backfill_max_s", sa.Integer(), nullable=True),
    *_change_columns(),
    sa.Index("ix_scada_connections_gateway", "gateway_id"),
)

tag_mappings = sa.Table(
    "tag_mappings",
    metadata,
    sa.Column("id", sa.Integer(), sa.Identity(start=1), primary_key=True),
    sa.Column("connection_id", UUIDType, sa.ForeignKey("scada_connections.id"), nullable=False),
    sa.Column("well_id", UUIDType, sa.ForeignKey("wells.id"), nullable=False),
    sa.Column("node_id", sa.String(512), nullable=False),
    sa.Column("tag_name", sa.String(100), nullable=False),
    sa.Column("unit", sa.String(32), nullable=True),
    sa.Column("data_type", sa.String(8), nullable=False),
    sa.Column("sampling_interval_ms", sa.Integer(), nullable=False),
    sa.Column("deadband_type", sa.String(16), nullable=False),
    sa.Column("deadband_value", sa.Double(), nullable=False),
    *_change_columns(),
    sa.Index("ix_tag_mappings_connection", "connection_id"),
    sa.Index("ix_tag_mappings_well", "well_id", "tag_name"),
)

ingested_batches = sa.Table(
    "ingested_batches",
    metadata,
    sa.Column("batch_id", UUIDType, primary_key=True),
    sa.Column("gateway_id", UUIDType, nullable=False),
    sa.Column("sequence", sa.BigInteger(), nullable=False),
    sa.Column("reading_count", sa.Integer(), nullable=False),
    sa.Column("ingested_at", utc_timestamp(), nullable=False),
)

# One row per value: 4 + 8 + 8 + 4 + 8 + 2 + 1 bytes (+ text for strings), keyed for the
# read API and nothing else. `value_type` is the OPC-UA built-in type id (11 Double, the
# type of every version 1 reading); `value_text` holds strings, integers beyond ±2^53 and
# the names of non-finite floats; `historical` marks readings backfilled from history.
scada_readings = sa.Table(
    "scada_readings",
    metadata,
    sa.Column("tag_id", sa.Integer(), nullable=False),
    sa.Column("ts", _instant(), nullable=False),
    sa.Column("value", sa.Double(), nullable=True),
    sa.Column("status", sa.Integer(), nullable=False),
    sa.Column("server_ts", _instant(), nullable=True),
    sa.Column("value_type", sa.SmallInteger(), nullable=False, server_default="11"),
    sa.Column("historical", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("value_text", sa.Text(), nullable=True),
    sa.Index("ix_scada_readings_tag_ts", "tag_id", "ts"),
)


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic hook: reading partitions (and their indexes) are not schema drift."""
    if type_ == "table" and name and PARTITION_NAME.match(name):
        return False
    table = getattr(obj, "table", None)
    table_name = getattr(table, "name", "")
    return not (type_ == "index" and PARTITION_NAME.match(str(table_name)))
