"""The records field events leave behind, as the sync core reads and writes them.

Each is a frozen dataclass named for what it is (a reading, a production log, an
inspection...), never for the table that stores it: the adapters own that mapping.
Every record starts with its `Origin` (the event, well, device time, device and
author), in that order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TypedDict

from shared.core.sync.model.field_events import ChecklistResult, TankGauge


class Origin(TypedDict):
    """Where a field record comes from: its event, well, device time, device and author."""

    event_id: str
    well_id: str
    occurred_at: datetime
    device_id: str
    recorded_by: str


@dataclass(frozen=True)
class FieldReading:
    """A gauge reading a pumper took; every one is kept as history."""

    event_id: str
    well_id: str
    occurred_at: datetime
    device_id: str
    recorded_by: str
    equipment_id: str | None
    tag: str
    value: float
    unit: str


@dataclass(frozen=True)
class CurrentReading(FieldReading):
    """The newest reading of a well's tag (its current value), and when it became so."""

    updated_at: datetime


@dataclass(frozen=True)
class ProductionLog:
    """A well-day's volumes as one device logged them; `is_winner` marks the one that stands."""

    event_id: str
    well_id: str
    occurred_at: datetime
    device_id: str
    recorded_by: str
    oil_bbl: float | None
    gas_mcf: float | None
    water_bbl: float | None
    hours_on: float | None
    production_date: date
    tank_gauges: tuple[TankGauge, ...]
    is_winner: bool


@dataclass(frozen=True)
class Inspection:
    """An equipment inspection; `event_id` is None for one merged in review.

    `status`: applied, in_review or superseded.
    """

    event_id: str | None
    well_id: str
    occurred_at: datetime
    device_id: str
    recorded_by: str
    id: str
    equipment_id: str
    inspection_date: date
    checklist: tuple[ChecklistResult, ...]
    passed: bool
    notes: str | None
    status: str


@dataclass(frozen=True)
class FieldNote:
    event_id: str
    well_id: str
    occurred_at: datetime
    device_id: str
    recorded_by: str
    text: str


@dataclass(frozen=True)
class DowntimeReport:
    event_id: str
    well_id: str
    occurred_at: datetime
    device_id: str
    recorded_by: str
    reason_code: str
    hours: float
    equipment_id: str | None
    downtime_date: date


@dataclass(frozen=True)
class FieldPhoto:
    """A photo linked to a well (the bytes are in the blob store at `blob_key`)."""

    event_id: str
    well_id: str
    occurred_at: datetime
    device_id: str
    recorded_by: str
    blob_key: str
    content_type: str
    caption: str | None
