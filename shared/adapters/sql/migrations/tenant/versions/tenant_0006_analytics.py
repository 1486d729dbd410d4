"""Analytics: predictions, anomalies, alerts and the notification outbox

Revision ID: tenant_0006_analytics
Revises: tenant_0004_etl
Create Date: 2026-11-22 05:00:00.000000

Portable DDL only. The unique keys make re-running a night's scoring harmless.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql, postgresql

revision = "tenant_0006_analytics"
down_revision = "tenant_0004_etl"
branch_labels = None
depends_on = None


def _instant() -> sa.DateTime:
    return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _uuid() -> sa.Uuid:
    return sa.Uuid(as_uuid=False)


def upgrade() -> None:
    op.create_table(
        "predictions",
        sa.Column("id", _uuid(), primary_key=True),
        sa.Column("well_id", _uuid(), sa.ForeignKey("wells.id"), nullable=False),
        sa.Column("model", sa.String(64), nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("night", sa.Date(), nullable=False),
        sa.Column("values", _json(), nullable=False),
        sa.Column("created_at", _instant(), nullable=False),
        sa.UniqueConstraint("well_id", "model", "night", name="uq_predictions_well_model_night"),
    )
    op.create_table(
        "anomalies",
        sa.Column("id", _uuid(), primary_key=True),
        sa.Column("well_id", _uuid(), sa.ForeignKey("wells.id"), nullable=False),
        sa.Column("anomaly_type", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("evidence", _json(), nullable=False),
        sa.Column("detected_at", _instant(), nullable=False),
        sa.Column("night", sa.Date(), nullable=False),
        sa.UniqueConstraint(
            "well_id", "anomaly_type", "night", name="uq_anomalies_well_type_night"
        ),
    )
    op.create_table(
        "alerts",
        sa.Column("id", _uuid(), primary_key=True),
        sa.Column("well_id", _uuid(), sa.ForeignKey("wells.id"), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("source_key", sa.String(200), nullable=False, unique=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("details", _json(), nullable=False),
        sa.Column("created_at", _instant(), nullable=False),
        sa.Column("acknowledged_by", sa.String(320), nullable=True),
        sa.Column("acknowledged_at", _instant(), nullable=True),
        sa.Column("resolved_by", sa.String(320), nullable=True),
        sa.Column("resolved_at", _instant(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_index("ix_alerts_status_created", "alerts", ["status", "created_at"])
    op.create_table(
        "notification_outbox",
        sa.Column("id", _uuid(), primary_key=True),
        sa.Column("alert_id", _uuid(), sa.ForeignKey("alerts.id"), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("payload", _json(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _instant(), nullable=False),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("sent_at", _instant(), nullable=True),
        sa.UniqueConstraint("alert_id", "channel", "recipient", name="uq_outbox_alert_channel_to"),
    )
    op.create_index("ix_outbox_status_next", "notification_outbox", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_status_next", "notification_outbox")
    op.drop_table("notification_outbox")
    op.drop_index("ix_alerts_status_created", "alerts")
    op.drop_table("alerts")
    op.drop_table("anomalies")
    op.drop_table("predictions")
