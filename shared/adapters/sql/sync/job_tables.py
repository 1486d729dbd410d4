"""Tables of big-batch sync jobs (migration tenant_0005_sync_jobs), in the tenant metadata."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from shared.adapters.sql.tenant_tables import metadata
from shared.adapters.sql.types import UUIDType, utc_timestamp


def _instant() -> sa.DateTime:
    return utc_timestamp().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


sync_jobs = sa.Table(
    "sync_jobs",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
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
    sa.Index("ix_sync_jobs_submitter", "submitted_by_id", "created_at"),
)

sync_job_outcomes = sa.Table(
    "sync_job_outcomes",
    metadata,
    sa.Column("job_id", UUIDType, sa.ForeignKey("sync_jobs.id"), primary_key=True),
    sa.Column("position", sa.Integer(), primary_key=True),
    sa.Column("event_id", sa.String(100), nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("conflict_id", UUIDType, nullable=True),
    sa.Column("rule", sa.String(32), nullable=True),
    sa.Column("reason", sa.String(1000), nullable=True),
    sa.Column("first_status", sa.String(16), nullable=True),
)
