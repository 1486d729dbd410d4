"""ETL and import tables of a tenant database (migration tenant_0004_etl), in the tenant metadata.

Row snapshots (quarantined source rows, an import's before/after values) are
JSON text in `Text` columns: they go through the bulk writer (COPY on
PostgreSQL), which writes text as is on every dialect.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from shared.adapters.sql.tenant_tables import metadata
from shared.adapters.sql.types import JSONType, UUIDType, utc_timestamp

KEY_TEXT = 500


def _instant() -> sa.DateTime:
    return utc_timestamp().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def _counter(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger(), nullable=False, default=0)


etl_runs = sa.Table(
    "etl_runs",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("triggered_by", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("started_at", _instant(), nullable=False),
    sa.Column("finished_at", _instant(), nullable=True),
    _counter("rows_read"),
    _counter("rows_written"),
    _counter("rows_quarantined"),
    _counter("rows_duplicate"),
    _counter("rows_deleted"),
    sa.Column("entities", JSONType, nullable=False),
    sa.Column("error", sa.String(2000), nullable=True),
    sa.Index("ix_etl_runs_started", "started_at"),
)

etl_watermarks = sa.Table(
    "etl_watermarks",
    metadata,
    sa.Column("entity", sa.String(32), primary_key=True),
    sa.Column("cursor_type", sa.String(16), nullable=False),
    sa.Column("cursor_value", sa.String(100), nullable=False),
    sa.Column("run_id", UUIDType, nullable=False),
    sa.Column("updated_at", _instant(), nullable=False),
)

etl_quarantine = sa.Table(
    "etl_quarantine",
    metadata,
    sa.Column("entity", sa.String(32), primary_key=True),
    sa.Column("row_hash", sa.String(64), primary_key=True),
    sa.Column("run_id", UUIDType, nullable=False),
    sa.Column("source_key", sa.String(KEY_TEXT), nullable=False),
    sa.Column("field", sa.String(200), nullable=False),
    sa.Column("reason", sa.String(1000), nullable=False),
    sa.Column("row_data", sa.Text(), nullable=False),
    sa.Column("quarantined_at", _instant(), nullable=False),
    sa.Index("ix_etl_quarantine_run", "run_id"),
)

etl_leases = sa.Table(
    "etl_leases",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("holder", sa.String(64), nullable=False),
    sa.Column("expires_at", _instant(), nullable=False),
)

etl_source_keys = sa.Table(
    "etl_source_keys",
    metadata,
    sa.Column("entity", sa.String(32), primary_key=True),
    sa.Column("source_key", sa.String(KEY_TEXT), primary_key=True),
    sa.Column("target_key", sa.String(KEY_TEXT), nullable=False),
    sa.Column("loaded_run_id", UUIDType, nullable=False),
    sa.Column("deleted_at", _instant(), nullable=True),
    sa.Column("deleted_run_id", UUIDType, nullable=True),
)

etl_key_scan = sa.Table(
    "etl_key_scan",
    metadata,
    sa.Column("run_id", UUIDType, primary_key=True),
    sa.Column("entity", sa.String(32), primary_key=True),
    sa.Column("source_key", sa.String(KEY_TEXT), primary_key=True),
)

imports = sa.Table(
    "imports",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("file_format", sa.String(8), nullable=False),
    sa.Column("size_bytes", sa.BigInteger(), nullable=False),
    sa.Column("blob_prefix", sa.String(300), nullable=False),
    sa.Column("parts", sa.Integer(), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("created_by", sa.String(320), nullable=False),
    sa.Column("created_at", _instant(), nullable=False),
    sa.Column("updated_at", _instant(), nullable=False),
    sa.Column("columns", JSONType, nullable=False),
    sa.Column("suggested_mapping", JSONType, nullable=False),
    sa.Column("mapping", JSONType, nullable=True),
    _counter("rows_processed"),
    _counter("rows_inserted"),
    _counter("rows_updated"),
    _counter("rows_unchanged"),
    _counter("rows_duplicate"),
    _counter("rows_rejected"),
    sa.Column("error", sa.String(2000), nullable=True),
)

import_rows = sa.Table(
    "import_rows",
    metadata,
    sa.Column("import_id", UUIDType, primary_key=True),
    sa.Column("line_no", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("entity_key", sa.String(200), nullable=True),
    sa.Column("field", sa.String(200), nullable=True),
    sa.Column("reason", sa.String(1000), nullable=True),
    sa.Column("before", sa.Text(), nullable=True),
    sa.Column("after", sa.Text(), nullable=True),
    sa.Index("ix_import_rows_status", "import_id", "status"),
)
