"""Field events: what a pumper's offline app records, and what sync answers for each.

An event is validated at the edge (the API's pydantic models) and reaches the
core as a `FieldEvent` whose payload is one of the typed dataclasses below, or
`UnknownPayload` when the type is not one this server knows (such an event goes
to manual review instead of being applied). A malformed event reaches the core
as an `InvalidEvent` so that it is rejected on its own, naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from shared.core.common.errors import InputError
from shared.core.wells.model.photos import PHOTO_CONTENT_TYPES, PHOTO_NAME, photo_key_prefix

SCHEMA_VERSION = 1


class EventType(StrEnum):
    WELL_READING_RECORDED = "WELL_READING_RECORDED"
    PRODUCTION_LOGGED = "PRODUCTION_LOGGED"
    EQUIPMENT_INSPECTED = "EQUIPMENT_INSPECTED"
    NOTE_ADDED = "NOTE_ADDED"
    PHOTO_ATTACHED = "PHOTO_ATTACHED"
    DOWNTIME_REPORTED = "DOWNTIME_REPORTED"
    WORK_ORDER_CLOSED = "WORK_ORDER_CLOSED"
    WELL_TEST_LOGGED = "WELL_TEST_LOGGED"


FIELD_WORK_TYPES = frozenset({EventType.WORK_ORDER_CLOSED, EventType.WELL_TEST_LOGGED})
"""Event types applied by a `FieldWorkHandlers` port (operations), not by sync itself."""


class OutcomeStatus(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    REJECTED = "rejected"


class Rule(StrEnum):
    NEWEST_WINS = "newest_wins"
    HIGHEST_VALUE = "highest_value"
    MANUAL_REVIEW = "manual_review"
    MERGE = "merge"


class ConflictStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    AUTO_RESOLVED = "auto_resolved"


@dataclass(frozen=True)
class Device:
    id: str
    platform: str
    app_version: str
    clock: datetime | None = None


@dataclass(frozen=True)
class ReadingRecorded:
    tag: str
    value: float
    unit: str


@dataclass(frozen=True)
class TankGauge:
    tank: str
    level_in: float
    temperature_f: float | None = None


@dataclass(frozen=True)
class ProductionLogged:
    date: date
    oil_bbl: float | None
    gas_mcf: float | None
    water_bbl: float | None
    hours_on: float | None
    tank_gauges: tuple[TankGauge, ...] = ()


@dataclass(frozen=True)
class ChecklistResult:
    item: str
    ok: bool
    note: str | None = None


@dataclass(frozen=True)
class EquipmentInspected:
    checklist: tuple[ChecklistResult, ...]
    passed: bool
    notes: str | None = None


@dataclass(frozen=True)
class NoteAdded:
    text: str


@dataclass(frozen=True)
class PhotoAttached:
    blob_key: str
    content_type: str
    caption: str | None = None


@dataclass(frozen=True)
class DowntimeReported:
    reason_code: str
    hours: float


@dataclass(frozen=True)
class UnknownPayload:
    data: Mapping[str, Any]


Payload = (
    ReadingRecorded
    | ProductionLogged
    | EquipmentInspected
    | NoteAdded
    | PhotoAttached
    | DowntimeReported
    | UnknownPayload
)


@dataclass(frozen=True)
class FieldEvent:
    """One valid event. `occurred_at` is the device's clock, with the offset it sent."""

    id: str
    device_seq: int
    type: str
    well_id: str
    occurred_at: datetime
    payload: Payload
    equipment_id: str | None = None
    schema_version: int = SCHEMA_VERSION

    @property
    def known(self) -> bool:
        return not isinstance(self.payload, UnknownPayload)

    @property
    def local_day(self) -> date:
        """The day at the device, in the offset it reported (what the pumper calls today)."""
        return self.occurred_at.date()


@dataclass(frozen=True)
class InvalidEvent:
    """An event that failed validation; `event_id` is whatever id it carried, if any."""

    index: int
    event_id: str | None
    field: str
    reason: str
    device_seq: int = 0


IncomingEvent = FieldEvent | InvalidEvent


@dataclass(frozen=True)
class EventOutcome:
    event_id: str | None
    status: OutcomeStatus
    conflict_id: str | None = None
    rule: Rule | None = None
    reason: str | None = None
    first_status: OutcomeStatus | None = None


def payload_json(payload: Payload) -> dict[str, Any]:
    """The payload as JSON-ready data (dates as ISO strings), for storage and review."""
    if isinstance(payload, UnknownPayload):
        return dict(payload.data)
    plain: dict[str, Any] = _plain(asdict(payload))
    return plain


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def check_photo(photo: PhotoAttached, tenant_slug: str, well_id: str) -> None:
    """Raise InputError unless the blob key is `tenants/{slug}/wells/{well}/photos/{uuid}.jpg`."""
    prefix = photo_key_prefix(tenant_slug, well_id)
    name = photo.blob_key[len(prefix) :]
    if not photo.blob_key.startswith(prefix) or not PHOTO_NAME.fullmatch(name):
        raise InputError("payload.blob_key", f"must be {prefix}{{uuid}}.jpg")
    if photo.content_type not in PHOTO_CONTENT_TYPES:
        allowed = ", ".join(sorted(PHOTO_CONTENT_TYPES))
        raise InputError("payload.content_type", f"must be one of {allowed}")
