"""Field work: `WORK_ORDER_CLOSED` and `WELL_TEST_LOGGED` events.

Their records belong to operations, which sits above sync; sync hands each such
event to the `FieldWorkHandlers` port (wired in shared.bootstrap) and records the
event with its first outcome, so a re-sent batch answers `duplicate` and applies
nothing twice. A handler's `conflict` opens a manual-review conflict holding the
event (the office decides); its `rejected` names the field and stores nothing.
Each event is screened by the same plausibility limits as every other event.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from shared.core.common.actor import Actor
from shared.core.common.clock import Clock
from shared.core.common.errors import InputError
from shared.core.registry.model.tenants import Tenant
from shared.core.sync.model.event_limits import check_event
from shared.core.sync.model.field_events import (
    ConflictStatus,
    Device,
    EventOutcome,
    EventType,
    FieldEvent,
    OutcomeStatus,
    Rule,
    payload_json,
)
from shared.core.sync.ports import (
    Conflict,
    FieldWork,
    FieldWorkHandlers,
    FieldWorkResult,
    StoredEvent,
    SyncDatabases,
)
from shared.core.sync.services.apply import clock_skew_s, content_hash, duplicate_outcome, utc

log = logging.getLogger("wellos.sync")


def apply_one(
    databases: SyncDatabases,
    handlers: FieldWorkHandlers,
    clock: Clock,
    tenant: Tenant,
    actor: Actor,
    device: Device,
    event: FieldEvent,
    received_at: datetime,
) -> EventOutcome:
    try:
        check_event(event, received_at)
    except InputError as exc:
        return _rejected(event.id, exc.field, exc.reason)
    with databases.unit_of_work(tenant) as uow:
        stored = uow.sync_events.get(event.id)
    if stored is not None:
        return duplicate_outcome(stored, event)
    work = FieldWork(
        event.id, event.type, event.well_id, event.occurred_at, device.id,
        payload_json(event.payload),
    )  # fmt: skip
    try:
        if event.type == EventType.WORK_ORDER_CLOSED:
            result = handlers.close_work_order(tenant, actor, work)
        else:
            result = handlers.log_well_test(tenant, actor, work)
    except InputError as exc:
        return _rejected(event.id, exc.field, exc.reason)
    except (OverflowError, RecursionError, ValueError) as exc:
        log.warning("field work event %s failed: %s", event.id, type(exc).__name__)
        return _rejected(event.id, "event", f"cannot be applied ({type(exc).__name__})")
    if result.status == "rejected":
        return _rejected(event.id, result.field or "event", result.reason or "rejected")
    return _record(databases, clock, tenant, actor, device, event, received_at, result)


def _rejected(event_id: str, field: str, reason: str) -> EventOutcome:
    return EventOutcome(event_id, OutcomeStatus.REJECTED, reason=f"{field}: {reason}")


def _record(
    databases: SyncDatabases,
    clock: Clock,
    tenant: Tenant,
    actor: Actor,
    device: Device,
    event: FieldEvent,
    received_at: datetime,
    result: FieldWorkResult,
) -> EventOutcome:
    now = clock()
    conflict: Conflict | None = None
    if result.status == "conflict":
        conflict = Conflict(
            id=str(uuid.uuid4()),
            event_type=event.type,
            well_id=event.well_id,
            slot_key=f"event/{event.id}",
            rule=Rule.MANUAL_REVIEW.value,
            status=ConflictStatus.OPEN.value,
            event_ids=(event.id,),
            created_at=now,
            updated_at=now,
        )
        outcome = EventOutcome(
            event.id, OutcomeStatus.CONFLICT, conflict.id, Rule.MANUAL_REVIEW, result.reason
        )
    else:
        outcome = EventOutcome(event.id, OutcomeStatus.APPLIED)
    stored = StoredEvent(
        id=event.id,
        device_id=device.id,
        device_seq=event.device_seq,
        device_platform=device.platform,
        app_version=device.app_version,
        type=event.type,
        schema_version=event.schema_version,
        well_id=event.well_id,
        equipment_id=event.equipment_id,
        occurred_at=utc(event.occurred_at),
        received_at=received_at,
        clock_skew_s=clock_skew_s(device, received_at),
        recorded_by_id=actor.user_id,
        recorded_by_email=actor.email,
        payload=payload_json(event.payload),
        content_hash=content_hash(event),
        status=outcome.status.value,
        conflict_id=outcome.conflict_id,
        rule=outcome.rule.value if outcome.rule else None,
        reason=outcome.reason,
    )
    with databases.unit_of_work(tenant) as uow:
        if conflict is not None:
            uow.conflicts.add(conflict)
        uow.sync_events.add_many([stored])
        uow.commit()
    return outcome
