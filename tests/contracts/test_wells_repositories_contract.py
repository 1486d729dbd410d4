"""The wells repositories' contract: one suite, run on PostgreSQL, MariaDB/MySQL and the
in-memory twin, so the fake the functional tier uses cannot drift from the databases."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from shared.adapters.memory.tenant_data import MemoryTenantDatabases
from shared.adapters.sql.engines import PoolSettings, create_engine
from shared.adapters.sql.provisioning import SqlTenantProvisioner
from shared.adapters.sql.unit_of_work import SqlTenantUnitOfWork
from shared.adapters.sql.urls import normalize_url
from shared.core.common.errors import ConflictError
from shared.core.common.units_of_work import AuditEntry
from shared.core.registry.model.tenants import DatabaseKind, Tenant, TenantStatus
from shared.core.wells.model.records import Lease, OilField, ProductionDay, Well
from shared.core.wells.ports import WellQuery, WellsUnitOfWork

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

OpenUnitOfWork = Callable[[], WellsUnitOfWork]


def _sql(request: pytest.FixtureRequest, fixture: str) -> Iterator[OpenUnitOfWork]:
    url: str = request.getfixturevalue(fixture)
    SqlTenantProvisioner(normalize_url(url), "unused_").migrate(url)
    engine = create_engine(url, PoolSettings())
    yield lambda: SqlTenantUnitOfWork(engine)
    engine.dispose()


@pytest.fixture(params=["memory", "postgresql", pytest.param("mysql", marks=pytest.mark.mysql)])
def open_uow(request: pytest.FixtureRequest) -> Iterator[OpenUnitOfWork]:
    if request.param == "memory":
        tenant = Tenant(
            str(uuid.uuid4()), "acme", "Acme", TenantStatus.ACTIVE, "standard",
            DatabaseKind.POSTGRESQL, "ref", "local", "local",
        )  # fmt: skip
        databases = MemoryTenantDatabases()
        yield lambda: databases.unit_of_work(tenant)
        return
    fixture = "fresh_pg_database" if request.param == "postgresql" else "mysql_database"
    yield from _sql(request, fixture)


def _aware(moment: datetime) -> datetime:
    """MySQL hands some times back without their zone; they are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _well(name: str, **values: Any) -> Well:
    return Well(
        id=str(uuid.uuid4()),
        name=name,
        well_type=values.pop("well_type", "OIL"),
        status=values.pop("status", "PLANNED"),
        created_at=NOW,
        updated_at=NOW,
        **values,
    )


def _day(well_id: str, offset: int, oil: float) -> ProductionDay:
    return ProductionDay(
        well_id=well_id,
        production_date=date(2024, 1, 1) + timedelta(days=offset),
        oil_bbl=oil + offset,
        gas_mcf=100.0,
        hours_on=24.0,
        is_estimated=offset % 2 == 0,
        notes="tab\there, back\\slash, ünïcode",
        updated_at=datetime(2024, 2, 1, 12, 0, tzinfo=UTC),
        updated_by="pumper@acme.test",
    )


def _catalog(uow: WellsUnitOfWork) -> tuple[OilField, Lease]:
    field = uow.fields.add(
        OilField(
            id=str(uuid.uuid4()),
            name="Spraberry",
            code="SPR",
            status="ACTIVE",
            created_at=NOW,
            updated_at=NOW,
        )
    )
    lease = uow.leases.add(
        Lease(
            id=str(uuid.uuid4()),
            lease_number="L-1",
            name="Smith",
            field_id=field.id,
            royalty_rate=0.1875,
            status="ACTIVE",
            created_at=NOW,
            updated_at=NOW,
        )
    )
    return field, lease


def test_wells_are_listed_filtered_found_and_changed(open_uow: OpenUnitOfWork) -> None:
    # GIVEN a field, a lease and three wells written in one committed unit of work
    with open_uow() as uow:
        field, lease = _catalog(uow)
        wells = [
            uow.wells.add(
                _well(name, api_number=api, status=status, lease_id=lease.id, field_id=field.id)
            )
            for name, api, status in (
                ("Smith 1H", "42501201300000", "PRODUCING"),
                ("Smith 2H", "42501201310000", "PLANNED"),
                ("Jones 1", "42317000010000", "PRODUCING"),
            )
        ]
        uow.commit()

    # WHEN wells are listed, filtered, read and changed
    with open_uow() as uow:
        everything = uow.wells.list(WellQuery(limit=2))
        producing = uow.wells.list(WellQuery(status="PRODUCING"))
        by_name = uow.wells.list(WellQuery(text="smith"))
        by_api = uow.wells.list(WellQuery(text="42317"))
        by_dashed_api = uow.wells.list(WellQuery(text="42-501-20131"))
        wildcard = uow.wells.list(WellQuery(text="%"))
        by_lease = uow.wells.list(WellQuery(lease_id=lease.id, field_id=field.id))
        only = uow.wells.list(WellQuery(only_ids={wells[2].id}))
        none = uow.wells.list(WellQuery(only_ids=set()))
        fetched = uow.wells.get(wells[0].id)
        found = uow.wells.find_by_api_number("42501201310000")
        changed = uow.wells.update(wells[1].id, {"status": "PERMITTED", "name": "Smith 2"})
        uow.commit()

    # THEN every query answers the same on every store
    assert everything.total == 3
    assert [w.name for w in everything.items] == ["Jones 1", "Smith 1H"]
    assert {w.name for w in producing.items} == {"Smith 1H", "Jones 1"}
    assert {w.name for w in by_name.items} == {"Smith 1H", "Smith 2H"}
    assert [w.name for w in by_api.items] == ["Jones 1"]
    assert [w.name for w in by_dashed_api.items] == ["Smith 2H"]
    assert wildcard.total == 0
    assert by_lease.total == 3
    assert [w.id for w in only.items] == [wells[2].id]
    assert none.total == 0
    assert fetched == wells[0] and fetched.lease_id == lease.id
    assert found is not None and found.id == wells[1].id
    assert (changed.status, changed.name) == ("PERMITTED", "Smith 2")
    assert _aware(changed.updated_at) > NOW and _aware(changed.created_at) == NOW

    # WHEN a well is soft-deleted, THEN it is gone from get and list
    with open_uow() as uow:
        deleted = uow.wells.update(wells[2].id, {"deleted_at": datetime.now(UTC)})
        uow.commit()
    assert deleted.deleted_at is not None
    with open_uow() as uow:
        assert uow.wells.get(wells[2].id) is None
        assert uow.wells.list(WellQuery()).total == 2


def test_catalog_records_keep_their_keys_unique_and_their_references(
    open_uow: OpenUnitOfWork,
) -> None:
    # GIVEN a field and a lease of it
    with open_uow() as uow:
        field, lease = _catalog(uow)
        uow.commit()
    # WHEN the catalog is read by id, by business key and by filter
    with open_uow() as uow:
        assert uow.fields.get(field.id) == field
        assert uow.leases.find_by_key("L-1") == lease
        assert uow.leases.find_by_key("L-2") is None
        assert uow.leases.list({"field_id": field.id}, 10, 0).items == [lease]
        assert uow.leases.list({"status": "INACTIVE"}, 10, 0).total == 0
        changed = uow.leases.update(lease.id, {"royalty_rate": 0.2})
    # THEN it answers with the records as written, and a change keeps the rest
    assert changed == replace(lease, royalty_rate=0.2, updated_at=changed.updated_at)
    # AND a second lease with the same number is refused
    with pytest.raises(ConflictError), open_uow() as uow:
        uow.leases.add(replace(lease, id=str(uuid.uuid4()), name="Copy"))


def test_production_days_are_upserted_and_read_in_date_order(open_uow: OpenUnitOfWork) -> None:
    # GIVEN a well
    with open_uow() as uow:
        well = uow.wells.add(_well("W"))
        uow.commit()
    # WHEN the same 40 days are upserted twice, the second time with new volumes
    with open_uow() as uow:
        assert uow.production.upsert_days([_day(well.id, n, 10.0) for n in range(40)]) == 40
        uow.commit()
    with open_uow() as uow:
        assert uow.production.upsert_days([_day(well.id, n, 50.0) for n in range(40)]) == 40
        uow.commit()
    # THEN there are 40 days, in date order, holding the second values
    with open_uow() as uow:
        days = uow.production.between(well.id, date(2023, 12, 1), date(2024, 12, 31))
        one = uow.production.get_day(well.id, date(2024, 1, 3))
        missing = uow.production.get_day(well.id, date(2023, 1, 3))
    assert len(days) == 40
    assert [d.production_date for d in days] == sorted(d.production_date for d in days)
    assert days[0].oil_bbl == 50.0 and days[-1].oil_bbl == 89.0
    assert one is not None and missing is None
    assert replace(one, updated_at=_aware(one.updated_at)) == _day(well.id, 2, 50.0)


def test_a_unit_of_work_without_commit_writes_nothing(open_uow: OpenUnitOfWork) -> None:
    with open_uow() as uow:
        uow.wells.add(_well("Ghost"))
    with open_uow() as uow:
        assert uow.wells.list(WellQuery()).total == 0


def test_a_page_past_the_end_still_counts_the_rows(open_uow: OpenUnitOfWork) -> None:
    with open_uow() as uow:
        for name in ("A", "B", "C"):
            uow.wells.add(_well(name))
        uow.commit()
    with open_uow() as uow:
        inside = uow.wells.list(WellQuery(limit=2, offset=2))
        past = uow.wells.list(WellQuery(limit=2, offset=10))
        empty = uow.wells.list(WellQuery(status="PLUGGED"))
    assert [w.name for w in inside.items] == ["C"] and inside.total == 3
    assert past.items == [] and past.total == 3
    assert empty.items == [] and empty.total == 0


def test_assignments_are_idempotent_and_removable(open_uow: OpenUnitOfWork) -> None:
    user_id = str(uuid.uuid4())
    with open_uow() as uow:
        well = uow.wells.add(_well("A", is_horizontal=True))
        uow.assignments.assign(user_id, well.id, "admin@acme.test", NOW)
        uow.assignments.assign(user_id, well.id, "admin@acme.test", NOW)
        uow.commit()
    with open_uow() as uow:
        assert uow.assignments.well_ids_for(user_id) == {well.id}
        uow.assignments.unassign(user_id, well.id)
        uow.commit()
    with open_uow() as uow:
        assert uow.assignments.well_ids_for(user_id) == set()


def test_the_audit_log_keeps_before_and_after_as_json(open_uow: OpenUnitOfWork) -> None:
    well_id = str(uuid.uuid4())
    with open_uow() as uow:
        uow.audit.record(
            AuditEntry(
                action="well.updated",
                entity="well",
                entity_id=well_id,
                actor_id=str(uuid.uuid4()),
                actor_email="admin@acme.test",
                at=NOW,
                before={"status": "PLANNED", "spud_date": date(2024, 1, 1)},
                after={"status": "PERMITTED"},
                request_id="req-1",
            )
        )
        uow.commit()
    with open_uow() as uow:
        entries = uow.audit.list("well", well_id, limit=10)
    assert len(entries) == 1
    assert entries[0].actor_email == "admin@acme.test"
    assert entries[0].before == {"status": "PLANNED", "spud_date": "2024-01-01"}
    assert entries[0].after == {"status": "PERMITTED"}
    assert (entries[0].request_id, entries[0].at) == ("req-1", NOW)
