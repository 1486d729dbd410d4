"""What each type of field event does to the tenant's data (rules in sync.model.rules)."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from shared.core.common.errors import InputError
from shared.core.sync.errors import UploadRefusedError
from shared.core.sync.model.field_events import (
    ConflictStatus,
    DowntimeReported,
    EquipmentInspected,
    EventOutcome,
    FieldEvent,
    NoteAdded,
    OutcomeStatus,
    PhotoAttached,
    ProductionLogged,
    ReadingRecorded,
    Rule,
    UnknownPayload,
    check_photo,
)
from shared.core.sync.model.field_records import (
    CurrentReading,
    DowntimeReport,
    FieldNote,
    FieldPhoto,
    FieldReading,
    Inspection,
)
from shared.core.sync.model.rules import (
    InspectionResults,
    InspectionVerdict,
    ReadingClaim,
    inspection_results,
    inspection_verdict,
    newest_reading,
    reading_rank,
    same_reading,
)
from shared.core.sync.services.apply import (
    BatchContext,
    conflict_view,
    join_conflict,
    note_change,
    origin,
    slot_key,
)
from shared.core.sync.services.production_logs import apply_production
from shared.core.sync.services.state import BatchState
from shared.core.wells.model.photos import MAX_PHOTO_BYTES

APPLIED = EventOutcome(None, OutcomeStatus.APPLIED)


def must_slot(event: FieldEvent) -> str:
    slot = slot_key(event)
    assert slot is not None, f"{event.type} has no conflict slot"
    return slot


def apply_effect(state: BatchState, ctx: BatchContext, event: FieldEvent) -> EventOutcome:
    """Apply `event` (already checked) and say what happened; raises InputError to reject."""
    payload = event.payload
    if isinstance(payload, ReadingRecorded):
        outcome = apply_reading(state, ctx, event, payload)
    elif isinstance(payload, ProductionLogged):
        outcome = apply_production(state, ctx, event, payload)
    elif isinstance(payload, EquipmentInspected):
        outcome = apply_inspection(state, ctx, event, payload)
    elif isinstance(payload, UnknownPayload):
        outcome = send_to_review(state, ctx, event)
    else:
        outcome = apply_record(state, ctx, event, payload)
    return EventOutcome(event.id, outcome.status, outcome.conflict_id, outcome.rule, outcome.reason)


def _reading_claim(row: FieldReading) -> ReadingClaim:
    return ReadingClaim(row.event_id, row.device_id, row.occurred_at, row.value, row.unit)


def apply_reading(
    state: BatchState, ctx: BatchContext, event: FieldEvent, reading: ReadingRecorded
) -> EventOutcome:
    """Every reading is history; the newest is the current value of its tag."""
    row = FieldReading(
        **origin(ctx, event),
        equipment_id=event.equipment_id,
        tag=reading.tag,
        value=reading.value,
        unit=reading.unit,
    )
    same_time = state.readings_at(event.well_id, reading.tag, row.occurred_at)
    tied = [_reading_claim(other) for other in same_time]
    state.add_reading(row)
    note_change(state, ctx, "reading", event.id, "reading.recorded", vars(row))
    claim = _reading_claim(row)
    current = state.current_reading(event.well_id, reading.tag)
    is_current = current is None or reading_rank(claim) > reading_rank(_reading_claim(current))
    if is_current:
        state.put_current_reading(CurrentReading(**vars(row), updated_at=ctx.clock()))
    if any(not same_reading(other, claim) for other in tied):
        return _reading_tie(state, ctx, event, claim, tied)
    if is_current:
        return APPLIED
    reason = f"kept as history: a newer reading of {reading.tag} is the current value"
    return EventOutcome(None, OutcomeStatus.APPLIED, rule=Rule.NEWEST_WINS, reason=reason)


def _reading_tie(
    state: BatchState,
    ctx: BatchContext,
    event: FieldEvent,
    claim: ReadingClaim,
    tied: list[ReadingClaim],
) -> EventOutcome:
    """Different values at the very same time: settled by device id, recorded as a conflict."""
    assert isinstance(event.payload, ReadingRecorded)
    winner = newest_reading([*tied, claim])
    slot = must_slot(event)
    members = [other.event_id for other in tied] + [event.id]
    status = ConflictStatus.AUTO_RESOLVED
    conflict = join_conflict(
        state, ctx, event, slot, Rule.NEWEST_WINS, status, members, winner.event_id
    )
    side = "this one" if winner is claim else "the other"
    reason = f"another reading has the same time; {side} is current (device id breaks ties)"
    return EventOutcome(None, OutcomeStatus.CONFLICT, conflict.id, Rule.NEWEST_WINS, reason)


def _inspection_row(
    ctx: BatchContext, event: FieldEvent, equipment_id: str, inspection: EquipmentInspected
) -> Inspection:
    return Inspection(
        **origin(ctx, event),
        id=event.id,
        equipment_id=equipment_id,
        inspection_date=event.local_day,
        checklist=inspection.checklist,
        passed=inspection.passed,
        notes=inspection.notes,
        status="applied",
    )


def inspection_data(row: Inspection) -> dict[str, Any]:
    """An inspection as change-feed data (its status aside: it changes in review)."""
    data = {**vars(row), "checklist": [asdict(result) for result in row.checklist]}
    del data["status"]
    return data


def results_of(row: Inspection) -> InspectionResults:
    return inspection_results(row.passed, row.checklist)


def apply_inspection(
    state: BatchState, ctx: BatchContext, event: FieldEvent, inspection: EquipmentInspected
) -> EventOutcome:
    """Same equipment, same day: equal results stand together, different ones wait for review."""
    if event.equipment_id is None:
        raise InputError("equipment_id", "is required for EQUIPMENT_INSPECTED")
    row = _inspection_row(ctx, event, event.equipment_id, inspection)
    slot = must_slot(event)
    if state.find_conflict(slot, {ConflictStatus.OPEN}) is not None:
        return _hold_for_review(state, ctx, event, row, slot, standing=[])
    rows = state.inspections(event.equipment_id, row.inspection_date)
    standing = [r for r in rows if r.status == "applied"]
    verdict = inspection_verdict([results_of(r) for r in standing], results_of(row))
    if verdict is InspectionVerdict.REVIEW:
        return _hold_for_review(state, ctx, event, row, slot, standing)
    state.add_inspection(row)
    note_change(state, ctx, "inspection", event.id, "inspection.recorded", inspection_data(row))
    if verdict is InspectionVerdict.EQUIVALENT:
        reason = "same results as an inspection already recorded for this equipment today"
        return EventOutcome(None, OutcomeStatus.APPLIED, reason=reason)
    return APPLIED


def _hold_for_review(
    state: BatchState,
    ctx: BatchContext,
    event: FieldEvent,
    row: Inspection,
    slot: str,
    standing: list[Inspection],
) -> EventOutcome:
    """Nothing of the equipment-day stands until someone resolves it (ids: inspection ids)."""
    held = [r.id for r in standing]
    state.set_inspection_status((row.equipment_id, row.inspection_date), set(held), "in_review")
    state.add_inspection(replace(row, status="in_review"))
    reason = "results differ from another inspection of this equipment today; awaiting review"
    return _open_review(state, ctx, event, slot, [*held, event.id], reason)


def send_to_review(state: BatchState, ctx: BatchContext, event: FieldEvent) -> EventOutcome:
    """A type this server does not know: kept, applied to nothing, reviewed by a person."""
    reason = f"unknown event type {event.type}; kept for manual review"
    return _open_review(state, ctx, event, must_slot(event), [event.id], reason)


def _open_review(
    state: BatchState,
    ctx: BatchContext,
    event: FieldEvent,
    slot: str,
    members: list[str],
    reason: str,
) -> EventOutcome:
    conflict = join_conflict(
        state, ctx, event, slot, Rule.MANUAL_REVIEW, ConflictStatus.OPEN, members
    )
    note_change(state, ctx, "conflict", conflict.id, "conflict.opened", conflict_view(conflict))
    return EventOutcome(None, OutcomeStatus.CONFLICT, conflict.id, Rule.MANUAL_REVIEW, reason)


def apply_record(
    state: BatchState,
    ctx: BatchContext,
    event: FieldEvent,
    payload: NoteAdded | PhotoAttached | DowntimeReported,
) -> EventOutcome:
    """Notes merge (all kept), downtime reports are kept each, photos are linked."""
    if isinstance(payload, NoteAdded):
        note = FieldNote(**origin(ctx, event), text=payload.text)
        state.writes.notes.append(note)
        note_change(state, ctx, "note", event.id, "note.added", vars(note))
    elif isinstance(payload, DowntimeReported):
        downtime = DowntimeReport(
            **origin(ctx, event),
            reason_code=payload.reason_code,
            hours=payload.hours,
            equipment_id=event.equipment_id,
            downtime_date=event.local_day,
        )
        state.writes.downtime.append(downtime)
        note_change(state, ctx, "downtime", event.id, "downtime.reported", vars(downtime))
    else:
        check_photo(payload, ctx.tenant.slug, event.well_id)
        check_uploaded(ctx, payload)
        photo = FieldPhoto(
            **origin(ctx, event),
            blob_key=payload.blob_key,
            content_type=payload.content_type,
            caption=payload.caption,
        )
        state.writes.photos.append(photo)
        note_change(state, ctx, "photo", event.id, "photo.attached", vars(photo))
    return APPLIED


def check_uploaded(ctx: BatchContext, photo: PhotoAttached) -> None:
    """The photo must be in the blob store, within the size limit, of the type it claims
    (presigned and SAS uploads cannot cap the size, so it is checked here)."""
    if ctx.photos is None:
        raise InputError("payload.blob_key", "this server has no blob store for photos")
    info = ctx.photos.get(photo.blob_key)
    if info is None:
        raise InputError("payload.blob_key", "no photo was uploaded at this key")
    if info.size > MAX_PHOTO_BYTES:
        reason = f"the photo has {info.size} bytes; at most {MAX_PHOTO_BYTES}"
        raise UploadRefusedError("payload.blob_key", reason, photo.blob_key)
    if info.content_type and info.content_type != photo.content_type:
        reason = f"the uploaded photo is {info.content_type}"
        raise UploadRefusedError("payload.content_type", reason, photo.blob_key)
