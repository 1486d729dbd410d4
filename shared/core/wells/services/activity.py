"""What happened on a well in the field, and who works it: the office's read views.

The timeline merges the records field sync wrote (notes, equipment inspections,
downtime reports, manual readings) newest first; the assignments list the field
operators a well is assigned to. Both follow the wells' visibility rule: a field
operator sees only the wells assigned to them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.core.common.access import ensure_well_visible, require
from shared.core.common.actor import Actor
from shared.core.common.errors import InputError, NotFoundError
from shared.core.common.roles import Permission
from shared.core.common.units_of_work import Record, TenantUnitOfWork
from shared.core.registry.model.tenants import Tenant
from shared.core.wells.ports import (
    TimelineKind,
    TimelineQuery,
    WellActivityDatabases,
)

MAX_TIMELINE_ENTRIES = 500


@dataclass(frozen=True)
class TimelineEntry:
    kind: TimelineKind
    id: str
    occurred_at: datetime
    recorded_by: str
    device_id: str
    equipment_id: str | None
    details: dict[str, Any]


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


def entry_of(kind: TimelineKind, row: Record) -> TimelineEntry:
    return TimelineEntry(
        kind=kind,
        id=str(row[_ID_COLUMN[kind]]),
        occurred_at=row["occurred_at"],
        recorded_by=str(row["recorded_by"]),
        device_id=str(row["device_id"]),
        equipment_id=str(row["equipment_id"]) if row.get("equipment_id") else None,
        details={name: row.get(name) for name in _DETAILS[kind]},
    )


def merge_newest_first(
    rows: Collection[tuple[TimelineKind, Record]], limit: int
) -> list[TimelineEntry]:
    """One list across the kinds, newest first (ties by kind and id), cut to `limit`."""
    entries = [entry_of(kind, row) for kind, row in rows]
    entries.sort(key=lambda e: (e.occurred_at, e.kind.value, e.id), reverse=True)
    return entries[:limit]


class WellActivityService:
    def __init__(self, databases: WellActivityDatabases) -> None:
        self._databases = databases

    def timeline(self, tenant: Tenant, actor: Actor, query: TimelineQuery) -> list[TimelineEntry]:
        """The well's field records in [start, end), newest first."""
        require(actor, Permission.WELLS_READ)
        if not 1 <= query.limit <= MAX_TIMELINE_ENTRIES:
            raise InputError("limit", f"must be between 1 and {MAX_TIMELINE_ENTRIES}")
        if query.start and query.end and query.end <= query.start:
            raise InputError("to", "must be after from")
        with self._databases.unit_of_work(tenant) as uow:
            _must_see(uow, actor, query.well_id)
            rows = uow.activity.timeline(query)
        return merge_newest_first(rows, query.limit)

    def assignments(self, tenant: Tenant, actor: Actor, well_id: str) -> list[Record]:
        """Who the well is assigned to, by whom and when (oldest first)."""
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            _must_see(uow, actor, well_id)
            return uow.activity.assignments(well_id)


def _must_see(uow: TenantUnitOfWork, actor: Actor, well_id: str) -> None:
    if uow.wells.get(well_id) is None:
        raise NotFoundError("well", well_id)
    ensure_well_visible(uow, actor, well_id)
