"""One batch in one transaction: lock, read in bulk, decide in memory, write in bulk.

1. Lock the batch's wells and equipment in id order; read the events stored
   before (duplicates); screen every new event for plausibility
   (event_limits) before anything is computed from it, so an implausible one
   is rejected alone, naming its field; read the wells the actor may write to
   and every slot the events touch (`batch_io.load_slots`), in a few queries.
2. Apply the events in the order given against the in-memory state
   (services.state). A bad event (InputError, or a value no check foresaw that
   overflows) is undone in memory and rejected; the others go on.
3. Write everything in bulk inside a savepoint. Should the database refuse a
   write (a value out of range, an id a concurrent sync stored first) or the
   driver fail to encode a value, that savepoint is rolled back and the batch
   is applied again event by event, each in a savepoint of its own: the
   refused event alone is rejected (or answered as a duplicate), and the
   events after it are decided without it.

Photos whose upload was refused (too big, another type) come back with the
outcomes, so the caller can delete those blobs once the batch has committed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from shared.core.common.access import visible_well_ids
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock
from shared.core.common.errors import ConflictError, InputError
from shared.core.ports.blobs import BlobInfo
from shared.core.registry.model.tenants import Tenant
from shared.core.sync.errors import UploadRefusedError
from shared.core.sync.model.event_limits import check_event
from shared.core.sync.model.field_events import (
    Device,
    EventOutcome,
    FieldEvent,
    IncomingEvent,
    InvalidEvent,
    OutcomeStatus,
)
from shared.core.sync.ports import StoredEvent, SyncUnitOfWork
from shared.core.sync.services.apply import (
    BatchContext,
    check_target,
    clock_skew_s,
    duplicate_outcome,
    stored_event,
)
from shared.core.sync.services.batch_io import flush, load_slots
from shared.core.sync.services.effects import apply_effect
from shared.core.sync.services.state import BatchState, EventWrites

log = logging.getLogger("wellos.sync")

UNSTORABLE: tuple[type[Exception], ...] = (OverflowError, RecursionError, ValueError)
"""What a value no check foresaw raises while an event is applied or written (a date past
the calendar, data nested too deep, a number a driver cannot encode): that event is
rejected, the rest of the batch applies."""
RETRY_EACH: tuple[type[Exception], ...] = (ConflictError, *UNSTORABLE)
"""A bulk write failing with these is retried event by event."""


@dataclass(frozen=True)
class BatchInput:
    tenant: Tenant
    actor: Actor
    device: Device
    received_at: datetime
    clock: Clock
    photos: Mapping[str, BlobInfo | None] | None


@dataclass(frozen=True)
class RefusedUpload:
    """A photo blob a PHOTO_ATTACHED event of this well could not link (size or type)."""

    well_id: str
    blob_key: str


@dataclass(frozen=True)
class AppliedBatch:
    outcomes: list[EventOutcome]
    refused_uploads: list[RefusedUpload]


@dataclass
class _Run:
    ctx: BatchContext
    seen: dict[str, StoredEvent]
    state: BatchState
    flush_each: bool
    refused: dict[RefusedUpload, None] = field(default_factory=dict)


def apply_events(
    uow: SyncUnitOfWork, batch: BatchInput, events: Sequence[IncomingEvent]
) -> AppliedBatch:
    """Apply `events` in the order given; the outcomes come back in the same order."""
    valid = [event for event in events if isinstance(event, FieldEvent)]
    ctx = _context(uow, batch, valid)
    seen = {stored.id: stored for stored in uow.sync_events.get_many([e.id for e in valid])}
    events = [_screen(event, index, batch.received_at, seen) for index, event in enumerate(events)]
    fresh = [e for e in events if isinstance(e, FieldEvent) and e.id not in seen]
    try:
        with uow.savepoint():
            run = _Run(ctx, seen, BatchState(load_slots(uow, fresh)), flush_each=False)
            outcomes, writes = _apply_all(uow, run, events)
            flush(uow, writes)
    except RETRY_EACH as exc:
        if not isinstance(exc, ConflictError):
            log.warning("bulk write failed (%s): applying event by event", type(exc).__name__)
        run = _Run(ctx, seen, BatchState(load_slots(uow, fresh)), flush_each=True)
        outcomes, _ = _apply_all(uow, run, events)
    return AppliedBatch(outcomes, list(run.refused))


def _screen(
    event: IncomingEvent, index: int, received_at: datetime, seen: Mapping[str, StoredEvent]
) -> IncomingEvent:
    """The event, or an InvalidEvent if it is implausible (one sent before stays a duplicate)."""
    if isinstance(event, InvalidEvent) or event.id in seen:
        return event
    try:
        check_event(event, received_at)
    except InputError as exc:
        return InvalidEvent(index, event.id, exc.field, exc.reason, event.device_seq)
    return event


def _context(uow: SyncUnitOfWork, batch: BatchInput, events: list[FieldEvent]) -> BatchContext:
    """Lock first, then read: the reads see what syncs ahead of us on these wells committed."""
    wells = uow.sync_events.lock_wells({event.well_id for event in events})
    equipment_ids = {event.equipment_id for event in events if event.equipment_id}
    equipment = uow.sync_events.lock_equipment(equipment_ids)
    return BatchContext(
        tenant=batch.tenant,
        actor=batch.actor,
        device=batch.device,
        received_at=batch.received_at,
        clock_skew_s=clock_skew_s(batch.device, batch.received_at),
        visible_wells=visible_well_ids(uow, batch.actor),
        clock=batch.clock,
        wells=wells,
        equipment=equipment,
        photos=batch.photos,
    )


def _apply_all(
    uow: SyncUnitOfWork, run: _Run, events: Sequence[IncomingEvent]
) -> tuple[list[EventOutcome], EventWrites]:
    taken: dict[str, StoredEvent] = {}
    everything = EventWrites()
    outcomes = []
    for event in events:
        outcomes.append(_apply_one(uow, run, event, taken))
        everything.absorb(run.state.writes)
        run.state.begin_event()
    return outcomes, everything


def _apply_one(
    uow: SyncUnitOfWork, run: _Run, event: IncomingEvent, taken: dict[str, StoredEvent]
) -> EventOutcome:
    if isinstance(event, InvalidEvent):
        return rejected(event.event_id, event.field, event.reason)
    earlier = run.seen.get(event.id) or taken.get(event.id)
    if earlier is not None:  # sent before, or twice in this batch
        return duplicate_outcome(earlier, event)
    state = run.state
    state.begin_event()
    try:
        check_target(run.ctx, event)
        outcome = apply_effect(state, run.ctx, event)
    except InputError as exc:
        state.undo_event()
        if isinstance(exc, UploadRefusedError):
            run.refused[RefusedUpload(event.well_id, exc.blob_key)] = None
        return rejected(event.id, exc.field, exc.reason)
    except UNSTORABLE as exc:  # a value no check foresaw: this event alone fails
        state.undo_event()
        log.warning("sync event %s failed: %s", event.id, type(exc).__name__)
        return rejected(event.id, "event", f"cannot be applied ({type(exc).__name__})")
    stored = stored_event(run.ctx, event, outcome)
    state.add_event(stored)
    if run.flush_each:
        refused = _flush_one(uow, state, event)
        if refused is not None:
            return refused
    taken[event.id] = stored
    return outcome


def _flush_one(uow: SyncUnitOfWork, state: BatchState, event: FieldEvent) -> EventOutcome | None:
    """Write one event's rows in a savepoint; the outcome to answer if the database refused."""
    try:
        with uow.savepoint():
            flush(uow, state.writes)
        return None
    except ConflictError as exc:
        state.undo_event()
        stored = uow.sync_events.get(event.id)  # a concurrent sync stored it first
        if stored is not None:
            return duplicate_outcome(stored, event)
        return rejected(event.id, "event", f"the database refused it: {exc.detail}")
    except UNSTORABLE as exc:
        state.undo_event()
        log.warning("sync event %s not written: %s", event.id, type(exc).__name__)
        return rejected(event.id, "event", f"cannot be stored ({type(exc).__name__})")


def rejected(event_id: str | None, field: str, reason: str) -> EventOutcome:
    return EventOutcome(event_id, OutcomeStatus.REJECTED, reason=f"{field}: {reason}")
