"""What one sync batch reads before deciding and writes after: a few queries, bulk writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TypeVar

from shared.core.common.errors import ConflictError
from shared.core.sync.model.field_events import (
    EquipmentInspected,
    FieldEvent,
    ProductionLogged,
    ReadingRecorded,
)
from shared.core.sync.ports import SyncUnitOfWork
from shared.core.sync.services.apply import slot_key, utc
from shared.core.sync.services.state import EventWrites, Slots

K = TypeVar("K")
V = TypeVar("V")


def load_slots(uow: SyncUnitOfWork, events: Sequence[FieldEvent]) -> Slots:
    """Everything the events' rules may look at, in one query per kind of row."""
    instants = {
        (e.well_id, e.payload.tag, utc(e.occurred_at))
        for e in events
        if isinstance(e.payload, ReadingRecorded)
    }
    tags = {(well, tag) for well, tag, _ in instants}
    days = {(e.well_id, e.payload.date) for e in events if isinstance(e.payload, ProductionLogged)}
    checks = {
        (e.equipment_id, e.local_day)
        for e in events
        if isinstance(e.payload, EquipmentInspected) and e.equipment_id
    }
    records = uow.field_records
    slots = Slots(current=dict.fromkeys(tags), days=dict.fromkeys(days))
    for row in records.readings_at(instants) if instants else []:
        _add(slots.readings_at, (row.well_id, row.tag, row.occurred_at), row)
    for current in records.current_readings(tags) if tags else []:
        slots.current[(current.well_id, current.tag)] = current
    for log in records.production_logs(days) if days else []:
        _add(slots.logs, (log.well_id, log.production_date), log)
    for day in records.production_days(days) if days else []:
        slots.days[(day.well_id, day.production_date)] = day
    for inspection in records.inspections_for(checks) if checks else []:
        _add(slots.inspections, (inspection.equipment_id, inspection.inspection_date), inspection)
    keys = {key for key in map(slot_key, events) if key is not None}
    for conflict in uow.conflicts.in_slots(keys) if keys else []:
        slots.conflicts.setdefault(conflict.slot_key, []).append(conflict)
    return slots


def _add(table: dict[K, list[V]], key: K, row: V) -> None:
    table.setdefault(key, []).append(row)


def flush(uow: SyncUnitOfWork, writes: EventWrites) -> None:
    """Write what events decided: inserts in bulk, then the changed rows."""
    flags = dict(writes.production_flags)
    logs = [
        replace(log, is_winner=flags.pop(log.event_id)) if log.event_id in flags else log
        for log in writes.production_logs
    ]
    statuses = dict(writes.inspection_status)
    inspections = [
        replace(row, status=statuses.pop(row.id)) if row.id in statuses else row
        for row in writes.inspections
    ]
    records = uow.field_records
    if writes.readings:
        records.add_readings(writes.readings)
    if logs:
        records.add_production_logs(logs)
    if inspections:
        records.add_inspections(inspections)
    if writes.notes:
        records.add_notes(writes.notes)
    if writes.downtime:
        records.add_downtime(writes.downtime)
    if writes.photos:
        records.add_photos(writes.photos)
    if flags:
        records.set_production_flags(flags)
    for status in sorted(set(statuses.values())):
        records.set_inspection_status(sorted(i for i, s in statuses.items() if s == status), status)
    if writes.current_readings:
        records.put_current_readings(list(writes.current_readings.values()))
    if writes.days:
        uow.production.upsert_days(list(writes.days.values()))
    _flush_conflicts(uow, writes)
    if writes.audits:
        records.append_audits(writes.audits)
    if writes.changes:
        uow.changes.append_many(writes.changes)
    if writes.events:
        uow.sync_events.add_many(writes.events)


def _flush_conflicts(uow: SyncUnitOfWork, writes: EventWrites) -> None:
    if writes.new_conflicts:
        uow.conflicts.add_many(list(writes.new_conflicts.values()))
    for conflict, expected in writes.changed_conflicts.values():
        if not uow.conflicts.update(conflict, expected):
            raise ConflictError(f"conflict {conflict.id} changed meanwhile")
