"""The in-memory twin of field sync's repositories: the event log, field records,
the conflict queue and big-batch jobs (one `SyncData` store per tenant).

Field records are kept as the SQL tables hold them, rows by table name; the
audit entries a batch appends go to the tenant's audit log, and the
`production_daily` rows it reads are the wells store's days. Ids the database
would refuse twice (an event, a conflict) raise `ConflictError` here too.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from shared.adapters.field_rows import (
    TABLE_OF,
    FieldRecord,
    current_reading_of,
    inspection_of,
    note_of,
    production_log_of,
    reading_of,
    stored_row,
)
from shared.adapters.field_timeline import TABLES, entry_of
from shared.adapters.memory.audit import AuditData, MemoryAuditLog
from shared.adapters.memory.wells import WellsData
from shared.adapters.rows import Record
from shared.core.common.errors import ConflictError
from shared.core.common.pages import Page
from shared.core.common.units_of_work import AuditEntry
from shared.core.sync.model.field_records import (
    CurrentReading,
    DowntimeReport,
    FieldNote,
    FieldPhoto,
    FieldReading,
    Inspection,
    ProductionLog,
)
from shared.core.sync.ports import (
    Conflict,
    ConflictQuery,
    DayKey,
    InstantKey,
    JobOutcome,
    JobStatus,
    StoredEvent,
    SyncJob,
    TagKey,
)
from shared.core.wells.model.records import Assignment, Equipment, LinkedPhoto, ProductionDay, Well
from shared.core.wells.ports import TimelineEntry, TimelineQuery


@dataclass
class SyncData:
    events: dict[str, StoredEvent] = field(default_factory=dict)
    conflicts: dict[str, Conflict] = field(default_factory=dict)
    jobs: dict[str, SyncJob] = field(default_factory=dict)
    outcomes: dict[str, dict[int, JobOutcome]] = field(default_factory=dict)
    tables: dict[str, list[Record]] = field(default_factory=dict)
    """Field records by table: field_readings, production_history, well_notes, ..."""
    current_readings: dict[TagKey, Record] = field(default_factory=dict)

    def rows(self, table: str) -> list[Record]:
        return self.tables.setdefault(table, [])


def _refused(what: str) -> ConflictError:
    return ConflictError(f"{what}: conflicts with existing data")


class MemorySyncEventRepository:
    def __init__(self, sync: SyncData, wells: WellsData) -> None:
        self._sync = sync
        self._wells = wells

    def lock_wells(self, well_ids: Collection[str]) -> dict[str, Well]:
        """Nothing to lock (one writer at a time); the live wells that exist by id."""
        wells = self._wells.wells
        found = (wells[i] for i in sorted(well_ids) if i in wells)
        return {w.id: w for w in found if w.deleted_at is None}

    def lock_equipment(self, equipment_ids: Collection[str]) -> dict[str, Equipment]:
        equipment = self._wells.equipment
        return {i: equipment[i] for i in sorted(equipment_ids) if i in equipment}

    def get(self, event_id: str) -> StoredEvent | None:
        return self._sync.events.get(event_id)

    def get_many(self, event_ids: Collection[str]) -> list[StoredEvent]:
        return [self._sync.events[i] for i in event_ids if i in self._sync.events]

    def add_many(self, events: Sequence[StoredEvent]) -> None:
        for event in events:
            if event.id in self._sync.events:
                raise _refused(f"sync event {event.id}")
            self._sync.events[event.id] = event


class MemoryConflictRepository:
    def __init__(self, sync: SyncData) -> None:
        self._sync = sync

    def add(self, conflict: Conflict) -> None:
        if conflict.id in self._sync.conflicts:
            raise _refused(f"conflict {conflict.id}")
        self._sync.conflicts[conflict.id] = conflict

    def get(self, conflict_id: str) -> Conflict | None:
        return self._sync.conflicts.get(conflict_id)

    def add_many(self, conflicts: Sequence[Conflict]) -> None:
        for conflict in conflicts:
            self.add(conflict)

    def find_slot(self, slot_key: str, statuses: Collection[str]) -> Conflict | None:
        found = [
            c
            for c in self._sync.conflicts.values()
            if c.slot_key == slot_key and c.status in statuses
        ]
        found.sort(key=lambda c: c.id)
        found.sort(key=lambda c: c.created_at, reverse=True)
        return found[0] if found else None

    def in_slots(self, slot_keys: Collection[str]) -> list[Conflict]:
        return [c for c in self._sync.conflicts.values() if c.slot_key in slot_keys]

    def update(self, conflict: Conflict, expected_status: str) -> bool:
        stored = self._sync.conflicts.get(conflict.id)
        if stored is None or stored.status != expected_status:
            return False
        self._sync.conflicts[conflict.id] = conflict
        return True

    def list(self, query: ConflictQuery) -> Page[Conflict]:
        found = [
            c
            for c in self._sync.conflicts.values()
            if query.status in (None, "", c.status)
            and query.well_id in (None, "", c.well_id)
            and query.event_type in (None, "", c.event_type)
        ]
        found.sort(key=lambda c: (c.created_at, c.id))
        items = found[query.offset : query.offset + query.limit]
        return Page(items=items, total=len(found), limit=query.limit, offset=query.offset)


class MemorySyncJobRepository:
    def __init__(self, sync: SyncData) -> None:
        self._sync = sync

    def add(self, job: SyncJob) -> None:
        if job.id in self._sync.jobs:
            raise _refused(f"sync job {job.id}")
        self._sync.jobs[job.id] = job

    def get(self, job_id: str) -> SyncJob | None:
        return self._sync.jobs.get(job_id)

    def update(self, job: SyncJob) -> None:
        stored = self._sync.jobs.get(job.id)
        if stored is not None:
            self._sync.jobs[job.id] = replace(
                stored,
                status=job.status,
                updated_at=job.updated_at,
                started_at=job.started_at,
                finished_at=job.finished_at,
                error=job.error,
            )

    def advance(self, job_id: str, chunk: int, done_events: int, at: datetime) -> bool:
        stored = self._sync.jobs.get(job_id)
        if stored is None or stored.chunks_done != chunk:
            return False
        self._sync.jobs[job_id] = replace(
            stored, chunks_done=chunk + 1, done_events=done_events, updated_at=at
        )
        return True

    def stale_queued(self, before: datetime, limit: int) -> list[SyncJob]:
        stale = [
            j
            for j in self._sync.jobs.values()
            if j.status is JobStatus.QUEUED and j.updated_at < before
        ]
        return sorted(stale, key=lambda j: j.updated_at)[:limit]

    def mark_requeued(self, job_id: str, before: datetime, at: datetime) -> bool:
        stored = self._sync.jobs.get(job_id)
        if stored is None or stored.status is not JobStatus.QUEUED or stored.updated_at >= before:
            return False
        self._sync.jobs[job_id] = replace(stored, updated_at=at)
        return True

    def add_outcomes(self, job_id: str, outcomes: Sequence[JobOutcome]) -> None:
        stored = self._sync.outcomes.setdefault(job_id, {})
        for item in outcomes:
            if item.position in stored:
                raise _refused(f"outcome {job_id}/{item.position}")
            outcome = item.outcome
            stored[item.position] = replace(
                item,
                outcome=replace(
                    outcome,
                    event_id=outcome.event_id[:100] if outcome.event_id else None,
                    reason=outcome.reason[:1000] if outcome.reason else None,
                ),
            )

    def outcomes(self, job_id: str, limit: int, offset: int) -> Page[JobOutcome]:
        stored = self._sync.outcomes.get(job_id, {})
        ordered = [stored[p] for p in sorted(stored)]
        return Page(ordered[offset : offset + limit], len(ordered), limit, offset)

    def counts(self, job_id: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self._sync.outcomes.get(job_id, {}).values():
            status = item.outcome.status.value
            counts[status] = counts.get(status, 0) + 1
        return counts


def _matching(
    rows: Sequence[Record], names: Sequence[str], keys: Collection[tuple[Hashable, ...]]
) -> list[Record]:
    wanted = set(keys)
    return [copy.deepcopy(r) for r in rows if tuple(r.get(n) for n in names) in wanted]


def _sorted(rows: list[Record], *names: str) -> list[Record]:
    return sorted(rows, key=lambda r: tuple(r[n] for n in names))


class MemoryFieldRecordRepository:
    def __init__(self, sync: SyncData, wells: WellsData, audit: AuditData) -> None:
        self._sync = sync
        self._wells = wells
        self._audit = MemoryAuditLog(audit)

    def _insert(self, rows: Sequence[FieldRecord]) -> None:
        for row in rows:
            self._sync.rows(TABLE_OF[type(row)]).append(stored_row(row))

    def add_readings(self, rows: Sequence[FieldReading]) -> None:
        self._insert(rows)

    def add_production_logs(self, rows: Sequence[ProductionLog]) -> None:
        self._insert(rows)

    def add_inspections(self, rows: Sequence[Inspection]) -> None:
        self._insert(rows)

    def add_notes(self, rows: Sequence[FieldNote]) -> None:
        self._insert(rows)

    def add_downtime(self, rows: Sequence[DowntimeReport]) -> None:
        self._insert(rows)

    def add_photos(self, rows: Sequence[FieldPhoto]) -> None:
        self._insert(rows)

    def append_audits(self, entries: Sequence[AuditEntry]) -> None:
        for entry in entries:
            self._audit.record(entry)

    def readings_at(self, keys: Collection[InstantKey]) -> list[FieldReading]:
        rows = self._sync.rows("field_readings")
        found = _sorted(_matching(rows, ("well_id", "tag", "occurred_at"), keys), "event_id")
        return [reading_of(row) for row in found]

    def current_readings(self, keys: Collection[TagKey]) -> list[CurrentReading]:
        return [
            current_reading_of(self._sync.current_readings[k])
            for k in keys
            if k in self._sync.current_readings
        ]

    def put_current_readings(self, rows: Sequence[CurrentReading]) -> None:
        for row in rows:
            self._sync.current_readings[(row.well_id, row.tag)] = stored_row(row)

    def production_logs(self, keys: Collection[DayKey]) -> list[ProductionLog]:
        rows = self._sync.rows("production_history")
        found = _sorted(_matching(rows, ("well_id", "production_date"), keys), "event_id")
        return [production_log_of(row) for row in found]

    def production_days(self, keys: Collection[DayKey]) -> list[ProductionDay]:
        days = self._wells.production
        return [days[k] for k in keys if k in days]

    def set_production_flags(self, flags: Mapping[str, bool]) -> None:
        self._update(
            "production_history",
            "event_id",
            flags.keys(),
            lambda r: flags[r["event_id"]],
            "is_winner",
        )

    def inspections_for(self, keys: Collection[DayKey]) -> list[Inspection]:
        rows = self._sync.rows("equipment_inspections")
        found = _matching(rows, ("equipment_id", "inspection_date"), keys)
        return [inspection_of(row) for row in _sorted(found, "occurred_at", "id")]

    def inspections_by_ids(self, inspection_ids: Collection[str]) -> list[Inspection]:
        rows = self._sync.rows("equipment_inspections")
        found = [copy.deepcopy(r) for r in rows if r["id"] in inspection_ids]
        return [inspection_of(row) for row in _sorted(found, "occurred_at", "id")]

    def set_inspection_status(self, inspection_ids: Sequence[str], status: str) -> None:
        self._update("equipment_inspections", "id", inspection_ids, lambda r: status, "status")

    def _update(
        self,
        table: str,
        key: str,
        ids: Collection[str],
        value: Callable[[Record], object],
        column: str,
    ) -> None:
        wanted = set(ids)
        for row in self._sync.rows(table):
            if row[key] in wanted:
                row[column] = value(row)

    def notes_for(self, well_id: str, limit: int) -> list[FieldNote]:
        rows = [r for r in self._sync.rows("well_notes") if r["well_id"] == well_id]
        return [note_of(r) for r in _sorted(rows, "occurred_at", "device_id", "event_id")[:limit]]

    def photos_for(self, well_id: str, limit: int) -> list[LinkedPhoto]:
        rows = [r for r in self._sync.rows("well_photos") if r["well_id"] == well_id]
        rows.sort(key=lambda r: r["event_id"])
        rows.sort(key=lambda r: r["occurred_at"], reverse=True)
        return [
            LinkedPhoto(
                event_id=str(r["event_id"]),
                well_id=str(r["well_id"]),
                blob_key=r["blob_key"],
                content_type=r["content_type"],
                caption=r.get("caption"),
                occurred_at=r["occurred_at"],
                device_id=r["device_id"],
                recorded_by=r["recorded_by"],
            )
            for r in rows[:limit]
        ]

    def photo_linked(self, well_id: str, blob_key: str) -> bool:
        return any(
            r["well_id"] == well_id and r["blob_key"] == blob_key
            for r in self._sync.rows("well_photos")
        )


class MemoryWellActivityReader:
    """A well's timeline from the field records, and its assignments (a wells port)."""

    def __init__(self, sync: SyncData, wells: WellsData) -> None:
        self._sync = sync
        self._wells = wells

    def timeline(self, query: TimelineQuery) -> list[TimelineEntry]:
        found: list[TimelineEntry] = []
        for kind in sorted(query.kinds):
            rows = [
                r
                for r in self._sync.rows(TABLES[kind])
                if r["well_id"] == query.well_id
                and (query.start is None or r["occurred_at"] >= query.start)
                and (query.end is None or r["occurred_at"] < query.end)
            ]
            rows.sort(key=lambda r: r["occurred_at"], reverse=True)
            found += [entry_of(kind, r) for r in rows[: query.limit]]
        return found

    def assignments(self, well_id: str) -> list[Assignment]:
        rows = [a for a in self._wells.assignments.values() if a.well_id == well_id]
        return sorted(rows, key=lambda a: (a.assigned_at, a.user_id))
