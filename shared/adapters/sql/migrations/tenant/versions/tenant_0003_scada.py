"""SCADA: gateways mirror, connections, tag mappings, readings, ingested batches

Revision ID: tenant_0003_scada
Revises: tenant_0002_field_sync
Create Date: 2026-11-22 04:30:00.000000

`scada_readings` takes one of three layouts, chosen in `_readings_layout`:
a TimescaleDB hypertable when the extension can be created, else native
monthly RANGE partitions with a DEFAULT partition on PostgreSQL, else a plain
table (MySQL/MariaDB, SQL Server). Partitioned DDL has no Alembic op, so it is
raw SQL behind the dialect check.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "tenant_0003_scada"
down_revision = "tenant_0002_field_sync"
branch_labels = None
depends_on = None

READING_COLUMNS = """
    tag_id integer NOT NULL,
    ts timestamptz NOT NULL,
    value double precision,
    status integer NOT NULL,
    server_ts timestamptz
"""

# Creates this month's partition, `months_behind` before and `months_ahead` after;
# rows the DEFAULT partition caught for a new month move into it before it is attached.
ENSURE_PARTITIONS = """
CREATE OR REPLACE FUNCTION wellos_ensure_reading_partitions(
    months_ahead integer DEFAULT 2, months_behind integer DEFAULT 1
) RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
    this_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
    month_start date;
    lower_bound timestamptz;
    upper_bound timestamptz;
    part text;
    created integer := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('wellos_ensure_reading_partitions'));
    FOR i IN -months_behind .. months_ahead LOOP
        month_start := (this_month + make_interval(months => i))::date;
        part := 'scada_readings_' || to_char(month_start, '"y"YYYY"m"MM');
        CONTINUE WHEN to_regclass(part) IS NOT NULL;
        lower_bound := month_start::timestamp AT TIME ZONE 'UTC';
        upper_bound := (month_start + interval '1 month')::timestamp AT TIME ZONE 'UTC';
        EXECUTE format('CREATE TABLE %I (LIKE scada_readings INCLUDING DEFAULTS)', part);
        EXECUTE format(
            'WITH moved AS (DELETE FROM scada_readings_default'
            ' WHERE ts >= %L AND ts < %L RETURNING *) INSERT INTO %I SELECT * FROM moved',
            lower_bound, upper_bound, part);
        EXECUTE format(
            'ALTER TABLE scada_readings ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
            part, lower_bound, upper_bound);
        created := created + 1;
    END LOOP;
    RETURN created;
END
$fn$
"""

NO_PARTITIONS = """
CREATE OR REPLACE FUNCTION wellos_ensure_reading_partitions(
    months_ahead integer DEFAULT 2, months_behind integer DEFAULT 1
) RETURNS integer LANGUAGE sql AS $fn$ SELECT 0 $fn$
"""


def _readings_layout(bind: sa.Connection) -> str:
    """The one place that picks the readings table's layout."""
    if bind.dialect.name != "postgresql":
        return "plain"
    available = bind.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'")
    ).first()
    if available is None:
        return "partitioned"
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS timescaledb"))
    except sa.exc.DBAPIError:  # not preloaded, or not allowed: native partitions then
        return "partitioned"
    return "timescale"


def _instant() -> sa.DateTime:
    return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def _create_readings(layout: str) -> None:
    if layout == "plain":
        op.create_table(
            "scada_readings",
            sa.Column("tag_id", sa.Integer(), nullable=False),
            sa.Column("ts", _instant(), nullable=False),
            sa.Column("value", sa.Double(), nullable=True),
            sa.Column("status", sa.Integer(), nullable=False),
            sa.Column("server_ts", _instant(), nullable=True),
        )
        op.create_index("ix_scada_readings_tag_ts", "scada_readings", ["tag_id", "ts"])
        return
    if layout == "timescale":
        op.execute(f"CREATE TABLE scada_readings ({READING_COLUMNS})")
        op.execute(
            "SELECT create_hypertable('scada_readings', 'ts', "
            "chunk_time_interval => INTERVAL '7 days', create_default_indexes => false)"
        )
        op.execute(NO_PARTITIONS)
    else:
        op.execute(f"CREATE TABLE scada_readings ({READING_COLUMNS}) PARTITION BY RANGE (ts)")
        op.execute("CREATE TABLE scada_readings_default PARTITION OF scada_readings DEFAULT")
        op.execute(ENSURE_PARTITIONS)
    op.execute("CREATE INDEX ix_scada_readings_tag_ts ON scada_readings (tag_id, ts)")
    op.execute("SELECT wellos_ensure_reading_partitions(2, 1)")


def _change_columns() -> list[sa.Column]:
    return [
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    ]


def _create_config_tables() -> None:
    op.create_table(
        "gateways",
        sa.Column("id", sa.Uuid(as_uuid=False), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    revision_table = op.create_table(
        "scada_config_revision",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(revision_table, [{"id": 1, "revision": 0}])
    op.create_table(
        "scada_connections",
        sa.Column("id", sa.Uuid(as_uuid=False), nullable=False),
        sa.Column("gateway_id", sa.Uuid(as_uuid=False), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("endpoint_url", sa.String(length=512), nullable=False),
        sa.Column("security_mode", sa.String(length=16), nullable=False),
        sa.Column("security_policy", sa.String(length=40), nullable=False),
        sa.Column("username", sa.String(length=200), nullable=True),
        sa.Column("password_secret_ref", sa.String(length=200), nullable=True),
        sa.Column("client_certificate_pem", sa.Text(), nullable=True),
        sa.Column("client_key_secret_ref", sa.String(length=200), nullable=True),
        sa.Column("server_certificate_pem", sa.Text(), nullable=True),
        sa.Column("acquisition", sa.String(length=16), nullable=False),
        sa.Column("publishing_interval_ms", sa.Integer(), nullable=False),
        sa.Column("polling_interval_ms", sa.Integer(), nullable=False),
        *_change_columns(),
        sa.ForeignKeyConstraint(["gateway_id"], ["gateways.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_scada_connections_gateway", "scada_connections", ["gateway_id"])
    op.create_table(
        "tag_mappings",
        sa.Column("id", sa.Integer(), sa.Identity(start=1), nullable=False),
        sa.Column("connection_id", sa.Uuid(as_uuid=False), nullable=False),
        sa.Column("well_id", sa.Uuid(as_uuid=False), nullable=False),
        sa.Column("node_id", sa.String(length=512), nullable=False),
        sa.Column("tag_name", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=True),
        sa.Column("data_type", sa.String(length=8), nullable=False),
        sa.Column("sampling_interval_ms", sa.Integer(), nullable=False),
        sa.Column("deadband_type", sa.String(length=16), nullable=False),
        sa.Column("deadband_value", sa.Double(), nullable=False),
        *_change_columns(),
        sa.ForeignKeyConstraint(["connection_id"], ["scada_connections.id"]),
        sa.ForeignKeyConstraint(["well_id"], ["wells.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_tag_mappings_connection", "tag_mappings", ["connection_id"])
    op.create_index("ix_tag_mappings_well", "tag_mappings", ["well_id", "tag_name"])


def upgrade() -> None:
    _create_config_tables()
    op.create_table(
        "ingested_batches",
        sa.Column("batch_id", sa.Uuid(as_uuid=False), nullable=False),
        sa.Column("gateway_id", sa.Uuid(as_uuid=False), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("reading_count", sa.Integer(), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("batch_id"),
    )
    _create_readings(_readings_layout(op.get_bind()))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS wellos_ensure_reading_partitions(integer, integer)")
        op.execute("DROP TABLE scada_readings CASCADE")  # with its partitions
    else:
        op.drop_table("scada_readings")
    op.drop_table("ingested_batches")
    op.drop_table("tag_mappings")
    op.drop_table("scada_connections")
    op.drop_table("scada_config_revision")
    op.drop_table("gateways")
