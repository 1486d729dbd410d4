"""Resolving a conflict from the review queue: pick one event or supply a merged value."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

from shared.core.common.access import audit
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock
from shared.core.common.errors import InputError, NotFoundError
from shared.core.sync.errors import ConflictAlreadyResolvedError
from shared.core.sync.model.field_events import (
    ConflictStatus,
    EquipmentInspected,
    EventType,
    Payload,
    payload_json,
)
from shared.core.sync.model.field_records import Inspection
from shared.core.sync.ports import Conflict, StoredEvent, SyncUnitOfWork
from shared.core.sync.services.apply import conflict_view


@dataclass(frozen=True)
class Resolution:
    """Exactly one of `choose` (an event id of the conflict) or `merged`, and why."""

    reason: str
    choose: str | None = None
    merged: Payload | None = None


@dataclass(frozen=True)
class ConflictDetail:
    conflict: Conflict
    events: list[StoredEvent]


def must_get(uow: SyncUnitOfWork, conflict_id: str) -> Conflict:
    conflict = uow.conflicts.get(conflict_id)
    if conflict is None:
        raise NotFoundError("conflict", conflict_id)
    return conflict


def detail(uow: SyncUnitOfWork, conflict_id: str) -> ConflictDetail:
    conflict = must_get(uow, conflict_id)
    events = {event.id: event for event in uow.sync_events.get_many(conflict.event_ids)}
    return ConflictDetail(conflict, [events[i] for i in conflict.event_ids if i in events])


def _check(conflict: Conflict, resolution: Resolution) -> None:
    if conflict.status != ConflictStatus.OPEN:
        raise ConflictAlreadyResolvedError(conflict.id, conflict.status)
    if not resolution.reason.strip():
        raise InputError("reason", "must say why")
    if (resolution.choose is None) == (resolution.merged is None):
        raise InputError("choose", "give exactly one of choose or merged")
    if resolution.choose is not None and resolution.choose not in conflict.event_ids:
        raise InputError("choose", f"event {resolution.choose} is not part of this conflict")
    inspection = conflict.event_type == EventType.EQUIPMENT_INSPECTED
    if resolution.merged is not None and not (
        inspection and isinstance(resolution.merged, EquipmentInspected)
    ):
        raise InputError("merged", "only inspections take a merged value; choose an event")


def resolve(
    uow: SyncUnitOfWork,
    clock: Clock,
    actor: Actor,
    conflict_id: str,
    resolution: Resolution,
) -> Conflict:
    """Apply the decision, close the conflict and audit who decided and why."""
    conflict = must_get(uow, conflict_id)
    _check(conflict, resolution)
    record: dict[str, Any] = {"reason": resolution.reason.strip(), "choose": resolution.choose}
    if conflict.event_type == EventType.EQUIPMENT_INSPECTED:
        record["applied_inspection_id"] = _settle_inspections(
            uow, clock, actor, conflict, resolution
        )
    if resolution.merged is not None:
        record["merged"] = payload_json(resolution.merged)
    resolved = replace(
        conflict,
        status=ConflictStatus.RESOLVED.value,
        winner_event_id=resolution.choose,
        resolved_at=clock(),
        resolved_by=actor.email,
        resolution=record,
        updated_at=clock(),
    )
    if not uow.conflicts.update(resolved, ConflictStatus.OPEN.value):
        raise ConflictAlreadyResolvedError(conflict.id, ConflictStatus.RESOLVED.value)
    before = {"well_id": conflict.well_id, "status": conflict.status}
    after = {**conflict_view(resolved), "resolved_by": actor.email}
    audit(uow, clock, actor, "conflict.resolved", "conflict", conflict.id, before, after)
    return resolved


def _settle_inspections(
    uow: SyncUnitOfWork, clock: Clock, actor: Actor, conflict: Conflict, resolution: Resolution
) -> str:
    """The chosen (or merged) inspection applies; the others are superseded."""
    records = uow.field_records
    members = list(conflict.event_ids)
    records.set_inspection_status(members, "superseded")
    if resolution.choose is not None:
        records.set_inspection_status([resolution.choose], "applied")
        return resolution.choose
    assert isinstance(resolution.merged, EquipmentInspected)
    template = records.inspections_by_ids(members)[0]
    merged_id = str(uuid.uuid4())
    merged = Inspection(
        event_id=None,
        well_id=conflict.well_id,
        occurred_at=clock(),
        device_id="review",
        recorded_by=actor.email,
        id=merged_id,
        equipment_id=template.equipment_id,
        inspection_date=template.inspection_date,
        checklist=resolution.merged.checklist,
        passed=resolution.merged.passed,
        notes=resolution.merged.notes,
        status="applied",
    )
    records.add_inspections([merged])
    return merged_id
