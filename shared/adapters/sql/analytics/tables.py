"""Analytics tables of a tenant database (migration tenant_0006_analytics).

Unique keys make a night's scoring idempotent: one prediction per (well, model,
night), one anomaly per (well, type, night), one alert per source key, one
outbox row per (alert, channel, recipient).
"""

from __future__ import annotations

import sqlalchemy as sa

from shared.adapters.sql.tenant_tables import metadata
from shared.adapters.sql.types import JSONType, UUIDType, utc_timestamp

predictions = sa.Table(
    "predictions",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("well_id", UUIDType, sa.ForeignKey("wells.id"), nullable=False),
    sa.Column("model", sa.String(64), nullable=False),
    sa.Column("model_version", sa.String(64), nullable=False),
    sa.Column("night", sa.Date(), nullable=False),
    sa.Column("values", JSONType, nullable=False),
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.UniqueConstraint("well_id", "model", "night", name="uq_predictions_well_model_night"),
)

anomalies = sa.Table(
    "anomalies",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("well_id", UUIDType, sa.ForeignKey("wells.id"), nullable=False),
    sa.Column("anomaly_type", sa.String(64), nullable=False),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("score", sa.Double(), nullable=True),
    sa.Column("evidence", JSONType, nullable=False),
    sa.Column("detected_at", utc_timestamp(), nullable=False),
    sa.Column("night", sa.Date(), nullable=False),
    sa.UniqueConstraint("well_id", "anomaly_type", "night", name="uq_anomalies_well_type_night"),
)

alerts = sa.Table(
    "alerts",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("well_id", UUIDType, sa.ForeignKey("wells.id"), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("source_key", sa.String(200), nullable=False, unique=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("details", JSONType, nullable=False),
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Column("acknowledged_by", sa.String(320), nullable=True),
    sa.Column("acknowledged_at", utc_timestamp(), nullable=True),
    sa.Column("resolved_by", sa.String(320), nullable=True),
    sa.Column("resolved_at", utc_timestamp(), nullable=True),
    sa.Column("note", sa.Text(), nullable=True),
    sa.Index("ix_alerts_status_created", "status", "created_at"),
)

notification_outbox = sa.Table(
    "notification_outbox",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("alert_id", UUIDType, sa.ForeignKey("alerts.id"), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("recipient", sa.String(320), nullable=False),
    sa.Column("payload", JSONType, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("next_attempt_at", utc_timestamp(), nullable=False),
    sa.Column("last_error", sa.String(500), nullable=True),
    sa.Column("sent_at", utc_timestamp(), nullable=True),
    sa.UniqueConstraint("alert_id", "channel", "recipient", name="uq_outbox_alert_channel_to"),
    sa.Index("ix_outbox_status_next", "status", "next_attempt_at"),
)

notification_preferences = sa.Table(
    "notification_preferences",  # migration tenant_0010_notification_prefs
    metadata,
    sa.Column("user_id", UUIDType, primary_key=True),
    sa.Column("channels", JSONType, nullable=False),
    sa.Column("phone", sa.String(16), nullable=True),
    sa.Column("quiet_start", sa.String(5), nullable=True),
    sa.Column("quiet_end", sa.String(5), nullable=True),
    sa.Column("utc_offset_minutes", sa.Integer(), nullable=False),
    sa.Column("digest", sa.Boolean(), nullable=False),
    sa.Column("updated_at", utc_timestamp(), nullable=False),
    sa.Column(
        "digest_hour", sa.Integer(), nullable=False, server_default="7"
    ),  # tenant_0011_digest_escalation
)

notification_settings = sa.Table(
    "notification_settings",  # migration tenant_0011_digest_escalation
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
    sa.Column("updated_by", sa.String(320), nullable=False),
    sa.Column("updated_at", utc_timestamp(), nullable=False),
)
