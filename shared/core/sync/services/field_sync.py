"""Offline field sync: apply a device's batch, pull changes, work the review queue.

`apply_batch` is the one way events get in, whether a small batch arrives
inline over HTTP or a big one comes through the queue as a job (in chunks):
the events apply in device-sequence order in one transaction, each behind its
own savepoint in effect (see services.batch), and each event's first outcome is
stored with it, so sending the same events again (a retry, a redelivered job
message) answers `duplicate` and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from shared.core.common import change_feed
from shared.core.common.access import require, require_office_role, visible_well_ids
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import InputError
from shared.core.common.pages import Page
from shared.core.common.roles import Permission
from shared.core.ports.blobs import BlobInfo, BlobStore
from shared.core.ports.metrics import SYNC_EVENTS, Metrics, NoMetrics, Unit
from shared.core.registry.model.tenants import Tenant
from shared.core.sync.errors import BatchTooLargeError
from shared.core.sync.model.field_events import (
    FIELD_WORK_TYPES,
    Device,
    EquipmentInspected,
    EventOutcome,
    FieldEvent,
    IncomingEvent,
    OutcomeStatus,
    PhotoAttached,
)
from shared.core.sync.ports import (
    Conflict,
    ConflictQuery,
    FailedInspection,
    FieldWorkHandlers,
    InspectionFollowUp,
    SyncDatabases,
    SyncUnitOfWork,
)
from shared.core.sync.services import field_work
from shared.core.sync.services import review as sync_review
from shared.core.sync.services.batch import BatchInput, RefusedUpload, apply_events
from shared.core.sync.services.review import ConflictDetail, Resolution
from shared.core.wells.model.photos import photo_key_prefix

log = logging.getLogger("wellos.sync")

MAX_INLINE_EVENTS = 500
MAX_INLINE_BYTES = 1024 * 1024
MAX_JOB_EVENTS = 100_000
MAX_JOB_BYTES = 64 * 1024 * 1024

OnApplied = Callable[[SyncUnitOfWork, list[EventOutcome]], None]
"""Called inside the batch's transaction before it commits (a job records its chunk)."""


class SyncService:
    def __init__(
        self,
        databases: SyncDatabases,
        clock: Clock = utc_now,
        blobs: BlobStore | None = None,
        field_work: FieldWorkHandlers | None = None,
        inspections: InspectionFollowUp | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._databases = databases
        self._metrics = metrics or NoMetrics()
        self._clock = clock
        self._blobs = blobs
        self._field_work = field_work
        self._inspections = inspections

    def needs_job(self, actor: Actor, events: int, body_bytes: int) -> bool:
        """Permission first; then whether the batch is over the inline limits (a job)."""
        require(actor, Permission.FIELD_DATA_WRITE)
        if events > MAX_JOB_EVENTS or body_bytes > MAX_JOB_BYTES:
            raise BatchTooLargeError(events, body_bytes, MAX_JOB_EVENTS, MAX_JOB_BYTES)
        return events > MAX_INLINE_EVENTS or body_bytes > MAX_INLINE_BYTES

    def apply_batch(
        self,
        tenant: Tenant,
        actor: Actor,
        device: Device,
        events: Sequence[IncomingEvent],
        received_at: datetime | None = None,
        on_applied: OnApplied | None = None,
    ) -> list[EventOutcome]:
        """Apply `events` in device-sequence order; the outcomes come back in input order.

        `received_at` (default: now) is when the server took the batch: clock skew and
        "no future production dates" are measured against it.
        """
        require(actor, Permission.FIELD_DATA_WRITE)
        received = received_at or self._clock()
        work = self._field_work_outcomes(tenant, actor, device, events, received)
        rest = [index for index in range(len(events)) if index not in work]
        order = sorted(rest, key=lambda i: (events[i].device_seq, i))
        batch = BatchInput(tenant, actor, device, received, self._clock, self._photos(events))
        with self._databases.unit_of_work(tenant) as uow:
            applied = apply_events(uow, batch, [events[index] for index in order])
            by_index = dict(zip(order, applied.outcomes, strict=True))
            by_index.update(work)
            outcomes = [by_index[index] for index in range(len(events))]
            if on_applied is not None:
                on_applied(uow, outcomes)
            uow.commit()
        self._measure(tenant, outcomes)
        self._discard_refused(tenant, applied.refused_uploads)
        self._follow_up_failed_inspections(tenant, actor, events, outcomes)
        return outcomes

    def _measure(self, tenant: Tenant, outcomes: Sequence[EventOutcome]) -> None:
        """`sync.events` of the committed batch, one count per outcome (zeros included)."""
        for status in OutcomeStatus:
            count = sum(1 for outcome in outcomes if outcome.status is status)
            dimensions = {"tenant": tenant.slug, "outcome": status.value}
            self._metrics.add(SYNC_EVENTS, count, Unit.COUNT, dimensions)

    def _follow_up_failed_inspections(
        self,
        tenant: Tenant,
        actor: Actor,
        events: Sequence[IncomingEvent],
        outcomes: Sequence[EventOutcome],
    ) -> None:
        """Hand failed inspections (applied now or before) to the follow-up port; its
        failure is logged, never the batch's (the events are committed already)."""
        if self._inspections is None:
            return
        kept = {OutcomeStatus.APPLIED, OutcomeStatus.DUPLICATE}
        failed = [
            FailedInspection(
                event.id,
                event.well_id,
                event.equipment_id,
                tuple(item.item for item in event.payload.checklist if not item.ok),
            )
            for event, outcome in zip(events, outcomes, strict=True)
            if isinstance(event, FieldEvent)
            and isinstance(event.payload, EquipmentInspected)
            and not event.payload.passed
            and outcome.status in kept
        ]
        if not failed:
            return
        try:
            self._inspections.inspections_failed(tenant, actor, failed)
        except Exception:  # the sync stands; the next re-sync or the office can retry
            log.exception("follow-up of %d failed inspections failed", len(failed))

    def _field_work_outcomes(
        self,
        tenant: Tenant,
        actor: Actor,
        device: Device,
        events: Sequence[IncomingEvent],
        received: datetime,
    ) -> dict[int, EventOutcome]:
        """Work-order closes and well tests, applied first by the operations port, one
        transaction each, in device-sequence order (see services.field_work)."""
        if self._field_work is None:
            return {}
        found = [
            index
            for index, event in enumerate(events)
            if isinstance(event, FieldEvent) and event.type in FIELD_WORK_TYPES
        ]
        found.sort(key=lambda i: (events[i].device_seq, i))
        outcomes: dict[int, EventOutcome] = {}
        for index in found:
            event = events[index]
            assert isinstance(event, FieldEvent)
            outcomes[index] = field_work.apply_one(
                self._databases, self._field_work, self._clock, tenant, actor, device,
                event, received,
            )  # fmt: skip
        return outcomes

    def _discard_refused(self, tenant: Tenant, refused: Sequence[RefusedUpload]) -> None:
        """Delete uploads refused for size or type (they can never be linked) unless a photo
        links them, so they do not pile up; failing here leaves only a stray blob."""
        if self._blobs is None or not refused:
            return
        own = [
            r for r in refused if r.blob_key.startswith(photo_key_prefix(tenant.slug, r.well_id))
        ]
        try:
            with self._databases.unit_of_work(tenant) as uow:
                stray = [
                    r for r in own if not uow.field_records.photo_linked(r.well_id, r.blob_key)
                ]
            for upload in stray:
                self._blobs.delete(upload.blob_key)
                log.info("refused photo upload %s deleted", upload.blob_key)
        except Exception as exc:  # the batch is committed: never fail it for a cleanup
            log.warning("refused photo uploads of %s kept: %s", tenant.slug, type(exc).__name__)

    def _photos(self, events: Sequence[IncomingEvent]) -> Mapping[str, BlobInfo | None] | None:
        """What the blob store holds at each photo key of the batch (before any lock)."""
        if self._blobs is None:
            return None
        keys = {
            event.payload.blob_key
            for event in events
            if isinstance(event, FieldEvent) and isinstance(event.payload, PhotoAttached)
        }
        found: dict[str, BlobInfo | None] = {}
        for key in sorted(keys):
            try:
                found[key] = self._blobs.head(key)
            except InputError:  # not a key at all: the photo check rejects the event
                found[key] = None
        return found

    def cursor(self, tenant: Tenant, actor: Actor) -> str:
        """The feed's settled head: a device that has never pulled may start from here."""
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            return change_feed.encode_cursor(uow.changes.head(self._clock()))

    def pull_changes(
        self, tenant: Tenant, actor: Actor, since: str | None, limit: int
    ) -> change_feed.ChangesPage:
        """Changes to the wells `actor` may see after `since`, oldest first.

        Readings the actor entered are left out (their device has them).
        """
        require(actor, Permission.WELLS_READ)
        after = change_feed.decode_cursor(since)
        with self._databases.unit_of_work(tenant) as uow:
            visible = visible_well_ids(uow, actor)
            read = uow.changes.read(after, visible, actor.user_id, limit, self._clock())
        cursor = change_feed.encode_cursor(read.last or after)
        return change_feed.ChangesPage(read.items, cursor, read.has_more)

    def list_conflicts(self, tenant: Tenant, actor: Actor, query: ConflictQuery) -> Page[Conflict]:
        require_office_role(actor, "see the review queue")
        with self._databases.unit_of_work(tenant) as uow:
            return uow.conflicts.list(query)

    def get_conflict(self, tenant: Tenant, actor: Actor, conflict_id: str) -> ConflictDetail:
        require_office_role(actor, "see the review queue")
        with self._databases.unit_of_work(tenant) as uow:
            return sync_review.detail(uow, conflict_id)

    def resolve_conflict(
        self, tenant: Tenant, actor: Actor, conflict_id: str, resolution: Resolution
    ) -> ConflictDetail:
        require_office_role(actor, "resolve conflicts")
        with self._databases.unit_of_work(tenant) as uow:
            sync_review.resolve(uow, self._clock, actor, conflict_id, resolution)
            result = sync_review.detail(uow, conflict_id)
            uow.commit()
            return result
