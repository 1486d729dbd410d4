"""Field sync's records as the tables hold them, and back. Shared by the SQL
repository and its in-memory twin, so both store the same columns.

A record's fields are its table's columns (`vars(record)` is the row, with no
copy: COPY streams it as is); the checklist of an inspection and the tank
gauges of a production log are JSON lists of objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, is_dataclass
from typing import Any

from shared.core.sync.model.field_events import ChecklistResult, TankGauge
from shared.core.sync.model.field_records import (
    CurrentReading,
    DowntimeReport,
    FieldNote,
    FieldPhoto,
    FieldReading,
    Inspection,
    ProductionLog,
)

FieldRecord = (
    FieldReading
    | CurrentReading
    | ProductionLog
    | Inspection
    | FieldNote
    | DowntimeReport
    | FieldPhoto
)

TABLE_OF: dict[type[Any], str] = {
    FieldReading: "field_readings",
    ProductionLog: "production_history",
    Inspection: "equipment_inspections",
    FieldNote: "well_notes",
    DowntimeReport: "downtime_events",
    FieldPhoto: "well_photos",
}


def _plain(value: Any) -> Any:
    """A JSON column's value with its dataclasses as objects (tuples as lists)."""
    if isinstance(value, tuple):
        return [asdict(item) if is_dataclass(item) else item for item in value]  # type: ignore[arg-type]
    return value


def stored_row(record: FieldRecord) -> dict[str, Any]:
    """A JSON-ready copy of the record's row (what the in-memory twin keeps)."""
    return {name: _plain(value) for name, value in vars(record).items()}


def reading_of(row: Mapping[str, Any]) -> FieldReading:
    return FieldReading(**row)


def current_reading_of(row: Mapping[str, Any]) -> CurrentReading:
    return CurrentReading(**row)


def production_log_of(row: Mapping[str, Any]) -> ProductionLog:
    gauges = tuple(TankGauge(**gauge) for gauge in row["tank_gauges"])
    return ProductionLog(**{**row, "tank_gauges": gauges})


def inspection_of(row: Mapping[str, Any]) -> Inspection:
    checklist = tuple(ChecklistResult(**item) for item in row["checklist"])
    return Inspection(**{**row, "checklist": checklist})


def note_of(row: Mapping[str, Any]) -> FieldNote:
    return FieldNote(**row)
