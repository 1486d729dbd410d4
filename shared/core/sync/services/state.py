"""What one sync batch reads up front, changes in memory and writes at the end.

`BatchState` holds the slots of tenant data that the batch's events touch
(readings at an instant, current readings, production logs and days,
inspections, conflicts by slot) as the database held them when the batch took
its well locks, plus what earlier events of the batch did. An event reads and
changes the state, never the database; what it would write goes to its own
`EventWrites`. Every change of the state is journaled, so an event that fails
is undone in memory exactly as its savepoint undoes it in the database, and the
next event sees the same state either way: the rules stay deterministic.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, TypeVar

from shared.core.common.change_feed import ChangeEntry
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
from shared.core.sync.ports import Conflict, DayKey, InstantKey, StoredEvent, TagKey
from shared.core.wells.model.records import ProductionDay

V = TypeVar("V")


@dataclass
class EventWrites:
    """Rows to insert and rows to change, for one event or (absorbed) for a whole batch."""

    readings: list[FieldReading] = field(default_factory=list)
    production_logs: list[ProductionLog] = field(default_factory=list)
    inspections: list[Inspection] = field(default_factory=list)
    notes: list[FieldNote] = field(default_factory=list)
    downtime: list[DowntimeReport] = field(default_factory=list)
    photos: list[FieldPhoto] = field(default_factory=list)
    current_readings: dict[TagKey, CurrentReading] = field(default_factory=dict)
    production_flags: dict[str, bool] = field(default_factory=dict)
    inspection_status: dict[str, str] = field(default_factory=dict)
    days: dict[DayKey, ProductionDay] = field(default_factory=dict)
    new_conflicts: dict[str, Conflict] = field(default_factory=dict)
    changed_conflicts: dict[str, tuple[Conflict, str]] = field(default_factory=dict)
    audits: list[AuditEntry] = field(default_factory=list)
    changes: list[ChangeEntry] = field(default_factory=list)
    events: list[StoredEvent] = field(default_factory=list)

    def put_conflict(self, conflict: Conflict, expected_status: str | None) -> None:
        """A new conflict (expected_status None) or a change of a stored one."""
        if expected_status is None or conflict.id in self.new_conflicts:
            self.new_conflicts[conflict.id] = conflict
            return
        first_expected = self.changed_conflicts.get(conflict.id, (conflict, expected_status))[1]
        self.changed_conflicts[conflict.id] = (conflict, first_expected)

    def absorb(self, later: EventWrites) -> None:
        """Add the writes of a later event: its inserts after ours, its values over ours."""
        self.readings.extend(later.readings)
        self.production_logs.extend(later.production_logs)
        self.inspections.extend(later.inspections)
        self.notes.extend(later.notes)
        self.downtime.extend(later.downtime)
        self.photos.extend(later.photos)
        self.current_readings.update(later.current_readings)
        self.production_flags.update(later.production_flags)
        self.inspection_status.update(later.inspection_status)
        self.days.update(later.days)
        for conflict in later.new_conflicts.values():
            self.put_conflict(conflict, None)
        for conflict, expected in later.changed_conflicts.values():
            self.put_conflict(conflict, expected)
        self.audits.extend(later.audits)
        self.changes.extend(later.changes)
        self.events.extend(later.events)


@dataclass
class Slots:
    """The touched data, keyed as the rules look it up."""

    readings_at: dict[InstantKey, list[FieldReading]] = field(default_factory=dict)
    current: dict[TagKey, CurrentReading | None] = field(default_factory=dict)
    logs: dict[DayKey, list[ProductionLog]] = field(default_factory=dict)
    days: dict[DayKey, ProductionDay | None] = field(default_factory=dict)
    inspections: dict[DayKey, list[Inspection]] = field(default_factory=dict)
    conflicts: dict[str, list[Conflict]] = field(default_factory=dict)


_MISSING = object()


class BatchState:
    def __init__(self, slots: Slots) -> None:
        self._slots = slots
        self._journal: list[tuple[dict[Any, Any], Hashable, object]] = []
        self.writes = EventWrites()

    # --- one event at a time -------------------------------------------------------

    def begin_event(self) -> None:
        self._journal = []
        self.writes = EventWrites()

    def undo_event(self) -> None:
        """Forget everything the current event did to the state and its writes."""
        for table, key, old in reversed(self._journal):
            if old is _MISSING:
                table.pop(key, None)
            else:
                table[key] = old
        self.begin_event()

    def _set(self, table: dict[Any, V], key: Hashable, value: V) -> None:
        self._journal.append((table, key, table.get(key, _MISSING)))
        table[key] = value

    # --- reads ---------------------------------------------------------------------

    def readings_at(self, well_id: str, tag: str, at: datetime) -> list[FieldReading]:
        """By event id, as the database would list them."""
        return sorted(self._slots.readings_at.get((well_id, tag, at), []), key=_event_id)

    def current_reading(self, well_id: str, tag: str) -> CurrentReading | None:
        return self._slots.current.get((well_id, tag))

    def production_logs(self, well_id: str, day: date) -> list[ProductionLog]:
        """By event id."""
        return sorted(self._slots.logs.get((well_id, day), []), key=_event_id)

    def production_day(self, well_id: str, day: date) -> ProductionDay | None:
        return self._slots.days.get((well_id, day))

    def inspections(self, equipment_id: str, day: date) -> list[Inspection]:
        """By occurred_at, then id."""
        rows = self._slots.inspections.get((equipment_id, day), [])
        return sorted(rows, key=lambda row: (row.occurred_at, row.id))

    def find_conflict(self, slot_key: str, statuses: set[str]) -> Conflict | None:
        """The newest conflict over the slot in one of `statuses` (ties: the smaller id)."""
        found = sorted(
            (c for c in self._slots.conflicts.get(slot_key, []) if c.status in statuses),
            key=lambda conflict: conflict.id,
        )
        return max(found, key=lambda conflict: conflict.created_at) if found else None

    # --- changes -------------------------------------------------------------------

    def add_reading(self, row: FieldReading) -> None:
        key = (row.well_id, row.tag, row.occurred_at)
        self._set(self._slots.readings_at, key, [*self._slots.readings_at.get(key, []), row])
        self.writes.readings.append(row)

    def put_current_reading(self, row: CurrentReading) -> None:
        key = (row.well_id, row.tag)
        self._set(self._slots.current, key, row)
        self.writes.current_readings[key] = row

    def add_production_log(self, row: ProductionLog) -> None:
        key = (row.well_id, row.production_date)
        self._set(self._slots.logs, key, [*self._slots.logs.get(key, []), row])
        self.writes.production_logs.append(row)

    def mark_production_winner(self, well_id: str, day: date, event_id: str) -> None:
        def flag(row: ProductionLog) -> ProductionLog:
            winner = row.event_id == event_id
            if row.is_winner == winner:
                return row
            self.writes.production_flags[row.event_id] = winner
            return replace(row, is_winner=winner)

        key = (well_id, day)
        self._set(self._slots.logs, key, [flag(row) for row in self.production_logs(*key)])

    def put_production_day(self, day: ProductionDay) -> None:
        key = (day.well_id, day.production_date)
        self._set(self._slots.days, key, day)
        self.writes.days[key] = day

    def add_inspection(self, row: Inspection) -> None:
        key = (row.equipment_id, row.inspection_date)
        self._set(self._slots.inspections, key, [*self.inspections(*key), row])
        self.writes.inspections.append(row)

    def set_inspection_status(self, key: DayKey, ids: set[str], status: str) -> None:
        def changed(row: Inspection) -> Inspection:
            if row.id not in ids:
                return row
            self.writes.inspection_status[row.id] = status
            return replace(row, status=status)

        self._set(self._slots.inspections, key, [changed(row) for row in self.inspections(*key)])

    def put_conflict(self, conflict: Conflict, expected_status: str | None) -> None:
        """Open a conflict (expected_status None) or change one, in state and writes."""
        others = [
            c for c in self._slots.conflicts.get(conflict.slot_key, []) if c.id != conflict.id
        ]
        self._set(self._slots.conflicts, conflict.slot_key, [*others, conflict])
        self.writes.put_conflict(conflict, expected_status)

    def add_audit(self, entry: AuditEntry) -> None:
        self.writes.audits.append(entry)

    def add_changes(self, entries: list[ChangeEntry]) -> None:
        self.writes.changes.extend(entries)

    def add_event(self, event: StoredEvent) -> None:
        self.writes.events.append(event)


def _event_id(row: FieldReading | ProductionLog) -> str:
    return row.event_id
