"""Typed readings: each reading's OPC-UA value type, its text, and the backfill flag

Revision ID: tenant_0007_typed_readings
Revises: tenant_0005_sync_jobs (the head on main; tenant_0005 is chained after tenant_0006)
Create Date: 2026-12-05 00:20:00.000000

Reading envelope version 2 carries integers, booleans, strings and enumerations
besides floats, and flags readings backfilled from the server's history.
`value` keeps every number (so buckets keep working on it); `value_type` says
what it was (the OPC-UA built-in type id, 11 = Double for every older row);
`value_text` holds what a float cannot: strings, integers beyond ±2^53 and
the names of non-finite floats. `historical` marks backfilled readings, which
the drain writes only where no reading of the same (tag_id, ts) exists.

Each connection may also carry its own backfill settings for the gateway
(`scada_connections.backfill`, `backfill_max_s`; NULL = the gateway's default).

Constant defaults: PostgreSQL (11+) and MySQL 8 add the columns without
rewriting the table; on PostgreSQL the partitions take them from the parent.
"""

import sqlalchemy as sa
from alembic import op

revision = "tenant_0007_typed_readings"
down_revision = "tenant_0005_sync_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "scada_readings",
        sa.Column("value_type", sa.SmallInteger(), nullable=False, server_default="11"),
    )
    op.add_column(
        "scada_readings",
        sa.Column("historical", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("scada_readings", sa.Column("value_text", sa.Text(), nullable=True))
    op.add_column("scada_connections", sa.Column("backfill", sa.Boolean(), nullable=True))
    op.add_column("scada_connections", sa.Column("backfill_max_s", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("scada_connections", "backfill_max_s")
    op.drop_column("scada_connections", "backfill")
    op.drop_column("scada_readings", "value_text")
    op.drop_column("scada_readings", "historical")
    op.drop_column("scada_readings", "value_type")
