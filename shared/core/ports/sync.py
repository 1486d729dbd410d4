"""Ports of field sync in one tenant's database: the event log, field records,
the conflict queue and the change log that devices pull from."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, Protocol

from shared.core.ports.pages import Page
from shared.core.ports.tenant_data import Record

Lockable = Literal["well", "equipment"]


@dataclass(frozen=True)
class StoredEvent:
    """A field event as received, with the outcome it got the first time."""

    id: str
    device_id: str
    device_seq: int
    device_platform: str
    app_version: str
    type: str
    schema_version: int
    well_id: str
    equipment_id: str | None
    occurred_at: datetime
    received_at: datetime
    clock_skew_s: float | None
    recorded_by_id: str
    recorded_by_email: str
    payload: dict[str, Any]
    content_hash: str
    status: str
    conflict_id: str | None = None
    rule: str | None = None
    reason: str | None = None


class SyncEventRepository(Protocol):
    def lock(self, entity: Lockable, entity_id: str) -> Record | None:
        """Lock the row until the transaction ends (sync writes per well queue up here).

        Returns the row, or None when it does not exist (or the well is deleted).
        """
        ...

    def get(self, event_id: str) -> StoredEvent | None: ...

    def get_many(self, event_ids: Collection[str]) -> list[StoredEvent]: ...

    def add(self, event: StoredEvent) -> None: ...


@dataclass(frozen=True)
class Conflict:
    id: str
    event_type: str
    well_id: str
    slot_key: str
    rule: str
    status: str
    event_ids: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    equipment_id: str | None = None
    winner_event_id: str | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    resolution: dict[str, Any] | None = None


@dataclass(frozen=True)
class ConflictQuery:
    status: str | None = None
    well_id: str | None = None
    event_type: str | None = None
    limit: int = 50
    offset: int = 0


class ConflictRepository(Protocol):
    def add(self, conflict: Conflict) -> None: ...

    def get(self, conflict_id: str) -> Conflict | None: ...

    def find_slot(self, slot_key: str, statuses: Collection[str]) -> Conflict | None:
        """The newest conflict over `slot_key` in one of `statuses`, if any."""
        ...

    def update(self, conflict: Conflict, expected_status: str) -> bool:
        """Replace the conflict if its stored status is still `expected_status`."""
        ...

    def list(self, query: ConflictQuery) -> Page[Conflict]: ...


class FieldRecordRepository(Protocol):
    """Rows that field events produce; each is a Record keyed by column name."""

    def add_reading(self, row: Record) -> None: ...

    def readings_at(self, well_id: str, tag: str, occurred_at: datetime) -> list[Record]: ...

    def current_reading(self, well_id: str, tag: str) -> Record | None: ...

    def put_current_reading(self, row: Record) -> None: ...

    def production_logs(self, well_id: str, day: date) -> list[Record]: ...

    def add_production_log(self, row: Record) -> None: ...

    def mark_production_winner(self, well_id: str, day: date, event_id: str) -> None: ...

    def inspections_for(self, equipment_id: str, day: date) -> list[Record]: ...

    def inspections_by_ids(self, inspection_ids: Collection[str]) -> list[Record]: ...

    def add_inspection(self, row: Record) -> None: ...

    def set_inspection_status(self, inspection_ids: Sequence[str], status: str) -> None: ...

    def add_note(self, row: Record) -> None: ...

    def notes_for(self, well_id: str, limit: int) -> list[Record]:
        """A well's notes merged: by occurred_at, then device id, then event id."""
        ...

    def add_downtime(self, row: Record) -> None: ...

    def add_photo(self, row: Record) -> None: ...


@dataclass(frozen=True)
class ChangeEntry:
    at: datetime
    well_id: str
    entity: str
    entity_id: str
    action: str
    actor_id: str
    data: dict[str, Any] | None = None


@dataclass(frozen=True, order=True)
class ChangePosition:
    """A place in the change log: writing transaction, then sequence number."""

    txid: int
    seq: int


@dataclass(frozen=True)
class ChangeRead:
    items: list[Record] = field(default_factory=list)
    last: ChangePosition | None = None
    has_more: bool = False


class ChangeLog(Protocol):
    """What changed, per well, in an order that concurrent commits cannot reshuffle."""

    def append(self, entry: ChangeEntry) -> None: ...

    def read(
        self,
        after: ChangePosition | None,
        well_ids: Collection[str] | None,
        skip_readings_of: str | None,
        limit: int,
        now: datetime,
    ) -> ChangeRead:
        """Settled changes after `after`, oldest first; `well_ids` None means every well."""
        ...

    def head(self, now: datetime) -> ChangePosition | None:
        """The last settled position: no change can ever appear before it."""
        ...
