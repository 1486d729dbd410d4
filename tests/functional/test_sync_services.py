"""Field sync's services over the in-memory tenant database: batches and their outcomes,
the change feed, the review queue and big-batch jobs."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from shared.adapters.memory.blobs import InMemoryBlobStore
from shared.adapters.memory.queue import InMemoryQueue
from shared.adapters.memory.tenant_data import MemoryTenantDatabases
from shared.adapters.metrics.local import LocalMetrics
from shared.core.common.actor import Actor
from shared.core.common.errors import InputError, NotFoundError, PermissionDeniedError
from shared.core.common.roles import Role
from shared.core.ports.metrics import SYNC_EVENTS, Unit
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.model.users import User, UserStatus
from shared.core.sync.errors import BatchTooLargeError, ConflictAlreadyResolvedError
from shared.core.sync.model.field_events import (
    ChecklistResult,
    Device,
    EquipmentInspected,
    EventType,
    FieldEvent,
    NoteAdded,
    OutcomeStatus,
    Payload,
    ProductionLogged,
    ReadingRecorded,
)
from shared.core.sync.ports import ConflictQuery, JobStatus
from shared.core.sync.services.field_sync import SyncService
from shared.core.sync.services.jobs import SYNC_JOBS_QUEUE, ParsedBatch, SyncJobService
from shared.core.sync.services.review import Resolution
from shared.core.wells.ports import TimelineKind, TimelineQuery
from shared.core.wells.services.activity import WellActivityService
from shared.core.wells.services.catalog import EQUIPMENT, CatalogService
from shared.core.wells.services.production import ProductionService
from shared.core.wells.services.wells import WellService
from tests.functional.people import START, Clock, actor, tenant

DEVICE = Device("tablet-7", "android", "3.2.0", START)


class Master:
    """The master database, as far as sync asks: tenants by slug, users by id."""

    def __init__(self, of: Tenant) -> None:
        self.tenant = of
        self.users: dict[str, User] = {}

    def add(self, who: Actor) -> None:
        self.users[who.user_id] = User(
            who.user_id, self.tenant.id, who.email, "", who.role, UserStatus.ACTIVE, ""
        )

    @contextmanager
    def unit_of_work(self) -> Iterator[SimpleNamespace]:
        tenants = SimpleNamespace(
            list=lambda: [self.tenant],
            get_by_slug=lambda slug: self.tenant if slug == self.tenant.slug else None,
        )
        users = SimpleNamespace(get=lambda tenant_id, user_id: self.users.get(user_id))
        yield SimpleNamespace(tenants=tenants, users=users)


@dataclass
class Site:
    tenant: Tenant
    master: Master
    clock: Clock
    databases: MemoryTenantDatabases
    sync: SyncService
    jobs: SyncJobService
    queue: InMemoryQueue
    production: ProductionService
    activity: WellActivityService
    operator: Actor
    manager: Actor
    well_id: str
    pump_id: str


@pytest.fixture
def site() -> Site:
    of, clock, databases = tenant(), Clock(), MemoryTenantDatabases()
    master, blobs, queue = Master(of), InMemoryBlobStore(), InMemoryQueue()
    sync = SyncService(databases, clock, blobs)
    operator, manager = actor(of, Role.FIELD_OPERATOR), actor(of, Role.MANAGER)
    for who in (operator, manager):
        master.add(who)
    wells = WellService(databases, master, clock)  # type: ignore[arg-type]
    well = wells.create(of, manager, {"name": "Smith 1H", "well_type": "OIL"})
    wells.assign(of, manager, well.id, operator.user_id)
    pump = CatalogService(databases, clock).create(
        EQUIPMENT, of, manager, {"tag": "P-1", "equipment_type": "ROD_PUMP", "well_id": well.id}
    )
    return Site(
        tenant=of,
        master=master,
        clock=clock,
        databases=databases,
        sync=sync,
        jobs=SyncJobService(master, databases, sync, blobs, queue, clock, chunk_events=2),  # type: ignore[arg-type]
        queue=queue,
        production=ProductionService(databases, clock),
        activity=WellActivityService(databases),
        operator=operator,
        manager=manager,
        well_id=well.id,
        pump_id=pump.id,
    )


def _event(
    site: Site, seq: int, kind: EventType, payload: Payload, minutes: int = 0, **more: Any
) -> FieldEvent:
    return FieldEvent(
        id=str(uuid.uuid4()),
        device_seq=seq,
        type=kind.value,
        well_id=more.pop("well_id", site.well_id),
        occurred_at=START - timedelta(hours=1) + timedelta(minutes=minutes),
        payload=payload,
        **more,
    )


def _note(site: Site, seq: int, text: str = "Stuffing box leaks", **more: Any) -> FieldEvent:
    return _event(site, seq, EventType.NOTE_ADDED, NoteAdded(text), **more)


def _inspection(site: Site, seq: int, passed: bool, minutes: int) -> FieldEvent:
    checklist = (ChecklistResult("belts", passed),)
    payload = EquipmentInspected(checklist, passed)
    return _event(
        site, seq, EventType.EQUIPMENT_INSPECTED, payload, minutes, equipment_id=site.pump_id
    )


def _statuses(outcomes: list[Any]) -> list[str]:
    return [o.status.value for o in outcomes]


# --- batches ----------------------------------------------------------------------------


def test_a_batch_applies_once_and_lands_where_the_office_reads(site: Site) -> None:
    day = START.date() - timedelta(days=1)
    events = [
        _note(site, 1),
        _event(site, 2, EventType.WELL_READING_RECORDED, ReadingRecorded("tp", 120.0, "psi")),
        _event(
            site,
            3,
            EventType.PRODUCTION_LOGGED,
            ProductionLogged(day, oil_bbl=42.0, gas_mcf=80.0, water_bbl=5.0, hours_on=24.0),
        ),
    ]
    outcomes = site.sync.apply_batch(site.tenant, site.operator, DEVICE, events)
    assert _statuses(outcomes) == ["applied"] * 3
    again = site.sync.apply_batch(site.tenant, site.operator, DEVICE, events)
    assert _statuses(again) == ["duplicate"] * 3
    assert [o.first_status for o in again] == [OutcomeStatus.APPLIED] * 3
    daily = site.production.get_day(site.tenant, site.manager, site.well_id, day)
    assert (daily.oil_bbl, daily.updated_by) == (42.0, site.operator.email)
    with site.databases.unit_of_work(site.tenant) as uow:
        audited = uow.audit.list("production", f"{site.well_id}/{day}", 10)
    assert [e.action for e in audited] == ["production.synced"]
    query = TimelineQuery(site.well_id, frozenset(TimelineKind), None, None, 10)
    timeline = site.activity.timeline(site.tenant, site.manager, query)
    assert {e.kind for e in timeline} == {TimelineKind.NOTE, TimelineKind.READING}


def test_a_lower_field_log_never_lowers_the_days_production(site: Site) -> None:
    day = START.date() - timedelta(days=1)
    high = ProductionLogged(day, oil_bbl=50.0, gas_mcf=None, water_bbl=None, hours_on=24.0)
    low = ProductionLogged(day, oil_bbl=30.0, gas_mcf=None, water_bbl=None, hours_on=24.0)
    site.sync.apply_batch(
        site.tenant, site.operator, DEVICE, [_event(site, 1, EventType.PRODUCTION_LOGGED, high)]
    )
    site.sync.apply_batch(
        site.tenant, site.operator, DEVICE, [_event(site, 2, EventType.PRODUCTION_LOGGED, low)]
    )
    daily = site.production.get_day(site.tenant, site.manager, site.well_id, day)
    assert daily.oil_bbl == 50.0


def test_events_for_wells_out_of_reach_are_rejected_one_by_one(site: Site) -> None:
    elsewhere = WellService(site.databases, site.master, site.clock).create(  # type: ignore[arg-type]
        site.tenant, site.manager, {"name": "Jones 1", "well_type": "GAS"}
    )
    events = [
        _note(site, 1),
        _note(site, 2, well_id=str(uuid.uuid4())),
        _note(site, 3, well_id=elsewhere.id),
        _event(site, 4, EventType.PRODUCTION_LOGGED, ProductionLogged(
            START.date() + timedelta(days=2), 1.0, None, None, None
        )),
    ]  # fmt: skip
    outcomes = site.sync.apply_batch(site.tenant, site.operator, DEVICE, events)
    assert _statuses(outcomes) == ["applied", "rejected", "rejected", "rejected"]
    assert all(o.reason for o in outcomes[1:])


def test_only_the_field_syncs_and_big_batches_go_to_jobs(site: Site) -> None:
    viewer = actor(site.tenant, Role.VIEWER)
    with pytest.raises(PermissionDeniedError):
        site.sync.apply_batch(site.tenant, viewer, DEVICE, [_note(site, 1)])
    assert site.sync.needs_job(site.operator, 10, 1000) is False
    assert site.sync.needs_job(site.operator, 501, 1000) is True
    with pytest.raises(BatchTooLargeError):
        site.sync.needs_job(site.operator, 100_001, 1000)


# --- the change feed --------------------------------------------------------------------


def test_devices_pull_the_changes_after_their_cursor(site: Site) -> None:
    start = site.sync.cursor(site.tenant, site.operator)
    site.production.put_day(
        site.tenant, site.manager, site.well_id, START.date(), {"oil_bbl": 12.0}
    )
    page = site.sync.pull_changes(site.tenant, site.operator, start, 50)
    assert [item.entity for item in page.items] == ["production"]
    assert page.has_more is False
    after = site.sync.pull_changes(site.tenant, site.operator, page.cursor, 50)
    assert after.items == [] and after.cursor == page.cursor
    with pytest.raises(InputError):
        site.sync.pull_changes(site.tenant, site.operator, "not-a-cursor", 50)


# --- the review queue -------------------------------------------------------------------


def test_two_inspections_of_a_day_wait_for_review_and_are_resolved_once(site: Site) -> None:
    first, second = _inspection(site, 1, True, 0), _inspection(site, 2, False, 5)
    outcomes = site.sync.apply_batch(site.tenant, site.operator, DEVICE, [first, second])
    assert _statuses(outcomes) == ["applied", "conflict"]
    queue = site.sync.list_conflicts(site.tenant, site.manager, ConflictQuery(status="open"))
    [conflict] = queue.items
    assert set(conflict.event_ids) == {first.id, second.id}
    detail = site.sync.get_conflict(site.tenant, site.manager, conflict.id)
    assert detail.conflict.id == conflict.id
    resolved = site.sync.resolve_conflict(
        site.tenant, site.manager, conflict.id, Resolution("the second is right", second.id)
    )
    assert resolved.conflict.status == "resolved"
    assert resolved.conflict.winner_event_id == second.id
    with pytest.raises(ConflictAlreadyResolvedError):
        site.sync.resolve_conflict(
            site.tenant, site.manager, conflict.id, Resolution("again", first.id)
        )


def test_the_review_queue_is_the_offices(site: Site) -> None:
    with pytest.raises(PermissionDeniedError):
        site.sync.list_conflicts(site.tenant, site.operator, ConflictQuery())
    with pytest.raises(NotFoundError):
        site.sync.get_conflict(site.tenant, site.manager, str(uuid.uuid4()))


# --- big-batch jobs ---------------------------------------------------------------------


def _parser(events: list[FieldEvent]) -> Any:
    """The API's wire format is the API's business: the job's blob names the batch here."""

    def parse(raw: bytes) -> ParsedBatch:
        if json.loads(raw) != {"events": len(events)}:
            raise InputError("body", "not this batch")
        return ParsedBatch(DEVICE, list(events))

    return parse


def test_a_job_is_queued_applied_in_chunks_and_reported(site: Site) -> None:
    events = [_note(site, n, f"note {n}") for n in range(5)]
    raw = json.dumps({"events": len(events)}).encode()
    job = site.jobs.submit(site.tenant, site.operator, DEVICE.id, raw, len(events))
    assert job.status is JobStatus.QUEUED
    [message] = site.queue.receive(SYNC_JOBS_QUEUE, 10, 30)
    assert site.jobs.run(message.body, _parser(events)) is JobStatus.DONE
    report = site.jobs.report(site.tenant, site.operator, job.id, 10, 0)
    assert (report.job.status, report.job.chunks_done, report.job.done_events) == (
        JobStatus.DONE,
        3,
        5,
    )
    assert report.counts == {"applied": 5}
    assert [o.position for o in report.outcomes.items] == list(range(5))
    assert site.jobs.run(message.body, _parser(events)) is JobStatus.DONE  # redelivered
    with pytest.raises(NotFoundError):
        site.jobs.report(site.tenant, actor(site.tenant, Role.FIELD_OPERATOR), job.id, 10, 0)


def test_a_job_that_cannot_be_read_fails_and_a_stranger_message_is_dropped(site: Site) -> None:
    job = site.jobs.submit(site.tenant, site.operator, DEVICE.id, b"[]", 1)
    [message] = site.queue.receive(SYNC_JOBS_QUEUE, 10, 30)
    assert site.jobs.run(message.body, _parser([])) is JobStatus.FAILED
    report = site.jobs.report(site.tenant, site.manager, job.id, 10, 0)
    assert report.job.error and "cannot be read" in report.job.error
    assert site.jobs.run(b"not json", _parser([])) is None


def test_jobs_left_queued_are_sent_again(site: Site) -> None:
    site.jobs.submit(site.tenant, site.operator, DEVICE.id, b"{}", 1)
    site.queue.receive(SYNC_JOBS_QUEUE, 10, 30)  # taken and lost
    assert site.jobs.requeue_stale(timedelta(minutes=10)) == 0
    site.clock.advance(minutes=11)
    assert site.jobs.requeue_stale(timedelta(minutes=10)) == 1
    assert site.jobs.requeue_stale(timedelta(minutes=10)) == 0


def test_each_batch_counts_its_outcomes_for_the_tenant(site: Site) -> None:
    metrics = LocalMetrics()
    sync = SyncService(site.databases, site.clock, metrics=metrics)
    first, second = _inspection(site, 1, True, 0), _inspection(site, 2, False, 5)
    events = [_note(site, 3), _note(site, 4, well_id=str(uuid.uuid4())), first, second]
    # WHEN a batch applies a note, rejects one, applies an inspection and conflicts on another
    sync.apply_batch(site.tenant, site.operator, DEVICE, events)
    # THEN `sync.events` counts each outcome for the tenant, zeros included
    counts = {m.dimensions["outcome"]: m.value for m in metrics.named(SYNC_EVENTS)}
    assert counts == {"applied": 2.0, "duplicate": 0.0, "conflict": 1.0, "rejected": 1.0}
    assert {m.dimensions["tenant"] for m in metrics.named(SYNC_EVENTS)} == {site.tenant.slug}
    assert {m.unit for m in metrics.named(SYNC_EVENTS)} == {Unit.COUNT}
