"""The operations stores' contract: one suite, run against the in-memory twin and the SQL
stores on a migrated PostgreSQL tenant database, so the fakes the functional tier uses
cannot drift from what the database does."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from shared.adapters.memory.operations import (
    STORE,
    MemoryOperationsDatabases,
    OperationsData,
)
from shared.adapters.sql import tenant_tables as t
from shared.adapters.sql.operations.afes import SqlAfeStore
from shared.adapters.sql.operations.documents import SqlDocumentStore
from shared.adapters.sql.operations.incidents import SqlIncidentStore
from shared.adapters.sql.operations.permits import SqlPermitStore
from shared.adapters.sql.operations.store import SqlAlarmStore, SqlWorkOrderStore
from shared.adapters.sql.operations.well_tests import SqlWellTestStore
from shared.adapters.sql.provisioning import SqlTenantProvisioner
from shared.adapters.sql.urls import normalize_url
from shared.core.analytics.ports import NewAlert
from shared.core.operations.model import work_orders as wo
from shared.core.operations.model.afe import Afe, AfeStatus, EstimateLine
from shared.core.operations.model.alarm_rules import AlarmKind, AlarmRule, TagSelector
from shared.core.operations.model.incidents import Incident, IncidentKind, Location
from shared.core.operations.model.permits import Condition, Permit, PermitStatus, PermitType
from shared.core.operations.model.well_tests import WellTest
from shared.core.operations.ports import (
    AfeStore,
    AlarmStore,
    DocumentStore,
    IncidentStore,
    PermitStore,
    WellTestStore,
    WorkOrderQuery,
    WorkOrderStore,
)
from shared.core.registry.model.tenants import DatabaseKind, Tenant, TenantStatus

NOW = datetime(2026, 11, 3, 12, tzinfo=UTC)
TENANT = Tenant(
    str(uuid.uuid4()), "acme", "Acme", TenantStatus.ACTIVE, "standard",
    DatabaseKind.POSTGRESQL, "unused", "local", "local",
)  # fmt: skip


@dataclass
class Stores:
    alarms: AlarmStore
    work_orders: WorkOrderStore
    afes: AfeStore
    permits: PermitStore
    well_tests: WellTestStore
    incidents: IncidentStore
    documents: DocumentStore
    well_id: str
    other_well: str
    lease_id: str


def _catalog() -> dict[str, Any]:
    lease_id = str(uuid.uuid4())
    well = {
        "well_type": "OIL",
        "status": "PRODUCING",
        "is_horizontal": False,
        "lease_id": lease_id,
        "created_at": NOW,
        "updated_at": NOW,
    }
    return {
        "lease": {
            "id": lease_id,
            "lease_number": "L-1",
            "name": "Cole",
            "royalty_rate": 0.125,
            "status": "ACTIVE",
            "created_at": NOW,
            "updated_at": NOW,
        },
        "wells": [well | {"id": str(uuid.uuid4()), "name": f"Cole {n}"} for n in (1, 2)],
    }


@pytest.fixture(params=["memory", "postgresql"])
def stores(request: pytest.FixtureRequest) -> Iterator[Stores]:
    rows = _catalog()
    ids = {
        "well_id": rows["wells"][0]["id"],
        "other_well": rows["wells"][1]["id"],
        "lease_id": rows["lease"]["id"],
    }
    if request.param == "memory":
        databases = MemoryOperationsDatabases()
        with databases.unit_of_work(TENANT) as uow:
            data = uow.data(STORE, OperationsData)
            data.catalog.seed_lease(ids["lease_id"])
            for well in rows["wells"]:
                data.catalog.seed_well(well["id"], lease_id=ids["lease_id"])
            yield Stores(
                uow.alarms,
                uow.work_orders,
                uow.afes,
                uow.permits,
                uow.well_tests,
                uow.incidents,
                uow.documents,
                **ids,
            )
        return
    url = request.getfixturevalue("fresh_pg_database")
    SqlTenantProvisioner(normalize_url(url), "unused_").migrate(url)
    engine = sa.create_engine(normalize_url(url))
    try:
        with engine.connect() as c:
            c.execute(t.leases.insert(), [rows["lease"]])
            c.execute(t.wells.insert(), rows["wells"])
            yield Stores(
                SqlAlarmStore(c),
                SqlWorkOrderStore(c),
                SqlAfeStore(c),
                SqlPermitStore(c),
                SqlWellTestStore(c),
                SqlIncidentStore(c),
                SqlDocumentStore(c),
                **ids,
            )
            c.rollback()
    finally:
        engine.dispose()


def _rule(rule_id: str, high: float = 100.0) -> AlarmRule:
    return AlarmRule(
        rule_id, AlarmKind.LIMIT, TagSelector(signal_class="pressure"), high=high, name="hi"
    )


def test_alarm_rules_are_added_once_replaced_listed_by_id_and_deleted(stores: Stores) -> None:
    alarms = stores.alarms
    before = alarms.fingerprint()
    assert alarms.add_rule(_rule("b"), True, NOW)
    assert alarms.add_rule(_rule("a"), False, NOW)
    assert not alarms.add_rule(_rule("a", 5.0), True, NOW)
    assert alarms.fingerprint() != before
    assert [r.rule_id for r, _ in alarms.list_rules()] == ["a", "b"]
    assert [r.rule_id for r, _ in alarms.list_rules(enabled_only=True)] == ["b"]
    assert alarms.replace_rule(_rule("a", 7.0), True, NOW + timedelta(seconds=1))
    assert alarms.get_rule("a") == (_rule("a", 7.0), True)
    assert not alarms.replace_rule(_rule("zzz"), True, NOW)
    assert alarms.delete_rule("a") and not alarms.delete_rule("a")
    assert alarms.get_rule("a") is None


def test_the_evaluator_state_starts_empty_and_keeps_what_was_saved(stores: Stores) -> None:
    first = stores.alarms.lock_state()
    assert first.revision == 0 and first.data is None
    stores.alarms.save_state(1, {"episodes": {"x": 1}}, NOW)
    assert stores.alarms.lock_state().revision == 1
    assert stores.alarms.lock_state().data == {"episodes": {"x": 1}}


def _alert(well_id: str, key: str) -> NewAlert:
    return NewAlert(
        id=str(uuid.uuid4()),
        well_id=well_id,
        source="alarm",
        source_key=key,
        title="High pressure",
        severity="HIGH",
        details={"value": 1},
        created_at=NOW,
    )


def test_alarms_skip_source_keys_already_there(stores: Stores) -> None:
    alarms, well = stores.alarms, stores.well_id
    assert alarms.add_alarms([_alert(well, "k1"), _alert(well, "k2")]) == {"k1", "k2"}
    assert alarms.add_alarms([_alert(well, "k1"), _alert(well, "k3")]) == {"k3"}
    assert alarms.add_alarms([]) == set()
    assert alarms.alarm_details("k1") == {"value": 1}
    assert alarms.update_alarm_details("k1", {"value": 2})
    assert alarms.alarm_details("k1") == {"value": 2}
    assert not alarms.update_alarm_details("nope", {})
    assert alarms.alarm_details("nope") is None
    assert alarms.assigned_users([well]) == {}


def _order(well_id: str, minutes: int, **changes: Any) -> wo.WorkOrder:
    order = wo.WorkOrder(
        work_order_id=str(uuid.uuid4()),
        well_id=well_id,
        title="Replace pump",
        source=wo.Source(wo.SourceKind.MANUAL),
        priority=wo.Priority.HIGH,
        created_at=NOW + timedelta(minutes=minutes),
        parts=(wo.PartLine("P-1", Decimal("2"), Decimal("10.50"), "seal"),),
        history=(wo.StatusChange(wo.WorkOrderStatus.OPEN, NOW, "a@x.com", "made"),),
    )
    return replace(order, **changes)


def test_work_orders_save_only_at_their_revision(stores: Stores) -> None:
    store = stores.work_orders
    order = _order(stores.well_id, 0)
    assert store.add(order, NOW)
    assert store.get(order.work_order_id) == (order, 1)
    moved = replace(order, status=wo.WorkOrderStatus.SCHEDULED, assignee="bo@x.com")
    assert store.save(moved, 1, NOW)
    assert not store.save(moved, 1, NOW)  # a stale revision
    assert store.get(order.work_order_id) == (moved, 2)
    assert store.get("not-a-uuid") is None
    assert store.get(str(uuid.uuid4())) is None


def test_a_source_makes_one_work_order_and_lists_filter_newest_first(stores: Stores) -> None:
    store, well, other = stores.work_orders, stores.well_id, stores.other_well
    alert = wo.Source(wo.SourceKind.ALARM, "alert-1")
    first = _order(well, 0, source=alert, equipment_id="pump-1")
    assert store.add(first, NOW)
    assert not store.add(_order(well, 1, source=alert), NOW)
    assert store.by_source("alarm", "alert-1") == first
    assert store.by_source("alarm", "alert-2") is None
    second, third = _order(well, 2), _order(other, 3, status=wo.WorkOrderStatus.SCHEDULED)
    store.add(second, NOW)
    store.add(third, NOW)
    everything = WorkOrderQuery(None, None, None, 50, 0)
    orders, total = store.list(everything)
    assert total == 3 and [o.work_order_id for o in orders] == [
        third.work_order_id,
        second.work_order_id,
        first.work_order_id,
    ]
    page, total = store.list(replace(everything, limit=1, offset=1))
    assert total == 3 and page == [second]
    assert store.list(replace(everything, well_id=other))[1] == 1
    assert store.list(replace(everything, status="scheduled"))[0] == [third]
    assert store.list(replace(everything, visible_well_ids=frozenset({other})))[0] == [third]
    assert store.list(replace(everything, visible_well_ids=frozenset())) == ([], 0)
    assert list(store.with_equipment(None)) == [first]
    assert list(store.with_equipment(other)) == []


def _afe(number: str, minutes: int, lease_id: str | None = None) -> Afe:
    return Afe(
        afe_id=str(uuid.uuid4()),
        number=number,
        title="Drill",
        estimate=(EstimateLine("drilling", Decimal("1000.00"), "rig"),),
        created_at=NOW + timedelta(minutes=minutes),
        lease_id=lease_id,
    )


def test_afes_keep_numbers_unique_revisions_and_newest_first(stores: Stores) -> None:
    store = stores.afes
    first, second = _afe("AFE-1", 0, stores.lease_id), _afe("AFE-2", 1)
    assert store.add(first, NOW) and store.add(second, NOW)
    assert not store.add(_afe("AFE-1", 2), NOW)
    assert store.get(first.afe_id) == (first, 1)
    submitted = replace(first, status=AfeStatus.SUBMITTED, submitted_at=NOW)
    assert store.save(submitted, 1, NOW) and not store.save(submitted, 1, NOW)
    assert store.list(None, 10, 0) == ([second, submitted], 2)
    assert store.list("submitted", 10, 0) == ([submitted], 1)
    assert store.list(None, 1, 1) == ([submitted], 2)
    assert store.get("AFE-1") is None


def _permit(well_id: str | None, expires: date | None) -> Permit:
    return Permit(
        permit_id=str(uuid.uuid4()),
        permit_type=PermitType.DRILLING,
        agency="RRC",
        well_id=well_id,
        conditions=(Condition("Post sign", date(2026, 12, 1)),),
        expires_on=expires,
    )


def test_permits_list_by_expiry_with_the_undated_last(stores: Stores) -> None:
    store, well = stores.permits, stores.well_id
    late, soon, undated = (
        _permit(well, date(2027, 6, 1)),
        _permit(well, date(2027, 1, 1)),
        _permit(None, None),
    )
    for permit in (late, undated, soon):
        store.add(permit, NOW)
    assert store.list(None, 10, 0) == ([soon, late, undated], 3)
    assert store.list(well, 1, 0) == ([soon], 2)
    approved = replace(soon, status=PermitStatus.APPROVED, number="P-9")
    assert store.save(approved, 1, NOW) and not store.save(approved, 1, NOW)
    assert store.get(soon.permit_id) == (approved, 2)
    assert sorted(p.permit_id for p in store.all()) == sorted(
        p.permit_id for p in (late, soon, undated)
    )


def test_well_tests_of_wells_newest_first_until_a_time(stores: Stores) -> None:
    store, well, other = stores.well_tests, stores.well_id, stores.other_well

    def test(well_id: str, day: int) -> WellTest:
        start = NOW + timedelta(days=day)
        return WellTest(
            str(uuid.uuid4()),
            well_id,
            start,
            start + timedelta(hours=24),
            Decimal("10.5000"),
            Decimal("40.0000"),
            Decimal("2.0000"),
            "sep-1",
        )

    old, new, elsewhere = test(well, 0), test(well, 5), test(other, 1)
    for row in (old, new, elsewhere):
        store.add(row, NOW)
    assert list(store.of_wells([well], None)) == [new, old]
    assert list(store.of_wells([well, other], NOW + timedelta(days=3))) == [elsewhere, old]
    assert list(store.of_wells([], None)) == []


def test_incidents_newest_discovery_first_and_only_visible_wells(stores: Stores) -> None:
    store, well = stores.incidents, stores.well_id

    def incident(well_id: str | None, hours: int) -> Incident:
        at = NOW + timedelta(hours=hours)
        return Incident(
            str(uuid.uuid4()),
            IncidentKind.SPILL,
            at,
            at,
            Location("TX", "Reeves", well_id),
            "leak",
        )

    first, second = incident(well, 0), incident(None, 1)
    store.add(first, NOW)
    store.add(second, NOW)
    assert store.list(None, 10, 0) == ([second, first], 2)
    assert store.list(frozenset({well}), 10, 0) == ([first], 1)
    assert store.list(frozenset(), 10, 0) == ([], 0)
    changed = replace(first, cause="corrosion")
    assert store.save(changed, 1, NOW) and not store.save(changed, 1, NOW)
    assert store.get(first.incident_id) == (changed, 2)
    assert store.get("x") is None


def test_documents_are_kept_updated_listed_by_owner_and_deleted(stores: Stores) -> None:
    store = stores.documents

    def document(owner_id: str, minutes: int) -> dict[str, Any]:
        document_id = str(uuid.uuid4())
        return {
            "id": document_id,
            "owner_kind": "permit",
            "owner_id": owner_id,
            "filename": "a.pdf",
            "content_type": "application/pdf",
            "size": 10,
            "blob_key": f"documents/{document_id}",
            "status": "PENDING",
            "scan_engine": None,
            "scan_signature": None,
            "created_by": "a@x.com",
            "created_at": NOW + timedelta(minutes=minutes),
            "updated_at": NOW,
        }

    later, earlier, elsewhere = document("p1", 5), document("p1", 0), document("p2", 0)
    for row in (later, earlier, elsewhere):
        store.add(row)
    assert [d["id"] for d in store.of_owner("permit", "p1")] == [earlier["id"], later["id"]]
    store.update(later["id"], {"status": "CLEAN", "scan_engine": "clamav"})
    assert store.get(later["id"]) == later | {"status": "CLEAN", "scan_engine": "clamav"}
    store.delete(later["id"])
    assert store.get(later["id"]) is None
    assert store.get("not-a-uuid") is None
