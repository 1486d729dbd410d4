"""A well's timeline entries from the rows field sync writes (notes, inspections,
downtime reports, manual readings): which column is the entry's id and which are
its details. Shared by the SQL reader and its in-memory twin."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.core.wells.ports import TimelineEntry, TimelineKind

TABLES = {
    TimelineKind.NOTE: "well_notes",
    TimelineKind.INSPECTION: "equipment_inspections",
    TimelineKind.DOWNTIME: "downtime_events",
    TimelineKind.READING: "field_readings",
}
_ID_COLUMN = {
    TimelineKind.NOTE: "event_id",
    TimelineKind.INSPECTION: "id",
    TimelineKind.DOWNTIME: "event_id",
    TimelineKind.READING: "event_id",
}
_DETAILS = {
    TimelineKind.NOTE: ("text",),
    TimelineKind.INSPECTION: ("inspection_date", "checklist", "passed", "notes", "status"),
    TimelineKind.DOWNTIME: ("downtime_date", "reason_code", "hours"),
    TimelineKind.READING: ("tag", "value", "unit"),
}


def entry_of(kind: TimelineKind, row: Mapping[str, Any]) -> TimelineEntry:
    """A timeline entry from a row of its kind's table."""
    return TimelineEntry(
        kind=kind,
        id=str(row[_ID_COLUMN[kind]]),
        occurred_at=row["occurred_at"],
        recorded_by=str(row["recorded_by"]),
        device_id=str(row["device_id"]),
        equipment_id=str(row["equipment_id"]) if row.get("equipment_id") else None,
        details={name: row.get(name) for name in _DETAILS[kind]},
    )
