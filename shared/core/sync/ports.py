"""Ports of field sync in one tenant's database: the event log, field records,
the conflict queue and big-batch jobs (the change log is in common.change_feed).

A batch reads what its events touch in a few bulk queries (`*_for` methods
taking many keys) and writes in bulk at the end (`append`, `add_many`,
`append_many`): PostgreSQL adapters stream rows with COPY.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal, Protocol

from shared.core.common.actor import Actor
from shared.core.common.pages import Page
from shared.core.common.units_of_work import AuditEntry
from shared.core.registry.model.tenants import Tenant
from shared.core.sync.model.field_events import EventOutcome
from shared.core.sync.model.field_records import (
    CurrentReading,
    DowntimeReport,
    FieldNote,
    FieldPhoto,
    FieldReading,
    Inspection,
    ProductionLog,
)
from shared.core.wells.model.records import Equipment, LinkedPhoto, ProductionDay, Well
from shared.core.wells.ports import WellsUnitOfWork

InstantKey = tuple[str, str, datetime]
"""(well id, tag, occurred_at in UTC)"""
TagKey = tuple[str, str]
"""(well id, tag)"""
DayKey = tuple[str, date]
"""(well or equipment id, day)"""


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
    def lock_wells(self, well_ids: Collection[str]) -> dict[str, Well]:
        """Lock the wells until the transaction ends, in id order (syncs of a well queue up
        here; the order keeps two batches over the same wells from deadlocking).

        Returns the wells that exist by id (deleted wells are left out).
        """
        ...

    def lock_equipment(self, equipment_ids: Collection[str]) -> dict[str, Equipment]:
        """Lock the equipment as `lock_wells` locks wells; the pieces that exist by id."""
        ...

    def get(self, event_id: str) -> StoredEvent | None: ...

    def get_many(self, event_ids: Collection[str]) -> list[StoredEvent]: ...

    def add_many(self, events: Sequence[StoredEvent]) -> None: ...


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

    def add_many(self, conflicts: Sequence[Conflict]) -> None: ...

    def find_slot(self, slot_key: str, statuses: Collection[str]) -> Conflict | None:
        """The newest conflict over `slot_key` in one of `statuses`, if any."""
        ...

    def in_slots(self, slot_keys: Collection[str]) -> list[Conflict]:
        """Every conflict over any of `slot_keys`, whatever its status."""
        ...

    def update(self, conflict: Conflict, expected_status: str) -> bool:
        """Replace the conflict if its stored status is still `expected_status`."""
        ...

    def list(self, query: ConflictQuery) -> Page[Conflict]: ...


class FieldRecordRepository(Protocol):
    """The records field events produce. `add_*` insert in bulk (COPY on PostgreSQL)."""

    def add_readings(self, rows: Sequence[FieldReading]) -> None: ...

    def add_production_logs(self, rows: Sequence[ProductionLog]) -> None: ...

    def add_inspections(self, rows: Sequence[Inspection]) -> None: ...

    def add_notes(self, rows: Sequence[FieldNote]) -> None: ...

    def add_downtime(self, rows: Sequence[DowntimeReport]) -> None: ...

    def add_photos(self, rows: Sequence[FieldPhoto]) -> None: ...

    def append_audits(self, entries: Sequence[AuditEntry]) -> None:
        """Add the batch's audit entries to the tenant's audit log in bulk."""
        ...

    def readings_at(self, keys: Collection[InstantKey]) -> list[FieldReading]:
        """Readings of these wells and tags at exactly these instants."""
        ...

    def current_readings(self, keys: Collection[TagKey]) -> list[CurrentReading]: ...

    def put_current_readings(self, rows: Sequence[CurrentReading]) -> None:
        """Insert or replace the current value of each row's (well, tag)."""
        ...

    def production_logs(self, keys: Collection[DayKey]) -> list[ProductionLog]: ...

    def production_days(self, keys: Collection[DayKey]) -> list[ProductionDay]:
        """The daily production of these well-days (what the office reads)."""
        ...

    def set_production_flags(self, flags: Mapping[str, bool]) -> None:
        """Set `is_winner` of production logs by event id."""
        ...

    def inspections_for(self, keys: Collection[DayKey]) -> list[Inspection]:
        """Inspections of these equipment-days, by occurred_at then id."""
        ...

    def inspections_by_ids(self, inspection_ids: Collection[str]) -> list[Inspection]: ...

    def set_inspection_status(self, inspection_ids: Sequence[str], status: str) -> None: ...

    def notes_for(self, well_id: str, limit: int) -> list[FieldNote]:
        """A well's notes merged: by occurred_at, then device id, then event id."""
        ...

    def photos_for(self, well_id: str, limit: int) -> list[LinkedPhoto]:
        """A well's linked photos, newest first."""
        ...

    def photo_linked(self, well_id: str, blob_key: str) -> bool:
        """Whether a photo of the well links the blob at `blob_key`."""
        ...


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class SyncJob:
    """A big batch applied in the background, chunk by chunk, as the user who sent it."""

    id: str
    status: JobStatus
    blob_key: str
    device_id: str
    submitted_by_id: str
    submitted_by_email: str
    total_events: int
    created_at: datetime
    updated_at: datetime
    done_events: int = 0
    chunks_done: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None


@dataclass(frozen=True)
class JobOutcome:
    """The outcome of the event at `position` (0-based, as sent) of a job's batch."""

    position: int
    outcome: EventOutcome


class SyncJobRepository(Protocol):
    def add(self, job: SyncJob) -> None: ...

    def get(self, job_id: str) -> SyncJob | None: ...

    def update(self, job: SyncJob) -> None:
        """Store the job's status, times and error (progress moves only by `advance`)."""
        ...

    def advance(self, job_id: str, chunk: int, done_events: int, at: datetime) -> bool:
        """Record chunk `chunk` as done if it is the next one; False if it was done already."""
        ...

    def stale_queued(self, before: datetime, limit: int) -> list[SyncJob]:
        """Up to `limit` jobs still queued and last updated before `before`, oldest first."""
        ...

    def mark_requeued(self, job_id: str, before: datetime, at: datetime) -> bool:
        """Set `updated_at` to `at` if the job is still queued and last updated before
        `before`; False if it moved on (or another pass marked it first)."""
        ...

    def add_outcomes(self, job_id: str, outcomes: Sequence[JobOutcome]) -> None: ...

    def outcomes(self, job_id: str, limit: int, offset: int) -> Page[JobOutcome]: ...

    def counts(self, job_id: str) -> dict[str, int]:
        """How many outcomes the job has per status."""
        ...


class SyncUnitOfWork(WellsUnitOfWork, Protocol):
    """One transaction on one tenant's database, as field sync sees it: the wells it
    writes production to, and its own event log, field records, conflicts and jobs."""

    sync_events: SyncEventRepository
    field_records: FieldRecordRepository
    conflicts: ConflictRepository
    sync_jobs: SyncJobRepository


class SyncDatabases(Protocol):
    def unit_of_work(self, tenant: Tenant) -> SyncUnitOfWork: ...


FieldWorkStatus = Literal["applied", "conflict", "rejected"]


@dataclass(frozen=True)
class FieldWorkResult:
    """What a field-work handler did with one event.

    `rejected` names `field` (e.g. `well_id` with reason `forbidden`); `conflict`
    sends the event to the review queue with `reason`; `applied` changed the record.
    """

    status: FieldWorkStatus
    field: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class FieldWork:
    """A field-work event as a handler sees it: the payload is the raw JSON the device sent
    (the handler validates it and names `payload.<field>` when it is wrong)."""

    event_id: str
    type: str
    well_id: str
    occurred_at: datetime
    device_id: str
    payload: Mapping[str, Any]


class FieldWorkHandlers(Protocol):
    """Field events owned by features above sync (operations): closing a work order and
    logging a well test. Each call applies one event in its own transaction."""

    def close_work_order(
        self, tenant: Tenant, actor: Actor, work: FieldWork
    ) -> FieldWorkResult: ...

    def log_well_test(self, tenant: Tenant, actor: Actor, work: FieldWork) -> FieldWorkResult: ...


@dataclass(frozen=True)
class FailedInspection:
    """An applied ``EQUIPMENT_INSPECTED`` event whose result is a fail."""

    event_id: str
    well_id: str
    equipment_id: str | None
    failed_items: tuple[str, ...]


class InspectionFollowUp(Protocol):
    """What a feature above sync does when pumpers' inspections fail (operations opens a
    corrective work order per inspection). Called after the batch committed, for applied
    and duplicate events alike, so it must be idempotent (a re-sent batch calls it again)."""

    def inspections_failed(
        self, tenant: Tenant, actor: Actor, failed: Sequence[FailedInspection]
    ) -> None: ...
