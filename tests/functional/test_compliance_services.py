"""Month-end compliance services over the in-memory tenant database: lease profiles, tanks,
gauges, run tickets, dispositions, the month-end balance, Form PR from draft to filed and
amended, severance and owner revenue, emissions, settings and the reminder e-mails."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest

from shared.adapters.memory.compliance import ComplianceTenant, MemoryComplianceDatabases
from shared.adapters.memory.notifier import InMemoryNotifier
from shared.adapters.memory.registry import MemoryMasterDatabase
from shared.core.common.errors import (
    DuplicateError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
)
from shared.core.common.roles import Role
from shared.core.compliance.errors import PeriodFiledError
from shared.core.compliance.model.period import Period
from shared.core.compliance.model.rows import SyncedGaugeLog
from shared.core.compliance.services import (
    EmissionService,
    FormPrService,
    MonthEndService,
    RecordService,
    ReminderService,
    ReportService,
    SettingsService,
)
from shared.core.compliance.services.emissions import NewEmissionEntry
from shared.core.compliance.services.records import NewDisposition, NewRunTicket, NewTank
from shared.core.compliance.services.reports import NewInterest, NewOwner
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.model.users import User, UserStatus
from tests.functional.people import Clock, actor, tenant

OCT = Period(2026, 10)
STRAPPING = [
    {"height_inches": "0", "volume_bbl": "0"},
    {"height_inches": "240", "volume_bbl": "400"},
]


@dataclass
class World:
    databases: MemoryComplianceDatabases
    clock: Clock
    tenant: Tenant
    lease: str
    well: str
    facility: str

    @property
    def data(self) -> ComplianceTenant:
        return self.databases.data(self.tenant)

    def audit_entities(self) -> list[str]:
        return [e.entity for e in self.databases.audit(self.tenant).entries]


@pytest.fixture
def world() -> World:
    databases, acme = MemoryComplianceDatabases(), tenant()
    data = databases.data(acme).compliance
    lease, well, facility = "L1", str(uuid.uuid4()), str(uuid.uuid4())
    data.catalog.seed_lease(lease, "Cole", lease_number="L-1")
    data.catalog.seed_well(well, lease_id=lease, first_production_date=date(2019, 6, 1))
    data.catalog.seed_facility(facility, "Cole battery")
    for d in range(31):
        data.catalog.seed_day(
            well, date(2026, 10, 1) + timedelta(d), oil_bbl=10.0, gas_mcf=40.0, water_bbl=5.0,
            hours_on=24.0,
        )  # fmt: skip
    return World(databases, Clock(), acme, lease, well, facility)


def _office(world: World) -> object:
    return actor(world.tenant, Role.MANAGER)


def _set_up_lease(world: World) -> str:
    """A TX profile, an oil tank gauged at 120 bbl on Sep 30 and 130 on Oct 31, a 300-bbl
    run ticket at $75 and a gas sale: a month that balances. Returns the tank id."""
    records, manager = RecordService(world.databases, world.clock), _office(world)
    profile = {"state": "TX", "operator_number": "1", "district": "08", "state_lease_number": "123"}
    records.put_profile(world.tenant, manager, world.lease, profile)
    tank = records.add_tank(world.tenant, manager, NewTank(world.lease, "Tank 1", "oil", STRAPPING))
    records.put_gauge(world.tenant, manager, tank["id"], date(2026, 9, 30), "6' 0\"")  # 120 bbl
    ticket = NewRunTicket(
        "T-1", tank["id"], date(2026, 10, 20), "Plains", "16' 0\"", "1' 0\"",
        Decimal("40.0"), Decimal("60.0"), Decimal("0"), price_per_bbl=Decimal(75),
    )  # fmt: skip
    records.add_run_ticket(world.tenant, manager, ticket)
    records.put_gauge(world.tenant, manager, tank["id"], date(2026, 10, 31), "6' 6\"")  # 130 bbl
    sale = NewDisposition(
        world.lease, "2026-10", "gas", "sold", Decimal(1240), "ET", Decimal("3.00")
    )
    records.add_disposition(world.tenant, manager, sale)
    return str(tank["id"])


# --- records -------------------------------------------------------------------------------


def test_tanks_gauges_and_tickets_are_recorded_with_their_volumes(world: World) -> None:
    tank_id = _set_up_lease(world)
    records, manager = RecordService(world.databases, world.clock), _office(world)
    [tank] = records.list_tanks(world.tenant, manager, world.lease)
    assert tank["name"] == "Tank 1"
    gauges = records.list_gauges(
        world.tenant, manager, tank_id, date(2026, 9, 1), date(2026, 10, 31)
    )
    assert [Decimal(g["volume_bbl"]) for g in gauges] == [Decimal(120), Decimal(130)]
    [ticket] = records.list_run_tickets(world.tenant, manager, world.lease, OCT)
    assert ticket["ticket_number"] == "T-1" and Decimal(ticket["net_standard_bbl"]) > 0
    assert len(records.list_dispositions(world.tenant, manager, world.lease, "2026-10")) == 1
    assert {"compliance_tank", "compliance_gauge"} <= set(world.audit_entities())


def test_records_refuse_duplicates_bad_input_and_the_wrong_people(world: World) -> None:
    tank_id = _set_up_lease(world)
    records, manager = RecordService(world.databases, world.clock), _office(world)
    with pytest.raises(DuplicateError):
        records.add_tank(world.tenant, manager, NewTank(world.lease, "Tank 1", "oil", STRAPPING))
    with pytest.raises(InputError):
        records.add_tank(world.tenant, manager, NewTank(world.lease, "T2", "gas", STRAPPING))
    with pytest.raises(NotFoundError):
        records.add_tank(world.tenant, manager, NewTank("nope", "T2", "oil", STRAPPING))
    with pytest.raises(InputError):
        records.put_gauge(world.tenant, manager, tank_id, date(2026, 11, 1), "six feet")
    with pytest.raises(InputError):
        records.put_profile(world.tenant, manager, world.lease, {"state": "CA"})
    viewer = actor(world.tenant, Role.VIEWER)
    profile = records.get_profile(world.tenant, viewer, world.lease)
    assert (profile["state"], profile["district"]) == ("TX", "08")  # the refused one kept none
    with pytest.raises(NotFoundError):
        records.get_profile(world.tenant, viewer, "nope")
    with pytest.raises(PermissionDeniedError):
        records.put_gauge(world.tenant, viewer, tank_id, date(2026, 11, 1), "5' 0\"")
    pumper = actor(world.tenant, Role.FIELD_OPERATOR)  # no well of the lease is theirs
    with pytest.raises(NotFoundError):
        records.put_gauge(world.tenant, pumper, tank_id, date(2026, 11, 1), "5' 0\"")
    world.data.assignments[pumper.user_id] = {world.well}
    stored = records.put_gauge(world.tenant, pumper, tank_id, date(2026, 11, 1), "5' 0\"")
    assert stored["source"] == "field"


# --- month-end and Form PR -------------------------------------------------------------------


def test_a_balanced_month_is_filed_and_then_closed_to_changes(world: World) -> None:
    tank_id = _set_up_lease(world)
    manager = _office(world)
    month = MonthEndService(world.databases).lease(world.tenant, manager, world.lease, OCT)
    assert month["balanced"] is True
    assert month["products"]["oil"]["produced"] == "310.00"
    form_pr = FormPrService(world.databases, world.clock)
    filing = form_pr.create(world.tenant, manager, "1", OCT)
    assert filing["status"] == "draft"
    assert form_pr.move(world.tenant, manager, filing["id"], "validate")["status"] == "validated"
    assert form_pr.move(world.tenant, manager, filing["id"], "file")["status"] == "filed"
    calendar = ReportService(world.databases, world.clock).calendar(world.tenant, manager, 2026)
    october = [i for i in calendar if (i["obligation"], i["period"]) == ("tx_form_pr", "2026-10")]
    assert [i["status"] for i in october] == ["filed"]
    _stem, rows = form_pr.export_rows(world.tenant, manager, filing["id"])
    assert rows and {r["lease_number"] for r in rows} == {"123"}
    records = RecordService(world.databases, world.clock)
    with pytest.raises(PeriodFiledError):
        records.put_gauge(world.tenant, manager, tank_id, date(2026, 10, 15), "6' 0\"")
    name, text = form_pr.export_text(world.tenant, manager, filing["id"])
    assert name == "form-pr-1-2026-10.txt" and text
    assert form_pr.move(world.tenant, manager, filing["id"], "amend")["status"] == "amended"
    records.put_gauge(world.tenant, manager, tank_id, date(2026, 10, 15), "6' 0\"")
    with pytest.raises(InputError):
        form_pr.create(world.tenant, manager, "999", OCT)  # no lease of that operator
    with pytest.raises(InputError):
        form_pr.create(world.tenant, manager, "not-a-number", OCT)
    with pytest.raises(NotFoundError):
        form_pr.get(world.tenant, manager, str(uuid.uuid4()))


def test_an_unbalanced_month_cannot_be_validated(world: World) -> None:
    tank_id = _set_up_lease(world)
    manager = _office(world)
    RecordService(world.databases, world.clock).put_gauge(
        world.tenant, manager, tank_id, date(2026, 10, 31), "6' 3\""
    )  # 125 bbl: 5 bbl unaccounted for
    month = MonthEndService(world.databases).all_leases(world.tenant, manager, OCT, "TX")
    assert [m["balanced"] for m in month] == [False]
    form_pr = FormPrService(world.databases, world.clock)
    filing = form_pr.create(world.tenant, manager, "1", OCT)
    assert form_pr.move(world.tenant, manager, filing["id"], "validate")["status"] == "draft"


# --- taxes, owners and revenue -----------------------------------------------------------------


def test_severance_and_owner_revenue_of_the_month(world: World) -> None:
    _set_up_lease(world)
    reports, manager = ReportService(world.databases, world.clock), _office(world)
    severance = reports.severance(world.tenant, manager, "TX", OCT)
    assert Decimal(severance["totals"]["tax"]) > 0
    royalty = reports.add_owner(world.tenant, manager, NewOwner("Royalty Co", "1", "Main St"))
    working = reports.add_owner(world.tenant, manager, NewOwner("Operator", "2", "Elm St"))
    lines = [
        NewInterest(royalty["id"], "royalty", product, Decimal("0.125"), date(2020, 1, 1))
        for product in ("oil", "gas")
    ] + [
        NewInterest(working["id"], "working", product, Decimal("0.875"), date(2020, 1, 1))
        for product in ("oil", "gas")
    ]
    reports.put_interests(world.tenant, manager, world.lease, lines)
    assert len(reports.list_interests(world.tenant, manager, world.lease)) == 4
    revenue = reports.revenue(world.tenant, manager, OCT)
    assert revenue["distributed"] == revenue["net_revenue"] and revenue["undistributed"] == []
    statement = reports.owner_statement(world.tenant, manager, royalty["id"], OCT)
    assert statement["name"] == "Royalty Co" and not statement["in_suspense"]
    lease_net = sum(Decimal(line["lease_net"]) for line in statement["lines"])
    assert Decimal(statement["total"]) == (lease_net * Decimal("0.125")).quantize(Decimal("0.01"))
    with pytest.raises(InputError):  # interests of a product must sum to exactly 1
        reports.put_interests(world.tenant, manager, world.lease, lines[:1])
    with pytest.raises(PermissionDeniedError):
        reports.revenue(world.tenant, actor(world.tenant, Role.VIEWER), OCT)
    with pytest.raises(InputError):
        reports.severance(world.tenant, manager, "CA", OCT)
    assert [o["name"] for o in reports.list_owners(world.tenant, manager)] == [
        "Operator",
        "Royalty Co",
    ]


# --- emissions and settings --------------------------------------------------------------------


def test_emission_sources_add_up_to_the_months_co2e(world: World) -> None:
    emissions, manager = EmissionService(world.databases, world.clock), _office(world)
    entry = NewEmissionEntry(world.facility, "2026-10", "combustion", 1_000_000.0, 1.02)
    emissions.add_entry(world.tenant, manager, entry)
    report = emissions.report(world.tenant, manager, OCT)
    [battery] = report["facilities"]
    assert battery["name"] == "Cole battery" and battery["co2e_t"] > 0
    assert report["co2e_t"] == battery["co2e_t"] and report["oil_bbl"] == 310.0
    unknown = NewEmissionEntry(str(uuid.uuid4()), "2026-10", "combustion", 1.0)
    with pytest.raises(NotFoundError):
        emissions.add_entry(world.tenant, manager, unknown)
    for kind in ("volcano", "flare"):  # no such kind; a flare without its gas composition
        with pytest.raises(InputError):
            emissions.add_entry(
                world.tenant, manager, NewEmissionEntry(world.facility, "2026-10", kind, 1.0)
            )


def test_settings_are_read_with_defaults_and_changed_by_admins(world: World) -> None:
    settings = SettingsService(world.databases, world.clock)
    admin = actor(world.tenant, Role.ADMIN)
    current = settings.get(world.tenant, admin)
    gwp = current["gwp"]
    other = next(c for c in gwp["choices"] if c != gwp["value"])
    assert settings.put(world.tenant, admin, {"gwp": other})["gwp"]["value"] == other
    assert settings.get(world.tenant, admin)["gwp"]["value"] == other
    with pytest.raises(InputError):
        settings.put(world.tenant, admin, {"gwp": "AR99"})
    with pytest.raises(InputError):
        settings.put(world.tenant, admin, {"colour": "blue"})
    with pytest.raises(PermissionDeniedError):
        settings.put(world.tenant, actor(world.tenant, Role.VIEWER), {"gwp": other})


# --- reminders -------------------------------------------------------------------------------


def test_the_office_gets_one_reminder_digest_a_day(world: World) -> None:
    _set_up_lease(world)
    master = MemoryMasterDatabase()
    with master.unit_of_work() as uow:
        uow.tenants.add(world.tenant)
        uow.users.add(User(str(uuid.uuid4()), world.tenant.id, "al@acme.com", "Al", Role.ADMIN,
                           UserStatus.ACTIVE, "x"))  # fmt: skip
        uow.commit()
    world.clock.now = world.clock.now.replace(year=2026, month=11, day=25)
    reminders, notifier = ReminderService(master, world.databases, world.clock), InMemoryNotifier()
    report = reminders.remind(notifier)
    assert report.tenants == 1 and report.sent == 1
    assert [n.recipient for n in notifier.sent] == ["al@acme.com"]
    assert reminders.remind(notifier).sent == 0  # already reminded today
    world.clock.advance(days=1)
    notifier.fail_next = 1
    assert reminders.remind(notifier).failed == 1
    assert reminders.remind(notifier).sent == 1  # a failed day is tried again


def test_field_synced_gauges_become_daily_gauges_unless_the_office_gauged(world: World) -> None:
    tank_id = _set_up_lease(world)
    at = world.clock.now
    logs = [
        SyncedGaugeLog(world.well, date(2026, 10, 31), at, "pumper", [{"tank": " tank 1 ",
                       "level_in": "60"}]),  # the office gauged Oct 31: kept
        SyncedGaugeLog(world.well, date(2026, 10, 30), at, "pumper", [{"tank": "Tank 1",
                       "level_in": "75.1"}, {"tank": "Tank 9", "level_in": "1"}]),
    ]  # fmt: skip
    world.data.compliance.synced_logs.extend(logs)
    records, manager = RecordService(world.databases, world.clock), _office(world)
    result = records.import_synced_gauges(world.tenant, manager, world.lease, OCT)
    assert result == {"imported": 1, "kept_office": 1, "unmatched": 1}
    gauges = records.list_gauges(world.tenant, manager, tank_id, date(2026, 10, 30),
                                 date(2026, 10, 31))  # fmt: skip
    assert [(g["source"], g["gauge_inches"]) for g in gauges] == [
        ("sync", Decimal("75.00")),
        ("office", Decimal(78)),
    ]
