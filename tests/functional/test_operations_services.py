"""Operations services over the in-memory fakes: alarm rules and their evaluation, work
orders, AFEs, permits, well tests, incidents, documents and the field-work handlers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from shared.adapters.memory.blobs import InMemoryBlobStore
from shared.adapters.memory.operations import MemoryOperationsDatabases, OperationsData, Tag
from shared.core.common.errors import (
    ConflictError,
    DuplicateError,
    NotFoundError,
    PermissionDeniedError,
)
from shared.core.common.roles import Role
from shared.core.operations.errors import (
    AlarmRuleError,
    ApprovalRoleError,
    DocumentRejectedError,
    OperationsInputError,
    StatusChangeError,
)
from shared.core.operations.model import incidents as inc
from shared.core.operations.model import work_orders as wo
from shared.core.operations.model.afe import ActualCost, Election, EstimateLine, PartnerInterest
from shared.core.operations.model.alarm_eval import ReadingArrays
from shared.core.operations.model.permits import Condition, PermitStatus, PermitType
from shared.core.operations.model.scanning import ScanResult, ScanVerdict
from shared.core.operations.services import (
    AfeService,
    AlarmEvaluator,
    AlarmRuleService,
    DocumentService,
    IncidentService,
    PermitService,
    WellTestService,
    WorkOrderService,
)
from shared.core.operations.services.field_work import OperationsFieldWork
from shared.core.operations.services.inspection_work_orders import InspectionWorkOrders
from shared.core.operations.services.permits import NewPermitInput
from shared.core.operations.services.work_orders import NewWorkOrderInput
from shared.core.registry.model.tenants import Tenant
from shared.core.sync.ports import FailedInspection, FieldWork
from tests.functional.people import START, Clock, actor, tenant

METERED = {
    "oil_bbl_per_day": Decimal(400), "gas_mcf_per_day": Decimal(0), "water_bbl_per_day": Decimal(0),
}  # fmt: skip


@dataclass
class World:
    databases: MemoryOperationsDatabases
    clock: Clock
    tenant: Tenant
    well: str
    other_well: str
    lease: str
    facility: str

    @property
    def data(self) -> OperationsData:
        """The committed rows (each commit publishes a new copy: read them afresh)."""
        return self.databases.data(self.tenant)

    def audit_actions(self) -> list[str]:
        return [e.action for e in self.databases.audit(self.tenant).entries]


@pytest.fixture
def world() -> World:
    databases, acme = MemoryOperationsDatabases(), tenant()
    data = databases.data(acme)
    lease = data.catalog.seed_lease(str(uuid.uuid4()))
    well = data.catalog.seed_well(str(uuid.uuid4()), "Cole 1", lease_id=lease, field_id="north")
    other = data.catalog.seed_well(str(uuid.uuid4()), "Cole 2", lease_id=lease)
    facility = data.catalog.seed_facility(str(uuid.uuid4()))
    data.tags[1] = Tag(well, "pressure")
    return World(databases, Clock(), acme, well, other, lease, facility)


def _admin(w: World) -> Any:
    return actor(w.tenant, Role.ADMIN)


def _pumper(w: World, *wells: str) -> Any:
    pumper = actor(w.tenant, Role.FIELD_OPERATOR)
    for well in wells:
        w.data.assign(pumper.user_id, well)
    return pumper


# --- alarm rules and the evaluator ---------------------------------------------------------

RULE = {"rule_id": "hi_pressure", "kind": "limit", "signal_class": "pressure", "high": 100}


def test_alarm_rules_are_written_by_the_office_and_read_by_everyone(world: World) -> None:
    rules = AlarmRuleService(world.databases, world.clock)
    admin, viewer = _admin(world), actor(world.tenant, Role.VIEWER)
    created = rules.create(world.tenant, admin, RULE)
    assert created["rule_id"] == "hi_pressure" and created["enabled"] is True
    with pytest.raises(DuplicateError):
        rules.create(world.tenant, admin, RULE)
    with pytest.raises(PermissionDeniedError):
        rules.create(world.tenant, viewer, {**RULE, "rule_id": "other"})
    with pytest.raises(AlarmRuleError):
        rules.create(world.tenant, admin, {**RULE, "rule_id": "x", "signal_class": "flow"})
    rules.replace(world.tenant, admin, "hi_pressure", {**RULE, "high": 150}, enabled=False)
    assert rules.get(world.tenant, viewer, "hi_pressure")["high"] == 150
    assert [r["enabled"] for r in rules.list(world.tenant, viewer)] == [False]
    rules.delete(world.tenant, admin, "hi_pressure")
    with pytest.raises(NotFoundError):
        rules.get(world.tenant, viewer, "hi_pressure")
    with pytest.raises(NotFoundError):
        rules.delete(world.tenant, admin, "hi_pressure")
    with pytest.raises(NotFoundError):
        rules.replace(world.tenant, admin, "gone", RULE)


def test_a_reading_over_the_limit_raises_one_alert_and_notifies_the_pumper(world: World) -> None:
    AlarmRuleService(world.databases, world.clock).create(world.tenant, _admin(world), RULE)
    pumper = _pumper(world, world.well)
    evaluator = AlarmEvaluator(world.databases, world.clock)

    def readings(*values: float) -> ReadingArrays:
        at = int(world.clock.now.timestamp() * 1_000_000)
        rows = [(1, at + i * 1_000_000, v, 0) for i, v in enumerate(values)]
        return ReadingArrays.from_rows(rows)

    assert evaluator.on_readings(world.tenant, readings(50.0)).raised == 0
    world.clock.advance(seconds=10)
    raised = evaluator.on_readings(world.tenant, readings(120.0, 130.0))
    assert raised.raised == 1
    [alert] = world.data.alerts.values()
    assert alert["well_id"] == world.well and alert["source"] == "alarm"
    recipients = {row.recipient for row in world.data.outbox}
    assert any(pumper.user_id in r for r in recipients), recipients
    world.clock.advance(seconds=10)
    cleared = evaluator.on_readings(world.tenant, readings(20.0))
    assert cleared.cleared == 1
    assert world.data.alerts[alert["id"]]["details"]["active"] is False
    assert evaluator.on_readings(world.tenant, readings(20.0)).raised == 0


def test_a_gateway_gone_quiet_raises_a_stale_data_alert_on_the_timer(world: World) -> None:
    stale = {"rule_id": "quiet", "kind": "stale", "signal_class": "pressure",
             "stale_after_s": 600}  # fmt: skip
    AlarmRuleService(world.databases, world.clock).create(world.tenant, _admin(world), stale)
    evaluator = AlarmEvaluator(world.databases, world.clock)
    at = int(world.clock.now.timestamp() * 1_000_000)
    evaluator.on_readings(world.tenant, ReadingArrays.from_rows([(1, at, 50.0, 0)]))
    world.clock.advance(minutes=5)
    assert evaluator.check_stale(world.tenant).raised == 0  # quiet, but not for long
    world.clock.advance(minutes=10)
    assert evaluator.check_stale(world.tenant).raised == 1
    [alert] = world.data.alerts.values()
    assert alert["well_id"] == world.well and alert["source"] == "alarm"
    assert evaluator.check_stale(world.tenant).raised == 0  # one alert while it stays quiet


# --- work orders ---------------------------------------------------------------------------


def test_a_work_order_goes_from_open_to_done_with_parts_costs_and_downtime(world: World) -> None:
    orders = WorkOrderService(world.databases, world.clock)
    admin = _admin(world)
    made = orders.create(
        world.tenant, admin, NewWorkOrderInput(world.well, "Pump", equipment_id="p1")
    )
    wid = made["id"]
    orders.assign(world.tenant, admin, wid, "bo@acme.com")
    at = world.clock.advance(hours=1)
    orders.move(world.tenant, admin, wid, wo.WorkOrderStatus.SCHEDULED, scheduled_for=at)
    orders.move(world.tenant, admin, wid, wo.WorkOrderStatus.IN_PROGRESS)
    orders.add_part(world.tenant, admin, wid, wo.PartLine("P-1", Decimal(2), Decimal("10.5")))
    orders.add_cost(world.tenant, admin, wid, wo.CostLine(wo.CostCategory.LABOUR, Decimal(100)))
    span = wo.Downtime(at, at + timedelta(hours=3))
    orders.add_downtime(world.tenant, admin, wid, span)
    done = orders.move(world.tenant, admin, wid, wo.WorkOrderStatus.DONE, note="fixed")
    assert done["status"] == "done" and done["assignee"] == "bo@acme.com"
    assert Decimal(done["total_cost"]) == Decimal(121) and Decimal(done["downtime_hours"]) == 3
    with pytest.raises(StatusChangeError):
        orders.move(world.tenant, admin, wid, wo.WorkOrderStatus.IN_PROGRESS)
    with pytest.raises(OperationsInputError):
        orders.move(world.tenant, admin, wid, wo.WorkOrderStatus.OPEN)
    assert world.audit_actions()[0] == "work_order.create"
    assert "work_order.status.done" in world.audit_actions()
    metrics = orders.equipment_metrics(
        world.tenant, admin, START - timedelta(days=1), START + timedelta(days=1), None
    )
    assert [m["equipment_id"] for m in metrics] == ["p1"]


def test_work_orders_stay_inside_a_pumpers_wells(world: World) -> None:
    orders = WorkOrderService(world.databases, world.clock)
    admin, pumper = _admin(world), _pumper(world, world.well)
    mine = orders.create(world.tenant, pumper, NewWorkOrderInput(world.well, "Mine"))
    theirs = orders.create(world.tenant, admin, NewWorkOrderInput(world.other_well, "Theirs"))
    listed, total = orders.list(world.tenant, pumper, None, None, 50, 0)
    assert total == 1 and [o["id"] for o in listed] == [mine["id"]]
    assert orders.list(world.tenant, admin, None, None, 50, 0)[1] == 2
    with pytest.raises(NotFoundError):
        orders.get(world.tenant, pumper, theirs["id"])
    with pytest.raises(NotFoundError):
        orders.create(world.tenant, pumper, NewWorkOrderInput(world.other_well, "No"))
    with pytest.raises(NotFoundError):
        orders.create(world.tenant, admin, NewWorkOrderInput(str(uuid.uuid4()), "No well"))
    with pytest.raises(PermissionDeniedError):
        orders.create(
            world.tenant, actor(world.tenant, Role.VIEWER), NewWorkOrderInput(world.well, "x")
        )
    with pytest.raises(OperationsInputError):
        orders.list(world.tenant, admin, None, "sideways", 50, 0)


def test_an_alarm_alert_becomes_one_work_order(world: World) -> None:
    alert_id = str(uuid.uuid4())
    world.data.alerts[alert_id] = {
        "id": alert_id, "well_id": world.well, "source": "alarm", "source_key": "alarm:1",
        "title": "High pressure", "severity": "HIGH", "status": "OPEN", "details": {},
        "created_at": START,
    }  # fmt: skip
    orders, admin = WorkOrderService(world.databases, world.clock), _admin(world)
    first = orders.create_from_alert(world.tenant, admin, alert_id)
    again = orders.create_from_alert(world.tenant, admin, alert_id)
    assert first == again and first["source"] == {"kind": "alarm", "reference": alert_id}
    assert orders.list(world.tenant, admin, None, None, 50, 0)[1] == 1
    with pytest.raises(NotFoundError):
        orders.create_from_alert(world.tenant, admin, str(uuid.uuid4()))


def test_a_failed_inspection_opens_one_corrective_work_order(world: World) -> None:
    follow_up = InspectionWorkOrders(world.databases, world.clock)
    pumper = _pumper(world, world.well)
    failed = FailedInspection("event-1", world.well, "pump-1", ("belt worn", "leak"))
    follow_up.inspections_failed(world.tenant, pumper, [failed])
    follow_up.inspections_failed(world.tenant, pumper, [failed])  # the batch is sent again
    orders = WorkOrderService(world.databases, world.clock)
    listed, total = orders.list(world.tenant, _admin(world), None, None, 50, 0)
    assert total == 1
    (order,) = listed
    assert order["well_id"] == world.well and order["equipment_id"] == "pump-1"
    assert order["source"] == {"kind": "inspection", "reference": "event-1"}
    assert "belt worn" in order["title"] and order["status"] == "open"
    assert world.audit_actions() == ["work_order.create"]


# --- AFEs ----------------------------------------------------------------------------------


def test_an_afe_is_approved_level_by_level_and_overruns_raise_alerts(world: World) -> None:
    afes = AfeService(world.databases, world.clock)
    admin, manager = _admin(world), actor(world.tenant, Role.MANAGER)
    estimate = [EstimateLine("workover", Decimal(1000))]
    made = afes.create(world.tenant, manager, "AFE-1", "Workover", estimate, world.well, None)
    afe_id = made["id"]
    with pytest.raises(DuplicateError):
        afes.create(world.tenant, manager, "AFE-1", "Again", estimate, None, world.lease)
    with pytest.raises(OperationsInputError):
        afes.create(world.tenant, manager, "AFE-2", "No well", estimate, str(uuid.uuid4()), None)
    world.clock.advance(minutes=1)
    afes.submit(world.tenant, manager, afe_id)
    with pytest.raises(ApprovalRoleError):
        afes.decide(world.tenant, admin, afe_id, True, "")
    world.clock.advance(minutes=1)
    approved = afes.decide(world.tenant, manager, afe_id, True, "ok")
    assert approved["status"] == "approved"
    world.clock.advance(minutes=1)
    cost = ActualCost("workover", Decimal(1050), world.clock.now, "INV-1")
    afes.post_actual(world.tenant, manager, afe_id, cost)
    overruns = [a for a in world.data.alerts.values() if a["source"] == "afe"]
    assert len(overruns) >= 2  # past 90 % and 100 % of the estimate
    assert afes.list(world.tenant, manager, "approved", 10, 0)[1] == 1
    with pytest.raises(PermissionDeniedError):
        afes.get(world.tenant, _pumper(world), afe_id)
    with pytest.raises(NotFoundError):
        afes.get(world.tenant, manager, str(uuid.uuid4()))


def test_a_rejected_afe_is_revised_and_its_partners_elect_until_it_closes(world: World) -> None:
    afes, manager = AfeService(world.databases, world.clock), actor(world.tenant, Role.MANAGER)
    partners = [PartnerInterest("p-1", Decimal("0.25")), PartnerInterest("p-2", Decimal("0.5"))]
    estimate = [EstimateLine("workover", Decimal(1000))]
    made = afes.create(
        world.tenant, manager, "AFE-9", "Workover", estimate, world.well, None, partners
    )
    afe_id = made["id"]
    with pytest.raises(StatusChangeError):  # only a rejected AFE is revised
        afes.revise(world.tenant, manager, afe_id, None)
    afes.submit(world.tenant, manager, afe_id)
    afes.decide(world.tenant, manager, afe_id, False, "too dear")
    revised = afes.revise(world.tenant, manager, afe_id, [EstimateLine("workover", Decimal(800))])
    assert revised["status"] == "draft" and revised["total_estimate"] == "800"
    with pytest.raises(ConflictError):  # partners elect on an approved AFE only
        afes.elect(world.tenant, manager, afe_id, "p-1", Election.CONSENT)
    afes.submit(world.tenant, manager, afe_id)
    afes.decide(world.tenant, manager, afe_id, True, "ok")
    elected = afes.elect(world.tenant, manager, afe_id, "p-1", Election.CONSENT)
    assert [p["election"] for p in elected["partners"]] == ["consent", "pending"]
    assert not elected["consent"]["complete"]
    with pytest.raises(ConflictError):
        afes.elect(world.tenant, manager, afe_id, "p-1", Election.NON_CONSENT)
    with pytest.raises(OperationsInputError):
        afes.elect(world.tenant, manager, afe_id, "stranger", Election.CONSENT)
    with pytest.raises(PermissionDeniedError):
        afes.close(world.tenant, _pumper(world), afe_id)
    closed = afes.close(world.tenant, manager, afe_id)
    assert closed["status"] == "closed"
    assert "afe.close" in world.audit_actions() and "afe.elect" in world.audit_actions()
    with pytest.raises(ConflictError):
        afes.close(world.tenant, manager, afe_id)


# --- permits -------------------------------------------------------------------------------


def test_a_permit_is_drafted_approved_and_reminds_before_it_expires(world: World) -> None:
    permits, manager = (
        PermitService(world.databases, world.clock),
        actor(world.tenant, Role.MANAGER),
    )
    new = NewPermitInput(
        PermitType.DISPOSAL, "RRC", well_id=world.well,
        conditions=[Condition("Post sign", date(2026, 12, 1))],
    )  # fmt: skip
    made = permits.create(world.tenant, manager, new)
    pid = made["id"]
    permits.move(world.tenant, manager, pid, PermitStatus.SUBMITTED)
    approved = permits.approve(
        world.tenant, manager, pid, "P-9", date(2026, 11, 1), date(2027, 1, 1)
    )
    assert approved["status"] == "approved" and approved["number"] == "P-9"
    with pytest.raises(StatusChangeError):
        permits.move(world.tenant, manager, pid, PermitStatus.SUBMITTED)
    due = permits.reminders(world.tenant, manager, date(2026, 12, 20))
    assert {r["permit_id"] for r in due} == {pid}
    met = permits.meet_condition(world.tenant, manager, pid, 0)
    assert met["conditions"][0]["met"] is True
    assert permits.list(world.tenant, manager, world.well, 10, 0)[1] == 1
    with pytest.raises(OperationsInputError):
        permits.create(
            world.tenant, manager, NewPermitInput(PermitType.AIR, "TCEQ", facility_id="x")
        )
    with pytest.raises(OperationsInputError):
        permits.create(world.tenant, manager, NewPermitInput(PermitType.AIR, "TCEQ"))
    with pytest.raises(PermissionDeniedError):
        permits.create(world.tenant, _pumper(world), new)
    with pytest.raises(NotFoundError):
        permits.get(world.tenant, manager, str(uuid.uuid4()))


# --- well tests and allocation ---------------------------------------------------------------


def test_well_tests_are_logged_listed_and_share_lease_volumes(world: World) -> None:
    tests, admin = WellTestService(world.databases, world.clock), _admin(world)

    def rates(oil: int) -> dict[str, Decimal]:
        return {"oil_bbl_per_day": Decimal(oil), "gas_mcf_per_day": Decimal(0),
                "water_bbl_per_day": Decimal(0)}  # fmt: skip

    end = START - timedelta(days=1)
    tests.log(world.tenant, admin, world.well, end - timedelta(hours=24), end, rates(30))
    tests.log(world.tenant, admin, world.other_well, end - timedelta(hours=24), end, rates(10))
    assert len(tests.list(world.tenant, admin, world.well)) == 1
    hours = {world.well: Decimal(24), world.other_well: Decimal(24)}
    shared = tests.allocate(world.tenant, admin, world.lease, METERED, hours, None, Decimal(1))
    oil = shared["allocation"]["oil_bbl_per_day"]
    assert {k: Decimal(v) for k, v in oil.items()} == {world.well: 300, world.other_well: 100}
    with pytest.raises(OperationsInputError):
        tests.allocate(world.tenant, admin, world.lease, METERED,
                       {str(uuid.uuid4()): Decimal(1)}, None, Decimal(1))  # fmt: skip
    with pytest.raises(NotFoundError):
        tests.log(world.tenant, _pumper(world), world.well, end - timedelta(hours=1), end, rates(1))
    with pytest.raises(NotFoundError):
        tests.list(world.tenant, admin, str(uuid.uuid4()))


# --- incidents -----------------------------------------------------------------------------


def _incident(well_id: str | None) -> inc.Incident:
    return inc.Incident(
        "", inc.IncidentKind.SPILL, START - timedelta(hours=2), START - timedelta(hours=1),
        inc.Location("TX", "Reeves", well_id), "Flowline leak",
        releases=(inc.Release(inc.Material.CRUDE_OIL, Decimal(6)),),
    )  # fmt: skip


def test_an_incident_is_reported_followed_up_and_notified(world: World) -> None:
    incidents = IncidentService(world.databases, world.clock)
    manager, pumper = actor(world.tenant, Role.MANAGER), _pumper(world, world.well)
    reported = incidents.report(world.tenant, pumper, _incident(world.well))
    iid = reported["id"]
    action = inc.CorrectiveAction("Replace flowline", "bo@acme.com", date(2026, 11, 10))
    incidents.add_action(world.tenant, manager, iid, action)
    done = incidents.complete_action(world.tenant, manager, iid, 0, date(2026, 11, 4))
    assert done["corrective_actions"][0]["done_on"] == "2026-11-04"
    with pytest.raises(OperationsInputError):
        incidents.record_notification(
            world.tenant, manager, iid, inc.SentNotification("no-such-rule", START)
        )
    assert incidents.list(world.tenant, pumper, 10, 0)[1] == 1
    with pytest.raises(NotFoundError):
        incidents.report(world.tenant, pumper, _incident(world.other_well))
    with pytest.raises(OperationsInputError):
        incidents.report(world.tenant, pumper, _incident(None))
    with pytest.raises(PermissionDeniedError):
        incidents.add_action(world.tenant, pumper, iid, action)
    other = incidents.report(world.tenant, manager, _incident(world.other_well))
    with pytest.raises(NotFoundError):
        incidents.get(world.tenant, pumper, other["id"])


# --- documents -----------------------------------------------------------------------------


class Scanner:
    def __init__(self, verdict: ScanVerdict) -> None:
        self.verdict = verdict

    def scan(self, blob_key: str, data: bytes) -> ScanResult:
        return ScanResult(
            self.verdict, "test", "Eicar" if self.verdict is ScanVerdict.INFECTED else None
        )


PDF = b"%PDF-1.7\n" + b"x" * 100


def test_a_document_is_uploaded_scanned_and_served(world: World) -> None:
    blobs = InMemoryBlobStore()
    documents = DocumentService(world.databases, blobs, Scanner(ScanVerdict.CLEAN), world.clock)
    admin = _admin(world)
    asked = documents.request_upload(
        world.tenant, admin, "well", world.well, "log.pdf", "application/pdf", len(PDF)
    )
    document_id = asked["document"]["id"]
    assert asked["upload"]["method"] == "PUT"
    assert documents.list(world.tenant, admin, "well", world.well) == []  # not uploaded yet
    with pytest.raises(ConflictError):
        documents.complete(world.tenant, admin, document_id)
    key = world.data.documents[document_id]["blob_key"]
    blobs.put(key, PDF, "application/pdf")
    served = documents.complete(world.tenant, admin, document_id)
    assert served["status"] != "PENDING" and served["download_url"]
    assert [d["id"] for d in documents.list(world.tenant, admin, "well", world.well)] == [
        document_id
    ]
    with pytest.raises(ConflictError):
        documents.complete(world.tenant, admin, document_id)
    assert "document.add" in world.audit_actions()


def test_documents_that_lie_about_their_type_are_dropped(world: World) -> None:
    blobs = InMemoryBlobStore()
    documents = DocumentService(world.databases, blobs, Scanner(ScanVerdict.CLEAN), world.clock)
    admin = _admin(world)
    asked = documents.request_upload(
        world.tenant, admin, "lease", world.lease, "a.pdf", "application/pdf", 20
    )
    document_id = asked["document"]["id"]
    blobs.put(world.data.documents[document_id]["blob_key"], b"MZ" + b"\0" * 18, "application/pdf")
    with pytest.raises(DocumentRejectedError):
        documents.complete(world.tenant, admin, document_id)
    assert document_id not in world.data.documents
    with pytest.raises(DocumentRejectedError):
        documents.request_upload(
            world.tenant, admin, "truck", world.well, "a.pdf", "application/pdf", 5
        )
    with pytest.raises(NotFoundError):
        documents.request_upload(world.tenant, admin, "well", "nope", "a.pdf", "application/pdf", 5)
    with pytest.raises(PermissionDeniedError):
        documents.request_upload(
            world.tenant, _pumper(world, world.well), "lease", world.lease, "a.pdf",
            "application/pdf", 5,
        )  # fmt: skip


def test_an_infected_document_is_never_served(world: World) -> None:
    blobs = InMemoryBlobStore()
    documents = DocumentService(world.databases, blobs, Scanner(ScanVerdict.INFECTED), world.clock)
    admin = _admin(world)
    asked = documents.request_upload(
        world.tenant, admin, "well", world.well, "a.pdf", "application/pdf", len(PDF)
    )
    document_id = asked["document"]["id"]
    blobs.put(world.data.documents[document_id]["blob_key"], PDF, "application/pdf")
    served = documents.complete(world.tenant, admin, document_id)
    assert served["download_url"] is None
    assert documents.get(world.tenant, admin, document_id)["download_url"] is None


# --- field work from the offline sync --------------------------------------------------------


def _work(world: World, kind: str, payload: dict[str, Any], well: str | None = None) -> FieldWork:
    return FieldWork(str(uuid.uuid4()), kind, well or world.well, START, "dev-1", payload)


def test_a_pumper_closes_a_work_order_from_the_field_once(world: World) -> None:
    orders = WorkOrderService(world.databases, world.clock)
    pumper = _pumper(world, world.well)
    made = orders.create(world.tenant, pumper, NewWorkOrderInput(world.well, "Pump"))
    wid = made["id"]
    field = OperationsFieldWork(world.databases, world.clock)
    world.clock.advance(hours=1)
    payload = {"work_order_id": wid, "resolution": "done", "downtime_hours": "2",
               "parts_used": [{"part_number": "P-1", "quantity": "1"}]}  # fmt: skip
    work = FieldWork(
        str(uuid.uuid4()), "WORK_ORDER_CLOSED", world.well, world.clock.now, "d", payload
    )
    assert field.close_work_order(world.tenant, pumper, work).status == "applied"
    assert orders.get(world.tenant, pumper, wid)["status"] == "done"
    assert field.close_work_order(world.tenant, pumper, work).status == "conflict"
    missing = {**payload, "work_order_id": str(uuid.uuid4())}
    assert (
        field.close_work_order(world.tenant, pumper, _work(world, "x", missing)).status
        == "rejected"
    )


def test_a_field_well_test_is_logged_once_and_overlaps_are_conflicts(world: World) -> None:
    field, pumper = OperationsFieldWork(world.databases, world.clock), _pumper(world, world.well)
    payload = {
        "start": (START - timedelta(hours=24)).isoformat(), "end": START.isoformat(),
        "oil_bbl_per_day": "12", "gas_mcf_per_day": "30", "water_bbl_per_day": "4",
    }  # fmt: skip
    work = _work(world, "WELL_TEST_LOGGED", payload)
    assert field.log_well_test(world.tenant, pumper, work).status == "applied"
    assert field.log_well_test(world.tenant, pumper, work).status == "applied"  # replayed
    overlap = _work(world, "WELL_TEST_LOGGED", payload)
    assert field.log_well_test(world.tenant, pumper, overlap).status == "conflict"
    elsewhere = _work(world, "WELL_TEST_LOGGED", payload, world.other_well)
    assert field.log_well_test(world.tenant, pumper, elsewhere).status == "rejected"
    assert len(WellTestService(world.databases).list(world.tenant, pumper, world.well)) == 1
