"""Big-batch field sync jobs and their per-event outcomes

Revision ID: tenant_0005_sync_jobs
Revises: tenant_0006_analytics
Create Date: 2026-11-22 08:00:00.000000

Portable DDL only (PostgreSQL, MySQL/MariaDB, SQL Server): times keep
microseconds on MySQL (DATETIME(6)). Chained after tenant_0006_analytics, the
newest revision when it was written, so the tree keeps one head.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "tenant_0005_sync_jobs"
down_revision = "tenant_0006_analytics"
branch_labels = None
depends_on = None


def _instant() -> sa.DateTime:
    return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def _uuid() -> sa.Uuid:
    return sa.Uuid(as_uuid=False)


def upgrade() -> None:
    op.create_table(
        "sync_jobs",
        sa.Column("id", _uuid(), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("blob_key", sa.String(500), nullable=False),
        sa.Column("device_id", sa.String(200), nullable=False),
        sa.Column("submitted_by_id", sa.String(64), nullable=False),
        sa.Column("submitted_by_email", sa.String(320), nullable=False),
        sa.Column("total_events", sa.Integer(), nullable=False),
        sa.Column("done_events", sa.Integer(), nullable=False),
        sa.Column("chunks_done", sa.Integer(), nullable=False),
        sa.Column("created_at", _instant(), nullable=False),
        sa.Column("updated_at", _instant(), nullable=False),
        sa.Column("started_at", _instant(), nullable=True),
        sa.Column("finished_at", _instant(), nullable=True),
        sa.Column("error", sa.String(1000), nullable=True),
    )
    op.create_index("ix_sync_jobs_submitter", "sync_jobs", ["submitted_by_id", "created_at"])
    op.create_table(
        "sync_job_outcomes",
        sa.Column("job_id", _uuid(), sa.ForeignKey("sync_jobs.id"), primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("event_id", sa.String(100), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("conflict_id", _uuid(), nullable=True),
        sa.Column("rule", sa.String(32), nullable=True),
        sa.Column("reason", sa.String(1000), nullable=True),
        sa.Column("first_status", sa.String(16), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("sync_job_outcomes")
    op.drop_index("ix_sync_jobs_submitter", table_name="sync_jobs")
    op.drop_table("sync_jobs")
