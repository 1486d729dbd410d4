"""What every field event of a batch goes through: its context, the target check,
duplicates, the stored event, change-feed entries and conflicts (all against the
batch's in-memory state; see services.state)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from shared.core.common.actor import Actor
from shared.core.common.change_feed import change_entries
from shared.core.common.clock import Clock
from shared.core.common.errors import InputError
from shared.core.ports.blobs import BlobInfo
from shared.core.registry.model.tenants import Tenant
from shared.core.sync.model.field_events import (
    Device,
    EquipmentInspected,
    EventOutcome,
    FieldEvent,
    OutcomeStatus,
    ProductionLogged,
    ReadingRecorded,
    Rule,
    UnknownPayload,
    payload_json,
)
from shared.core.sync.model.field_records import Origin
from shared.core.sync.ports import Conflict, StoredEvent
from shared.core.sync.services.state import BatchState
from shared.core.wells.model.records import Equipment, Well


@dataclass(frozen=True)
class BatchContext:
    """What every event of one batch shares: who, which device, when it arrived, and
    the rows it locked (wells and equipment by id) and the photos it may link."""

    tenant: Tenant
    actor: Actor
    device: Device
    received_at: datetime
    clock_skew_s: float | None
    visible_wells: Collection[str] | None
    clock: Clock
    wells: Mapping[str, Well]
    equipment: Mapping[str, Equipment]
    photos: Mapping[str, BlobInfo | None] | None = None
    """Blob info by photo key (None: no blob store, photos cannot be linked)."""


def clock_skew_s(device: Device, received_at: datetime) -> float | None:
    """Server receipt time minus the device's clock when it sent the batch."""
    if device.clock is None:
        return None
    return round((received_at - device.clock).total_seconds(), 3)


def content_hash(event: FieldEvent) -> str:
    """Fingerprint of what an event says, to spot an id reused for different content."""
    body = {
        "type": event.type,
        "well_id": event.well_id,
        "equipment_id": event.equipment_id,
        "occurred_at": _instant_text(event.occurred_at),
        "payload": payload_json(event.payload),
        "schema_version": event.schema_version,
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _instant_text(moment: datetime) -> str:
    """UTC ISO text; a time past the calendar in UTC (year 1 at +01:00, resent under an
    id already stored) keeps its own offset: it differs from what was stored either way."""
    try:
        return utc(moment).isoformat()
    except OverflowError:
        return moment.isoformat()


def slot_key(event: FieldEvent) -> str | None:
    """The slot over which the event may conflict with others (None: it never conflicts)."""
    payload = event.payload
    if isinstance(payload, ReadingRecorded):
        return f"reading/{event.well_id}/{payload.tag}/{utc(event.occurred_at).isoformat()}"
    if isinstance(payload, ProductionLogged):
        return f"production/{event.well_id}/{payload.date.isoformat()}"
    if isinstance(payload, EquipmentInspected):
        return f"inspection/{event.equipment_id}/{event.local_day.isoformat()}"
    if isinstance(payload, UnknownPayload):
        return f"event/{event.id}"
    return None


def duplicate_outcome(stored: StoredEvent, event: FieldEvent) -> EventOutcome:
    """The first answer again, marked duplicate; nothing is written."""
    reason = stored.reason
    if stored.content_hash != content_hash(event):
        reason = "this event id was already used for different content; the first version stands"
    return EventOutcome(
        event_id=stored.id,
        status=OutcomeStatus.DUPLICATE,
        conflict_id=stored.conflict_id,
        rule=Rule(stored.rule) if stored.rule else None,
        reason=reason,
        first_status=OutcomeStatus(stored.status),
    )


def check_target(ctx: BatchContext, event: FieldEvent) -> None:
    """Raise InputError unless the actor may write to the event's well (and equipment)."""
    if event.well_id not in ctx.wells:
        raise InputError("well_id", f"well {event.well_id} does not exist")
    if ctx.visible_wells is not None and event.well_id not in ctx.visible_wells:
        raise InputError("well_id", f"well {event.well_id} is not assigned to you")
    if event.equipment_id is None:
        return
    equipment = ctx.equipment.get(event.equipment_id)
    if equipment is None:
        raise InputError("equipment_id", f"equipment {event.equipment_id} does not exist")
    if equipment.well_id and equipment.well_id != event.well_id:
        raise InputError("equipment_id", f"equipment {event.equipment_id} is on another well")


def stored_event(ctx: BatchContext, event: FieldEvent, outcome: EventOutcome) -> StoredEvent:
    return StoredEvent(
        id=event.id,
        device_id=ctx.device.id,
        device_seq=event.device_seq,
        device_platform=ctx.device.platform,
        app_version=ctx.device.app_version,
        type=event.type,
        schema_version=event.schema_version,
        well_id=event.well_id,
        equipment_id=event.equipment_id,
        occurred_at=utc(event.occurred_at),
        received_at=ctx.received_at,
        clock_skew_s=ctx.clock_skew_s,
        recorded_by_id=ctx.actor.user_id,
        recorded_by_email=ctx.actor.email,
        payload=payload_json(event.payload),
        content_hash=content_hash(event),
        status=outcome.status.value,
        conflict_id=outcome.conflict_id,
        rule=outcome.rule.value if outcome.rule else None,
        reason=outcome.reason,
    )


def origin(ctx: BatchContext, event: FieldEvent) -> Origin:
    """What every field record starts with."""
    return Origin(
        event_id=event.id,
        well_id=event.well_id,
        occurred_at=utc(event.occurred_at),
        device_id=ctx.device.id,
        recorded_by=ctx.actor.email,
    )


def note_change(
    state: BatchState,
    ctx: BatchContext,
    entity: str,
    entity_id: str,
    action: str,
    data: Mapping[str, Any],
) -> None:
    """Put a field record on the change feed of its well."""
    state.add_changes(change_entries(ctx.clock(), ctx.actor, action, entity, entity_id, None, data))


def join_conflict(
    state: BatchState,
    ctx: BatchContext,
    event: FieldEvent,
    slot_key: str,
    rule: Rule,
    status: str,
    members: Sequence[str],
    winner: str | None = None,
) -> Conflict:
    """Add `members` to the conflict over `slot_key` in `status`, or open one."""
    now = ctx.clock()
    existing = state.find_conflict(slot_key, {status})
    if existing is not None:
        added = tuple(m for m in members if m not in existing.event_ids)
        updated = replace(
            existing, event_ids=existing.event_ids + added, winner_event_id=winner, updated_at=now
        )
        state.put_conflict(updated, existing.status)
        return updated
    conflict = Conflict(
        id=str(uuid.uuid4()),
        event_type=event.type,
        well_id=event.well_id,
        equipment_id=event.equipment_id,
        slot_key=slot_key,
        rule=rule.value,
        status=status,
        event_ids=tuple(dict.fromkeys(members)),
        winner_event_id=winner,
        created_at=now,
        updated_at=now,
    )
    state.put_conflict(conflict, None)
    return conflict


def conflict_view(conflict: Conflict) -> dict[str, Any]:
    """A conflict as feed/audit data."""
    return {
        "id": conflict.id,
        "well_id": conflict.well_id,
        "event_type": conflict.event_type,
        "rule": conflict.rule,
        "status": conflict.status,
        "event_ids": list(conflict.event_ids),
        "winner_event_id": conflict.winner_event_id,
        "resolution": conflict.resolution,
    }
