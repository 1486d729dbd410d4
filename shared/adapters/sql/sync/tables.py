"""Tables of offline field sync (migration tenant_0002_field_sync), in the tenant metadata:
the event log, the rows field events produce, the conflict queue."""

from __future__ import annotations

import sqlalchemy as sa

from shared.adapters.sql.tenant_tables import device_instant, metadata
from shared.adapters.sql.types import JSONType, UUIDType, quantity, utc_timestamp


def _field_record(name: str, *columns: sa.schema.SchemaItem) -> sa.Table:
    """A row a field event produced: its event, well, device time, device and author."""
    return sa.Table(
        name,
        metadata,
        sa.Column("event_id", UUIDType, primary_key=True),
        sa.Column("well_id", UUIDType, sa.ForeignKey("wells.id"), nullable=False),
        sa.Column("occurred_at", device_instant(), nullable=False),
        sa.Column("device_id", sa.String(200), nullable=False),
        sa.Column("recorded_by", sa.String(320), nullable=False),
        *columns,
    )


sync_events = sa.Table(
    "sync_events",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("device_id", sa.String(200), nullable=False),
    sa.Column("device_seq", sa.BigInteger(), nullable=False),
    sa.Column("device_platform", sa.String(50), nullable=False),
    sa.Column("app_version", sa.String(50), nullable=False),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("schema_version", sa.Integer(), nullable=False),
    sa.Column("well_id", UUIDType, sa.ForeignKey("wells.id"), nullable=False, index=True),
    sa.Column("equipment_id", UUIDType, nullable=True),
    sa.Column("occurred_at", device_instant(), nullable=False),
    sa.Column("received_at", device_instant(), nullable=False),
    sa.Column("clock_skew_s", quantity(), nullable=True),
    sa.Column("recorded_by_id", sa.String(64), nullable=False),
    sa.Column("recorded_by_email", sa.String(320), nullable=False),
    sa.Column("payload", JSONType, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("conflict_id", UUIDType, nullable=True),
    sa.Column("rule", sa.String(32), nullable=True),
    sa.Column("reason", sa.String(500), nullable=True),
    sa.Index("ix_sync_events_device", "device_id", "device_seq"),
)

field_readings = _field_record(
    "field_readings",
    sa.Column("equipment_id", UUIDType, nullable=True),
    sa.Column("tag", sa.String(200), nullable=False),
    sa.Column("value", quantity(), nullable=False),
    sa.Column("unit", sa.String(32), nullable=False),
    sa.Index("ix_field_readings_tag", "well_id", "tag", "occurred_at"),
)

current_readings = sa.Table(
    "current_readings",
    metadata,
    sa.Column("well_id", UUIDType, sa.ForeignKey("wells.id"), primary_key=True),
    sa.Column("tag", sa.String(200), primary_key=True),
    sa.Column("event_id", UUIDType, nullable=False),
    sa.Column("equipment_id", UUIDType, nullable=True),
    sa.Column("value", quantity(), nullable=False),
    sa.Column("unit", sa.String(32), nullable=False),
    sa.Column("occurred_at", device_instant(), nullable=False),
    sa.Column("device_id", sa.String(200), nullable=False),
    sa.Column("recorded_by", sa.String(320), nullable=False),
    sa.Column("updated_at", utc_timestamp(), nullable=False),
)

production_history = _field_record(
    "production_history",
    sa.Column("production_date", sa.Date(), nullable=False),
    sa.Column("oil_bbl", quantity(), nullable=True),
    sa.Column("gas_mcf", quantity(), nullable=True),
    sa.Column("water_bbl", quantity(), nullable=True),
    sa.Column("hours_on", quantity(), nullable=True),
    sa.Column("tank_gauges", JSONType, nullable=False),
    sa.Column("is_winner", sa.Boolean(), nullable=False),
    sa.Index("ix_production_history_day", "well_id", "production_date"),
)

equipment_inspections = sa.Table(
    "equipment_inspections",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("event_id", UUIDType, nullable=True),
    sa.Column("equipment_id", UUIDType, sa.ForeignKey("equipment.id"), nullable=False),
    sa.Column("well_id", UUIDType, sa.ForeignKey("wells.id"), nullable=False),
    sa.Column("inspection_date", sa.Date(), nullable=False),
    sa.Column("occurred_at", device_instant(), nullable=False),
    sa.Column("checklist", JSONType, nullable=False),
    sa.Column("passed", sa.Boolean(), nullable=False),
    sa.Column("notes", sa.String(4000), nullable=True),
    sa.Column("device_id", sa.String(200), nullable=False),
    sa.Column("recorded_by", sa.String(320), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Index("ix_equipment_inspections_day", "equipment_id", "inspection_date"),
)

well_notes = _field_record(
    "well_notes",
    sa.Column("text", sa.String(4000), nullable=False),
    sa.Index("ix_well_notes_well", "well_id", "occurred_at"),
)

downtime_events = _field_record(
    "downtime_events",
    sa.Column("equipment_id", UUIDType, nullable=True),
    sa.Column("downtime_date", sa.Date(), nullable=False),
    sa.Column("reason_code", sa.String(64), nullable=False),
    sa.Column("hours", quantity(), nullable=False),
    sa.Index("ix_downtime_events_day", "well_id", "downtime_date"),
)

well_photos = _field_record(
    "well_photos",
    sa.Column("blob_key", sa.String(500), nullable=False),
    sa.Column("content_type", sa.String(64), nullable=False),
    sa.Column("caption", sa.String(1000), nullable=True),
    sa.Index("ix_well_photos_well", "well_id"),
)

sync_conflicts = sa.Table(
    "sync_conflicts",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("well_id", UUIDType, sa.ForeignKey("wells.id"), nullable=False),
    sa.Column("equipment_id", UUIDType, nullable=True),
    sa.Column("slot_key", sa.String(400), nullable=False, index=True),
    sa.Column("rule", sa.String(32), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("event_ids", JSONType, nullable=False),
    sa.Column("winner_event_id", UUIDType, nullable=True),
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Column("updated_at", utc_timestamp(), nullable=False),
    sa.Column("resolved_at", utc_timestamp(), nullable=True),
    sa.Column("resolved_by", sa.String(320), nullable=True),
    sa.Column("resolution", JSONType, nullable=True),
    sa.Index("ix_sync_conflicts_queue", "status", "well_id"),
)
