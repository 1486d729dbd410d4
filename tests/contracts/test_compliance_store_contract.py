"""The compliance store contract: one suite, run against the in-memory twin and the SQL
store on a migrated PostgreSQL tenant database, so the fake cannot drift from reality."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from shared.adapters.memory.compliance import MemoryComplianceStore
from shared.adapters.sql import tenant_tables as t
from shared.adapters.sql.compliance.store import SqlComplianceStore
from shared.adapters.sql.provisioning import SqlTenantProvisioner
from shared.adapters.sql.urls import normalize_url
from shared.core.common.errors import DuplicateError
from shared.core.compliance.model.rows import (
    EmissionEntry,
    Facility,
    Filing,
    InterestRow,
    Lease,
    LeaseProfile,
    OwnerRow,
    ProductionDay,
    RecordedDisposition,
    RunTicket,
    Tank,
    TankGauge,
)
from shared.core.compliance.ports import ComplianceStore
from shared.core.wells.model import records as catalog_rows

NOW = datetime(2026, 11, 3, 12, tzinfo=UTC)
FACILITY_ID = str(uuid.uuid4())


@dataclass
class Harness:
    store: ComplianceStore
    lease_id: str
    well_id: str
    other_well_id: str


def _catalog_rows() -> dict[str, Any]:
    lease_id, well_id, other_well = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    lease = {
        "id": lease_id,
        "lease_number": "L-1",
        "name": "Cole",
        "royalty_rate": 0.125,
        "status": "ACTIVE",
        "created_at": NOW,
        "updated_at": NOW,
    }
    wells = [
        {
            "id": well_id,
            "name": "Cole 1",
            "well_type": "OIL",
            "status": "PRODUCING",
            "is_horizontal": False,
            "lease_id": lease_id,
            "first_production_date": date(2019, 6, 1),
            "created_at": NOW,
            "updated_at": NOW,
        },
        {
            "id": other_well,
            "name": "Cole 2",
            "well_type": "OIL",
            "status": "PRODUCING",
            "is_horizontal": False,
            "lease_id": lease_id,
            "first_production_date": date(2017, 2, 1),
            "created_at": NOW,
            "updated_at": NOW,
        },
    ]
    production = [
        {
            "well_id": well,
            "production_date": date(2026, 10, 1) + timedelta(days=d),
            "oil_bbl": 10.5,
            "gas_mcf": 40.0,
            "water_bbl": 2.0,
            "hours_on": 24.0,
            "is_estimated": False,
            "updated_at": NOW,
            "updated_by": "seed",
        }
        for well in (well_id, other_well)
        for d in range(3)
    ]
    facility = {
        "id": FACILITY_ID,
        "name": "Cole battery",
        "facility_type": "BATTERY",
        "status": "ACTIVE",
        "created_at": NOW,
        "updated_at": NOW,
    }
    return {"lease": lease, "wells": wells, "production": production, "facility": facility}


@pytest.fixture(params=["memory", "postgresql"])
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    rows = _catalog_rows()
    lease_id, well_id = rows["lease"]["id"], rows["wells"][0]["id"]
    other_well_id = rows["wells"][1]["id"]
    if request.param == "memory":
        memory = MemoryComplianceStore()
        catalog = memory.data.catalog
        catalog.leases[lease_id] = catalog_rows.Lease(**rows["lease"])
        catalog.wells.update({w["id"]: catalog_rows.Well(**w) for w in rows["wells"]})
        for day in rows["production"]:
            key = (day["well_id"], day["production_date"])
            catalog.production[key] = catalog_rows.ProductionDay(**day)
        catalog.facilities[FACILITY_ID] = catalog_rows.Facility(**rows["facility"])
        yield Harness(memory, lease_id, well_id, other_well_id)
        return
    url = request.getfixturevalue("fresh_pg_database")
    SqlTenantProvisioner(normalize_url(url), "unused_").migrate(url)
    engine = sa.create_engine(normalize_url(url))
    try:
        with engine.connect() as connection:
            connection.execute(t.leases.insert(), [rows["lease"]])
            connection.execute(t.wells.insert(), rows["wells"])
            connection.execute(t.production_daily.insert(), rows["production"])
            connection.execute(t.facilities.insert(), [rows["facility"]])
            yield Harness(SqlComplianceStore(connection), lease_id, well_id, other_well_id)
            connection.rollback()
    finally:
        engine.dispose()


def test_catalog_and_production_reads(harness: Harness) -> None:
    store = harness.store
    assert store.lease(harness.lease_id) == Lease(harness.lease_id, "L-1", "Cole")
    assert store.lease(str(uuid.uuid4())) is None
    assert len(store.lease_well_ids(harness.lease_id)) == 2
    assert store.first_production(harness.lease_id) == date(2017, 2, 1)
    rows = store.production(harness.lease_id, date(2026, 10, 2), date(2026, 10, 3))
    first_day = sorted([harness.well_id, harness.other_well_id])
    assert [(r.production_date, r.well_id) for r in rows] == [
        (date(2026, 10, 2), first_day[0]),
        (date(2026, 10, 2), first_day[1]),
        (date(2026, 10, 3), first_day[0]),
        (date(2026, 10, 3), first_day[1]),
    ]
    assert rows[0] == ProductionDay(rows[0].well_id, date(2026, 10, 2), 10.5, 40.0, 2.0, 24.0)
    assert store.synced_tank_gauges(harness.lease_id, date(2026, 10, 1), date(2026, 10, 31)) == []
    assert store.tenant_production(date(2026, 10, 1), date(2026, 10, 31)) == (63.0, 240.0)


def test_tanks_gauges_and_tickets(harness: Harness) -> None:
    store, lease_id = harness.store, harness.lease_id
    tank = Tank(
        str(uuid.uuid4()), lease_id, None, "T1", "oil", None,
        [{"height_inches": "0", "volume_bbl": "0"}], NOW, NOW,
    )  # fmt: skip
    store.add_tank(tank)
    with pytest.raises(DuplicateError):
        store.add_tank(replace(tank, id=str(uuid.uuid4())))
    assert store.tank(tank.id) == tank and store.tanks(lease_id) == [tank]
    assert store.tanks(str(uuid.uuid4())) == []
    gauge = TankGauge(
        str(uuid.uuid4()), tank.id, date(2026, 10, 31), Decimal("60.00"), Decimal("120.00"),
        "office", None, NOW,
    )  # fmt: skip
    assert store.put_gauge(gauge) == gauge
    replaced = store.put_gauge(
        replace(gauge, id=str(uuid.uuid4()), volume_bbl=Decimal("121.50"), source="field")
    )
    assert replaced == replace(gauge, volume_bbl=Decimal("121.50"), source="field")
    assert store.gauges(tank.id, date(2026, 10, 1), date(2026, 10, 31)) == [replaced]
    assert store.latest_gauge(tank.id, date(2026, 10, 30)) is None
    assert store.latest_gauge(tank.id, date(2026, 11, 5)) == replaced
    ticket = RunTicket(
        str(uuid.uuid4()), "RT-1", tank.id, lease_id, date(2026, 10, 20), "Plains", None,
        Decimal("180.00"), Decimal("30.00"), Decimal("40.0"), Decimal("60.0"), Decimal("0.000"),
        None, None, Decimal("40.0"), Decimal("1.00000"), Decimal("300.00"), Decimal("300.00"),
        Decimal("300.00"), None, None, NOW,
    )  # fmt: skip
    store.add_run_ticket(ticket)
    with pytest.raises(DuplicateError):
        store.add_run_ticket(replace(ticket, id=str(uuid.uuid4())))
    assert store.run_tickets([lease_id], date(2026, 10, 1), date(2026, 10, 31)) == [ticket]
    assert store.run_tickets([], date(2026, 10, 1), date(2026, 10, 31)) == []
    assert store.run_tickets(None, date(2026, 11, 1), date(2026, 11, 30)) == []


def test_filings_owners_interests_and_settings(harness: Harness) -> None:
    store, lease_id = harness.store, harness.lease_id
    filing = Filing(
        str(uuid.uuid4()), "TX_PR", "1", "2026-10", "draft", False,
        {"lease_ids": [lease_id]}, None, NOW, NOW,
    )  # fmt: skip
    store.add_filing(filing)
    with pytest.raises(DuplicateError):
        store.add_filing(replace(filing, id=str(uuid.uuid4())))
    assert store.filed_periods("2026-10") == []
    assert store.filing("TX_PR", "1", "2026-10") == filing
    filed = replace(filing, status="filed", filed_at=NOW, updated_at=NOW + timedelta(hours=1))
    store.update_filing(filed)
    assert store.filed_periods("2026-10") == [filed]
    assert store.filing_by_id(filing.id) == filed
    assert store.filing_by_id(str(uuid.uuid4())) is None
    heir, bank = (
        OwnerRow(str(uuid.uuid4()), "Heir", None, None, None, NOW),
        OwnerRow(str(uuid.uuid4()), "Bank", "12", "Main St", "probate", NOW),
    )
    store.add_owner(heir)
    store.add_owner(bank)
    assert store.owners() == [bank, heir]

    def line(owner: OwnerRow, product: str, share: str) -> InterestRow:
        return InterestRow(
            str(uuid.uuid4()), lease_id, owner.id, "royalty", product, Decimal(share),
            date(2020, 1, 1), None,
        )  # fmt: skip

    store.replace_interests(lease_id, [line(heir, "oil", "1")])
    division = [line(heir, "oil", "0.5000000000"), line(bank, "gas", "1.0000000000")]
    division.append(line(bank, "oil", "0.5000000000"))
    store.replace_interests(lease_id, division)
    expected = sorted(division, key=lambda i: (i.product, i.effective_from, i.owner_id))
    assert store.interests(lease_id) == expected
    store.put_setting("gwp", "AR4", None, NOW)
    store.put_setting("gwp", "AR5", None, NOW)
    assert store.settings() == {"gwp": "AR5"}


def test_dispositions_of_a_period_by_time_recorded(harness: Harness) -> None:
    store, lease_id = harness.store, harness.lease_id

    def recorded(minutes: int, period: str = "2026-10") -> RecordedDisposition:
        return RecordedDisposition(
            str(uuid.uuid4()), lease_id, period, "gas", "sold", Decimal("1200.00"), "ET",
            Decimal("3.0000"), None, None, NOW + timedelta(minutes=minutes),
        )  # fmt: skip

    first, second, later = recorded(0), recorded(5), recorded(0, "2026-11")
    for row in (second, first, later):
        store.add_disposition(row)
    assert store.dispositions([lease_id], "2026-10") == [first, second]
    assert store.dispositions(None, "2026-11") == [later]
    assert store.dispositions([], "2026-10") == []


def test_lease_profiles_are_put_and_listed_by_state(harness: Harness) -> None:
    store, lease_id = harness.store, harness.lease_id
    assert store.profile(lease_id) is None and store.profiles(None) == []
    profile = LeaseProfile(lease_id, "TX", "1", "08", "123", None, "Spraberry", None, [], NOW)
    store.put_profile(profile)
    moved = replace(profile, state="NM", tax_flags=["stripper"], updated_at=NOW + timedelta(1))
    store.put_profile(moved)
    assert store.profile(lease_id) == moved
    assert store.profiles("NM") == [moved] and store.profiles("TX") == []


def test_emission_entries_by_period_and_facility(harness: Harness) -> None:
    store = harness.store
    assert store.facility(FACILITY_ID) == Facility(FACILITY_ID, "Cole battery")
    assert store.facility(str(uuid.uuid4())) is None

    def entry(period: str, minutes: int) -> EmissionEntry:
        return EmissionEntry(
            str(uuid.uuid4()), FACILITY_ID, period, "flare", 1000.0, 1.1, {"CH4": 0.9},
            None, {"units": 1}, "note", "al@acme.com", NOW + timedelta(minutes=minutes),
        )  # fmt: skip

    later, earlier, other = entry("2026-10", 5), entry("2026-10", 0), entry("2026-11", 0)
    for row in (later, earlier, other):
        store.add_emission_entry(row)
    assert store.emission_entries("2026-10", None) == [earlier, later]
    assert store.emission_entries("2026-11", FACILITY_ID) == [other]
    assert store.emission_entries("2026-11", str(uuid.uuid4())) == []
