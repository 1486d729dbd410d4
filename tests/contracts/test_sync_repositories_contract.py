"""Field sync's repositories' contract: the event log, the conflict queue, big-batch jobs
and field records, on PostgreSQL, MariaDB/MySQL and the in-memory twin."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, timedelta

import pytest

from shared.adapters.memory.tenant_data import MemoryTenantDatabases
from shared.core.common.errors import ConflictError
from shared.core.common.units_of_work import AuditEntry
from shared.core.sync.model.field_events import (
    ChecklistResult,
    EventOutcome,
    OutcomeStatus,
    Rule,
    TankGauge,
)
from shared.core.sync.model.field_records import (
    CurrentReading,
    FieldNote,
    FieldPhoto,
    FieldReading,
    Inspection,
    Origin,
    ProductionLog,
)
from shared.core.sync.ports import (
    Conflict,
    ConflictQuery,
    JobOutcome,
    JobStatus,
    StoredEvent,
    SyncJob,
    SyncUnitOfWork,
)
from shared.core.wells.model.records import Equipment, Well
from tests.contracts.test_wells_repositories_contract import NOW, _aware, _sql
from tests.functional.people import tenant

OpenUnitOfWork = Callable[[], SyncUnitOfWork]


@pytest.fixture(params=["memory", "postgresql", pytest.param("mysql", marks=pytest.mark.mysql)])
def open_uow(request: pytest.FixtureRequest) -> Iterator[OpenUnitOfWork]:
    if request.param == "memory":
        databases, of = MemoryTenantDatabases(), tenant()
        yield lambda: databases.unit_of_work(of)
        return
    fixture = "fresh_pg_database" if request.param == "postgresql" else "mysql_database"
    yield from _sql(request, fixture)  # type: ignore[misc]


def _new_well(open_uow: OpenUnitOfWork, deleted: bool = False) -> str:
    well_id = str(uuid.uuid4())
    with open_uow() as uow:
        uow.wells.add(
            Well(
                id=well_id,
                name=f"W-{well_id[:6]}",
                well_type="OIL",
                status="PRODUCING",
                created_at=NOW,
                updated_at=NOW,
                deleted_at=NOW if deleted else None,
            )
        )
        uow.commit()
    return well_id


def _event(well_id: str, seq: int, **changes: object) -> StoredEvent:
    event = StoredEvent(
        id=str(uuid.uuid4()),
        device_id="dev-1",
        device_seq=seq,
        device_platform="android",
        app_version="1.0",
        type="NOTE_ADDED",
        schema_version=1,
        well_id=well_id,
        equipment_id=None,
        occurred_at=NOW,
        received_at=NOW + timedelta(seconds=5),
        clock_skew_s=0.5,
        recorded_by_id="u-1",
        recorded_by_email="op@acme.test",
        payload={"text": "Leak at the stuffing box"},
        content_hash="h" * 64,
        status="applied",
    )
    return replace(event, **changes)  # type: ignore[arg-type]


EVENT_IDS = (str(uuid.uuid4()), str(uuid.uuid4()))


def _conflict(well_id: str, slot: str, minutes: int, status: str = "open") -> Conflict:
    at = NOW + timedelta(minutes=minutes)
    return Conflict(
        id=str(uuid.uuid4()),
        event_type="PRODUCTION_LOGGED",
        well_id=well_id,
        slot_key=slot,
        rule="manual_review",
        status=status,
        event_ids=EVENT_IDS,
        created_at=at,
        updated_at=at,
    )


def test_the_event_log_keeps_events_once(open_uow: OpenUnitOfWork) -> None:
    well_id = _new_well(open_uow)
    events = [_event(well_id, n) for n in range(3)]
    with open_uow() as uow:
        uow.sync_events.add_many(events)
        uow.commit()
    with open_uow() as uow:
        found = uow.sync_events.get_many([events[0].id, events[2].id, str(uuid.uuid4())])
        one = uow.sync_events.get(events[1].id)
        assert uow.sync_events.get(str(uuid.uuid4())) is None
    assert sorted(e.id for e in found) == sorted([events[0].id, events[2].id])
    assert one is not None
    assert replace(one, occurred_at=_aware(one.occurred_at)) == replace(
        events[1], received_at=one.received_at
    )
    with pytest.raises(ConflictError), open_uow() as uow, uow.savepoint():
        uow.sync_events.add_many([events[0]])


def _new_equipment(open_uow: OpenUnitOfWork, well_id: str) -> str:
    pump = Equipment(
        id=str(uuid.uuid4()),
        tag="P-1",
        equipment_type="ROD_PUMP",
        well_id=well_id,
        status="ACTIVE",
        created_at=NOW,
        updated_at=NOW,
    )
    with open_uow() as uow:
        uow.equipment.add(pump)
        uow.commit()
    return pump.id


def test_locking_finds_live_wells_and_equipment_only(open_uow: OpenUnitOfWork) -> None:
    live, deleted = _new_well(open_uow), _new_well(open_uow, deleted=True)
    pump_id = _new_equipment(open_uow, live)
    with open_uow() as uow:
        wells = uow.sync_events.lock_wells({live, deleted, str(uuid.uuid4())})
        equipment = uow.sync_events.lock_equipment({pump_id, str(uuid.uuid4())})
        nothing = uow.sync_events.lock_wells(set())
    assert list(wells) == [live] and wells[live].id == live
    assert list(equipment) == [pump_id] and equipment[pump_id].well_id == live
    assert nothing == {}


def test_conflicts_are_found_by_slot_listed_and_resolved_once(open_uow: OpenUnitOfWork) -> None:
    well_id = _new_well(open_uow)
    older, newer = _conflict(well_id, "day/1", 1), _conflict(well_id, "day/1", 2)
    other = _conflict(well_id, "day/2", 3, status="resolved")
    with open_uow() as uow:
        uow.conflicts.add(older)
        uow.conflicts.add_many([newer, other])
        uow.commit()
    with open_uow() as uow:
        newest = uow.conflicts.find_slot("day/1", ["open"])
        none = uow.conflicts.find_slot("day/2", ["open"])
        slots = uow.conflicts.in_slots(["day/1", "day/2", "day/3"])
        page = uow.conflicts.list(ConflictQuery(status="open", limit=1))
        resolved = replace(
            older, status="resolved", winner_event_id=EVENT_IDS[0], resolution={"x": 1}
        )
        first = uow.conflicts.update(resolved, "open")
        second = uow.conflicts.update(resolved, "open")
        uow.commit()
    assert newest is not None and newest.id == newer.id and none is None
    assert len(slots) == 3
    assert [c.id for c in page.items] == [older.id] and page.total == 2
    assert (first, second) == (True, False)
    with open_uow() as uow:
        stored = uow.conflicts.get(older.id)
    assert stored is not None and stored.status == "resolved"
    assert stored.event_ids == EVENT_IDS and stored.resolution == {"x": 1}


def _job(minutes: int) -> SyncJob:
    at = NOW + timedelta(minutes=minutes)
    return SyncJob(
        id=str(uuid.uuid4()),
        status=JobStatus.QUEUED,
        blob_key=f"sync-jobs/{minutes}.json",
        device_id="dev-1",
        submitted_by_id="u-1",
        submitted_by_email="op@acme.test",
        total_events=10,
        created_at=at,
        updated_at=at,
    )


def test_jobs_advance_chunk_by_chunk_and_are_requeued_once(open_uow: OpenUnitOfWork) -> None:
    early, late = _job(0), _job(30)
    with open_uow() as uow:
        uow.sync_jobs.add(early)
        uow.sync_jobs.add(late)
        uow.commit()
    later = NOW + timedelta(hours=1)
    with open_uow() as uow:
        stale = uow.sync_jobs.stale_queued(NOW + timedelta(minutes=10), 10)
        marked = uow.sync_jobs.mark_requeued(early.id, NOW + timedelta(minutes=10), later)
        again = uow.sync_jobs.mark_requeued(early.id, NOW + timedelta(minutes=10), later)
        advanced = uow.sync_jobs.advance(late.id, 0, 5, later)
        repeated = uow.sync_jobs.advance(late.id, 0, 5, later)
        started = replace(late, status=JobStatus.RUNNING, started_at=later, done_events=99)
        uow.sync_jobs.update(started)
        uow.commit()
    assert [j.id for j in stale] == [early.id]
    assert (marked, again, advanced, repeated) == (True, False, True, False)
    with open_uow() as uow:
        job = uow.sync_jobs.get(late.id)
        requeued = uow.sync_jobs.get(early.id)
    assert job is not None and (job.status, job.chunks_done, job.done_events) == (
        JobStatus.RUNNING,
        1,
        5,
    )
    assert requeued is not None and _aware(requeued.updated_at) == later


def test_a_jobs_outcomes_are_paged_in_order_and_counted(open_uow: OpenUnitOfWork) -> None:
    job = _job(0)
    outcomes = [JobOutcome(n, EventOutcome(f"e-{n}", OutcomeStatus.APPLIED)) for n in range(3)] + [
        JobOutcome(
            3, EventOutcome("e-3", OutcomeStatus.CONFLICT, str(uuid.uuid4()), Rule.MANUAL_REVIEW)
        ),
        JobOutcome(4, EventOutcome(None, OutcomeStatus.REJECTED, reason="x" * 2000)),
    ]
    with open_uow() as uow:
        uow.sync_jobs.add(job)
        uow.sync_jobs.add_outcomes(job.id, outcomes[:2])
        uow.sync_jobs.add_outcomes(job.id, outcomes[2:])
        uow.commit()
    with open_uow() as uow:
        page = uow.sync_jobs.outcomes(job.id, 2, 2)
        last = uow.sync_jobs.outcomes(job.id, 10, 4).items
        counts = uow.sync_jobs.counts(job.id)
    assert [o.position for o in page.items] == [2, 3] and page.total == 5
    assert page.items[1] == outcomes[3]
    assert last[0].outcome.reason == "x" * 1000
    assert counts == {"applied": 3, "conflict": 1, "rejected": 1}


def _origin(well_id: str, event_id: str, minutes: int) -> Origin:
    return Origin(
        event_id=event_id,
        well_id=well_id,
        occurred_at=NOW + timedelta(minutes=minutes),
        device_id="dev-1",
        recorded_by="op@acme.test",
    )


def _log(well_id: str, event_id: str, n: int, day: date) -> ProductionLog:
    gauges = (TankGauge("T1", 8.5, None),) if n else ()
    return ProductionLog(
        **_origin(well_id, event_id, n),
        oil_bbl=10.0 + n,
        gas_mcf=None,
        water_bbl=None,
        hours_on=None,
        production_date=day,
        tank_gauges=gauges,
        is_winner=False,
    )


def test_field_records_are_appended_and_read_by_their_keys(open_uow: OpenUnitOfWork) -> None:
    well_id, day = _new_well(open_uow), date(2026, 2, 27)
    e1, e2, e3 = (str(uuid.uuid4()) for _ in range(3))
    reading = FieldReading(
        **_origin(well_id, e1, 0), equipment_id=None, tag="tp", value=120.0, unit="psi"
    )
    photo = FieldPhoto(
        **_origin(well_id, e2, 1), blob_key="b/1.jpg", content_type="image/jpeg", caption=None
    )
    with open_uow() as uow:
        uow.field_records.add_readings([reading])
        uow.field_records.add_production_logs(
            [_log(well_id, e, n, day) for n, e in enumerate((e2, e3))]
        )
        uow.field_records.add_notes([FieldNote(**_origin(well_id, e1, 5), text="Leak")])
        uow.field_records.add_photos(
            [
                photo,
                replace(
                    photo, event_id=e3, occurred_at=NOW + timedelta(minutes=2), blob_key="b/2.jpg"
                ),
            ]
        )
        uow.field_records.set_production_flags({e3: True})
        uow.commit()
    with open_uow() as uow:
        readings = uow.field_records.readings_at([(well_id, "tp", NOW)])
        missed = uow.field_records.readings_at([(well_id, "tp", NOW + timedelta(seconds=1))])
        logs = uow.field_records.production_logs([(well_id, day)])
        notes = uow.field_records.notes_for(well_id, 10)
        photos = uow.field_records.photos_for(well_id, 10)
        linked = uow.field_records.photo_linked(well_id, "b/1.jpg")
        unlinked = uow.field_records.photo_linked(well_id, "b/9.jpg")
    assert readings == [reading] and missed == []
    assert {r.event_id: r.is_winner for r in logs} == {e2: False, e3: True}
    assert [r.tank_gauges for r in sorted(logs, key=lambda r: r.oil_bbl or 0)] == [
        (),
        (TankGauge("T1", 8.5, None),),
    ]
    assert [n.text for n in notes] == ["Leak"]
    assert [p.blob_key for p in photos] == ["b/2.jpg", "b/1.jpg"]
    assert (linked, unlinked) == (True, False)


def test_inspections_keep_their_checklist_and_change_status(open_uow: OpenUnitOfWork) -> None:
    well_id, day = _new_well(open_uow), date(2026, 2, 27)
    equipment_id = _new_equipment(open_uow, well_id)
    first, second = (str(uuid.uuid4()) for _ in range(2))
    inspection = Inspection(
        **_origin(well_id, first, 0),
        id=first,
        equipment_id=equipment_id,
        inspection_date=day,
        checklist=(ChecklistResult("belt", True, None), ChecklistResult("oil", False, "low")),
        passed=False,
        notes="check again",
        status="applied",
    )
    merged = replace(inspection, event_id=None, id=second, occurred_at=NOW + timedelta(hours=1))
    with open_uow() as uow:
        uow.field_records.add_inspections([inspection, merged])
        uow.field_records.set_inspection_status([first], "superseded")
        uow.commit()
    with open_uow() as uow:
        found = uow.field_records.inspections_for([(equipment_id, day)])
        by_id = uow.field_records.inspections_by_ids([second])
    assert found == [replace(inspection, status="superseded"), merged]
    assert by_id == [merged]


def test_current_readings_are_replaced_per_tag(open_uow: OpenUnitOfWork) -> None:
    well_id = _new_well(open_uow)
    first, second = (str(uuid.uuid4()) for _ in range(2))
    current = CurrentReading(
        **_origin(well_id, first, 0),
        equipment_id=None,
        tag="tp",
        value=120.0,
        unit="psi",
        updated_at=NOW,
    )
    newer = replace(current, event_id=second, value=125.5, occurred_at=NOW + timedelta(minutes=9))
    with open_uow() as uow:
        uow.field_records.put_current_readings([current])
        uow.commit()
    with open_uow() as uow:
        uow.field_records.put_current_readings([newer])
        uow.commit()
    with open_uow() as uow:
        found = uow.field_records.current_readings([(well_id, "tp"), (well_id, "cp")])
    assert found == [newer]


def test_a_batchs_audit_entries_join_the_audit_log(open_uow: OpenUnitOfWork) -> None:
    entry = AuditEntry(
        action="production.synced",
        entity="production",
        entity_id="w/2026-02-27",
        actor_id="u-1",
        actor_email="op@acme.test",
        at=NOW,
        before=None,
        after={"oil_bbl": 12.5, "production_date": date(2026, 2, 27)},
        request_id="req-9",
    )
    with open_uow() as uow:
        uow.field_records.append_audits([entry, replace(entry, entity_id="w/2026-02-28")])
        uow.commit()
    with open_uow() as uow:
        [found] = uow.audit.list("production", "w/2026-02-27", 10)
    assert (found.action, found.request_id, found.at) == ("production.synced", "req-9", NOW)
    assert found.after == {"oil_bbl": 12.5, "production_date": "2026-02-27"}
