"""ETL sync and spreadsheet imports: runs, watermarks, quarantine, leases, keys, imports

Revision ID: tenant_0004_etl
Revises: tenant_0003_scada
Create Date: 2026-11-22 06:00:00.000000

Portable DDL only (PostgreSQL, MySQL/MariaDB, SQL Server): times keep
microseconds on MySQL (DATETIME(6)); JSON is JSONB on PostgreSQL.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql, postgresql

revision = "tenant_0004_etl"
down_revision = "tenant_0003_scada"
branch_labels = None
depends_on = None

KEY_TEXT = 500


def _instant() -> sa.DateTime:
    return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _uuid() -> sa.Uuid:
    return sa.Uuid(as_uuid=False)


def _counters(*names: str) -> list[sa.Column]:
    return [sa.Column(name, sa.BigInteger(), nullable=False) for name in names]


def _etl_tables() -> None:
    op.create_table(
        "etl_runs",
        sa.Column("id", _uuid(), nullable=False),
        sa.Column("triggered_by", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", _instant(), nullable=False),
        sa.Column("finished_at", _instant(), nullable=True),
        *_counters(
            "rows_read", "rows_written", "rows_quarantined", "rows_duplicate", "rows_deleted"
        ),
        sa.Column("entities", _json(), nullable=False),
        sa.Column("error", sa.String(length=2000), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_etl_runs_started", "etl_runs", ["started_at"])
    op.create_table(
        "etl_watermarks",
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("cursor_type", sa.String(length=16), nullable=False),
        sa.Column("cursor_value", sa.String(length=100), nullable=False),
        sa.Column("run_id", _uuid(), nullable=False),
        sa.Column("updated_at", _instant(), nullable=False),
        sa.PrimaryKeyConstraint("entity"),
    )
    op.create_table(
        "etl_quarantine",
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.Column("run_id", _uuid(), nullable=False),
        sa.Column("source_key", sa.String(length=KEY_TEXT), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("row_data", sa.Text(), nullable=False),
        sa.Column("quarantined_at", _instant(), nullable=False),
        sa.PrimaryKeyConstraint("entity", "row_hash"),
    )
    op.create_index("ix_etl_quarantine_run", "etl_quarantine", ["run_id"])
    op.create_table(
        "etl_leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("expires_at", _instant(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def _key_tables() -> None:
    op.create_table(
        "etl_source_keys",
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("source_key", sa.String(length=KEY_TEXT), nullable=False),
        sa.Column("target_key", sa.String(length=KEY_TEXT), nullable=False),
        sa.Column("loaded_run_id", _uuid(), nullable=False),
        sa.Column("deleted_at", _instant(), nullable=True),
        sa.Column("deleted_run_id", _uuid(), nullable=True),
        sa.PrimaryKeyConstraint("entity", "source_key"),
    )
    op.create_table(
        "etl_key_scan",
        sa.Column("run_id", _uuid(), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("source_key", sa.String(length=KEY_TEXT), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "entity", "source_key"),
    )


def _import_tables() -> None:
    op.create_table(
        "imports",
        sa.Column("id", _uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("blob_prefix", sa.String(length=300), nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=320), nullable=False),
        sa.Column("created_at", _instant(), nullable=False),
        sa.Column("updated_at", _instant(), nullable=False),
        sa.Column("columns", _json(), nullable=False),
        sa.Column("suggested_mapping", _json(), nullable=False),
        sa.Column("mapping", _json(), nullable=True),
        *_counters(
            "rows_processed",
            "rows_inserted",
            "rows_updated",
            "rows_unchanged",
            "rows_duplicate",
            "rows_rejected",
        ),
        sa.Column("error", sa.String(length=2000), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "import_rows",
        sa.Column("import_id", _uuid(), nullable=False),
        sa.Column("line_no", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("entity_key", sa.String(length=200), nullable=True),
        sa.Column("field", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=True),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("import_id", "line_no"),
    )
    op.create_index("ix_import_rows_status", "import_rows", ["import_id", "status"])


def upgrade() -> None:
    _etl_tables()
    _key_tables()
    _import_tables()


def downgrade() -> None:
    for table in (
        "import_rows", "imports", "etl_key_scan", "etl_source_keys",
        "etl_leases", "etl_quarantine", "etl_watermarks", "etl_runs",
    ):  # fmt: skip
        op.drop_table(table)
