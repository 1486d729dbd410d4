"""Offline field sync: apply a device's batch, pull changes, work the review queue.

`apply_batch` is the one way events get in, whether a small batch arrives
inline over HTTP or a big one comes through the queue as a job: each event is
applied in device-sequence order in a transaction of its own, and its first
outcome is stored with it, so sending the same events again (a retry, a
redelivered job message) answers `duplicate` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from shared.core.application import change_feed, sync_review
from shared.core.application.access import require, require_office_role, visible_well_ids
from shared.core.application.clock import Clock, utc_now
from shared.core.application.sync_apply import (
    BatchContext,
    check_target,
    clock_skew_s,
    duplicate_outcome,
    stored_event,
)
from shared.core.application.sync_effects import apply_effect
from shared.core.application.sync_errors import BatchTooLargeError
from shared.core.application.sync_review import ConflictDetail, Resolution
from shared.core.domain.field_events import (
    Device,
    EventOutcome,
    FieldEvent,
    IncomingEvent,
    InvalidEvent,
    OutcomeStatus,
)
from shared.core.domain.roles import Permission
from shared.core.domain.tenants import Tenant
from shared.core.domain.users import Actor
from shared.core.errors import ConflictError, InputError
from shared.core.ports.databases import TenantDatabases
from shared.core.ports.pages import Page
from shared.core.ports.sync import Conflict, ConflictQuery, StoredEvent

MAX_INLINE_EVENTS = 500
MAX_INLINE_BYTES = 1024 * 1024


class SyncService:
    def __init__(self, databases: TenantDatabases, clock: Clock = utc_now) -> None:
        self._databases = databases
        self._clock = clock

    def check_inline(self, actor: Actor, events: int, body_bytes: int) -> None:
        """Permission first, then the inline limits (bigger batches are for jobs)."""
        require(actor, Permission.FIELD_DATA_WRITE)
        if events > MAX_INLINE_EVENTS or body_bytes > MAX_INLINE_BYTES:
            raise BatchTooLargeError(events, body_bytes, MAX_INLINE_EVENTS, MAX_INLINE_BYTES)

    def apply_batch(
        self, tenant: Tenant, actor: Actor, device: Device, events: Sequence[IncomingEvent]
    ) -> list[EventOutcome]:
        """Apply `events` in device-sequence order; the outcomes come back in input order."""
        require(actor, Permission.FIELD_DATA_WRITE)
        ctx, seen = self._start(tenant, actor, device, events)
        order = sorted(range(len(events)), key=lambda i: (events[i].device_seq, i))
        outcomes: dict[int, EventOutcome] = {}
        for index in order:
            outcomes[index] = self._apply(ctx, events[index], seen)
        return [outcomes[index] for index in range(len(events))]

    def _start(
        self, tenant: Tenant, actor: Actor, device: Device, events: Sequence[IncomingEvent]
    ) -> tuple[BatchContext, dict[str, StoredEvent]]:
        """The batch's context, and the events of it that arrived before (one query)."""
        received_at = self._clock()
        ids = [event.id for event in events if isinstance(event, FieldEvent)]
        with self._databases.unit_of_work(tenant) as uow:
            visible = visible_well_ids(uow, actor)
            seen = {stored.id: stored for stored in uow.sync_events.get_many(ids)}
        skew = clock_skew_s(device, received_at)
        return BatchContext(tenant, actor, device, received_at, skew, visible, self._clock), seen

    def _apply(
        self, ctx: BatchContext, event: IncomingEvent, seen: dict[str, StoredEvent]
    ) -> EventOutcome:
        if isinstance(event, InvalidEvent):
            return _rejected(event.event_id, event.field, event.reason)
        if event.id in seen:
            return duplicate_outcome(seen[event.id], event)
        try:
            return self._apply_valid(ctx, event)
        except InputError as exc:
            return _rejected(event.id, exc.field, exc.reason)
        except ConflictError as exc:
            return self._after_race(ctx, event, exc)

    def _apply_valid(self, ctx: BatchContext, event: FieldEvent) -> EventOutcome:
        """One event, one transaction. An event stored meanwhile (a concurrent retry, or
        the same id twice in a batch) fails on its primary key: see _after_race."""
        with self._databases.unit_of_work(ctx.tenant) as uow:
            well = uow.sync_events.lock("well", event.well_id)
            check_target(uow, ctx, event, well)
            outcome = apply_effect(uow, ctx, event)
            uow.sync_events.add(stored_event(ctx, event, outcome))
            uow.commit()
            return outcome

    def _after_race(
        self, ctx: BatchContext, event: FieldEvent, error: ConflictError
    ) -> EventOutcome:
        """The same event committed by a concurrent request first: answer as a duplicate."""
        with self._databases.unit_of_work(ctx.tenant) as uow:
            stored = uow.sync_events.get(event.id)
        if stored is None:
            raise error
        return duplicate_outcome(stored, event)

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


def _rejected(event_id: str | None, field: str, reason: str) -> EventOutcome:
    return EventOutcome(event_id, OutcomeStatus.REJECTED, reason=f"{field}: {reason}")
