"""The tenant schema and repositories, written once, on PostgreSQL and MariaDB/MySQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from shared.adapters.sql.engines import PoolSettings, create_engine
from shared.adapters.sql.migrate import head_revision
from shared.adapters.sql.provisioning import SqlTenantProvisioner
from shared.adapters.sql.scada.readings_copy import reading_writer_for
from shared.adapters.sql.unit_of_work import SqlTenantUnitOfWork
from shared.adapters.sql.urls import normalize_url
from shared.core.common.units_of_work import AuditEntry
from shared.core.scada.model.columns import ReadingColumns
from shared.core.scada.ports import ReadingQuery
from shared.core.wells.ports import WellQuery


@pytest.fixture
def mysql_database(mysql_server_url: str) -> Iterator[str]:
    """A new database on the MariaDB/MySQL server, dropped afterwards; yields its URL."""
    name = f"wt_{uuid.uuid4().hex[:10]}"
    server = normalize_url(mysql_server_url)
    admin = sa.create_engine(server, poolclass=NullPool)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
    admin.dispose()


@pytest.fixture(params=["postgresql", pytest.param("mysql", marks=pytest.mark.mysql)])
def tenant_url(request: pytest.FixtureRequest) -> str:
    fixture = "fresh_pg_database" if request.param == "postgresql" else "mysql_database"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
def engine(tenant_url: str) -> Iterator[sa.Engine]:
    # GIVEN a tenant database migrated to head by the provisioner
    revision = SqlTenantProvisioner(normalize_url(tenant_url), "unused_").migrate(tenant_url)
    assert revision == head_revision("tenant")
    built = create_engine(tenant_url, PoolSettings())
    yield built
    built.dispose()


def _production_rows(well_id: str, days: int, oil: float) -> list[dict[str, object]]:
    start = date(2024, 1, 1)
    return [
        {
            "well_id": well_id,
            "production_date": start + timedelta(days=offset),
            "oil_bbl": oil + offset,
            "gas_mcf": 100.0,
            "water_bbl": None,
            "hours_on": 24.0,
            "is_estimated": offset % 2 == 0,
            "notes": "tab\there, back\\slash, ünïcode",
            "updated_at": datetime(2024, 2, 1, 12, 0, tzinfo=UTC),
            "updated_by": "pumper@acme.test",
        }
        for offset in range(days)
    ]


def test_wells_catalog_production_and_audit_round_trip(engine: sa.Engine) -> None:
    # GIVEN a field, a lease and three wells written in one committed unit of work
    with SqlTenantUnitOfWork(engine) as uow:
        field = uow.fields.add({"name": "Spraberry", "code": "SPR", "status": "ACTIVE"})
        lease = uow.leases.add(
            {
                "lease_number": "L-1",
                "name": "Smith",
                "field_id": field["id"],
                "royalty_rate": 0.1875,
                "status": "ACTIVE",
            }
        )
        wells = [
            uow.wells.add(
                {
                    "name": name,
                    "api_number": api,
                    "lease_id": lease["id"],
                    "field_id": field["id"],
                    "well_type": "OIL",
                    "status": status,
                    "is_horizontal": False,
                }
            )
            for name, api, status in (
                ("Smith 1H", "42501201300000", "PRODUCING"),
                ("Smith 2H", "42501201310000", "PLANNED"),
                ("Jones 1", "42317000010000", "PRODUCING"),
            )
        ]
        uow.commit()

    # WHEN wells are listed, filtered, read and changed
    with SqlTenantUnitOfWork(engine) as uow:
        everything = uow.wells.list(WellQuery(limit=2))
        producing = uow.wells.list(WellQuery(status="PRODUCING"))
        by_name = uow.wells.list(WellQuery(text="smith"))
        by_api = uow.wells.list(WellQuery(text="42317"))
        by_dashed_api = uow.wells.list(WellQuery(text="42-501-20131"))
        wildcard = uow.wells.list(WellQuery(text="%"))
        by_lease = uow.wells.list(WellQuery(lease_id=lease["id"], field_id=field["id"]))
        only = uow.wells.list(WellQuery(only_ids={wells[2]["id"]}))
        none = uow.wells.list(WellQuery(only_ids=set()))
        fetched = uow.wells.get(wells[0]["id"])
        found = uow.wells.find_by_api_number("42501201310000")
        changed = uow.wells.update(wells[1]["id"], {"status": "PERMITTED", "name": "Smith 2"})
        uow.commit()

    # THEN every query answers the same on this database
    assert everything.total == 3
    assert [w["name"] for w in everything.items] == ["Jones 1", "Smith 1H"]
    assert {w["name"] for w in producing.items} == {"Smith 1H", "Jones 1"}
    assert {w["name"] for w in by_name.items} == {"Smith 1H", "Smith 2H"}
    assert [w["name"] for w in by_api.items] == ["Jones 1"]
    assert [w["name"] for w in by_dashed_api.items] == ["Smith 2H"]
    assert wildcard.total == 0
    assert by_lease.total == 3
    assert [w["id"] for w in only.items] == [wells[2]["id"]]
    assert none.total == 0
    assert fetched is not None and fetched["id"] == wells[0]["id"]
    assert fetched["lease_id"] == lease["id"]
    assert found is not None and found["id"] == wells[1]["id"]
    assert changed["status"] == "PERMITTED" and changed["name"] == "Smith 2"

    # WHEN a well is soft-deleted
    with SqlTenantUnitOfWork(engine) as uow:
        uow.wells.update(wells[2]["id"], {"deleted_at": datetime.now(UTC)})
        uow.commit()
    # THEN it is gone from get and list
    with SqlTenantUnitOfWork(engine) as uow:
        assert uow.wells.get(wells[2]["id"]) is None
        assert uow.wells.list(WellQuery()).total == 2

    # WHEN the same 40 production days are upserted twice, the second time with new volumes
    well_id = wells[0]["id"]
    with SqlTenantUnitOfWork(engine) as uow:
        assert uow.production.upsert_days(_production_rows(well_id, 40, oil=10.0)) == 40
        uow.commit()
    with SqlTenantUnitOfWork(engine) as uow:
        assert uow.production.upsert_days(_production_rows(well_id, 40, oil=50.0)) == 40
        uow.commit()

    # THEN there are 40 rows, in date order, holding the second values
    with SqlTenantUnitOfWork(engine) as uow:
        days = uow.production.between(well_id, date(2023, 12, 1), date(2024, 12, 31))
        one = uow.production.get_day(well_id, date(2024, 1, 3))
    assert len(days) == 40
    assert [d["production_date"] for d in days] == sorted(d["production_date"] for d in days)
    assert days[0]["oil_bbl"] == 50.0 and days[-1]["oil_bbl"] == 89.0
    assert one is not None and one["is_estimated"] is True and one["hours_on"] == 24.0
    assert one["notes"] == "tab\there, back\\slash, ünïcode"
    assert one["water_bbl"] is None

    # WHEN an audit entry is recorded and listed
    with SqlTenantUnitOfWork(engine) as uow:
        uow.audit.record(
            AuditEntry(
                action="well.updated",
                entity="well",
                entity_id=well_id,
                actor_id=str(uuid.uuid4()),
                actor_email="admin@acme.test",
                at=datetime.now(UTC),
                before={"status": "PLANNED", "spud_date": date(2024, 1, 1)},
                after={"status": "PERMITTED"},
                request_id="req-1",
            )
        )
        uow.commit()
    with SqlTenantUnitOfWork(engine) as uow:
        entries = uow.audit.list("well", well_id, limit=10)
    # THEN it comes back with its before/after as JSON
    assert len(entries) == 1
    assert entries[0]["actor_email"] == "admin@acme.test"
    assert entries[0]["before"] == {"status": "PLANNED", "spud_date": "2024-01-01"}
    assert entries[0]["after"] == {"status": "PERMITTED"}
    assert entries[0]["request_id"] == "req-1"


def test_unit_of_work_without_commit_writes_nothing(engine: sa.Engine) -> None:
    # GIVEN a unit of work that adds a well and is left without commit
    with SqlTenantUnitOfWork(engine) as uow:
        uow.wells.add(
            {"name": "Ghost", "well_type": "OIL", "status": "PLANNED", "is_horizontal": False}
        )
    # WHEN another unit of work lists the wells
    with SqlTenantUnitOfWork(engine) as uow:
        page = uow.wells.list(WellQuery())
    # THEN the well is not there
    assert page.total == 0


def test_assignments_are_idempotent_and_removable(engine: sa.Engine) -> None:
    # GIVEN a well and a user id
    user_id = str(uuid.uuid4())
    with SqlTenantUnitOfWork(engine) as uow:
        well = uow.wells.add(
            {"name": "A", "well_type": "GAS", "status": "PLANNED", "is_horizontal": True}
        )
        # WHEN the well is assigned twice
        uow.assignments.assign(user_id, well["id"], "admin@acme.test", datetime.now(UTC))
        uow.assignments.assign(user_id, well["id"], "admin@acme.test", datetime.now(UTC))
        uow.commit()
    # THEN the user has it once; after unassigning, not at all
    with SqlTenantUnitOfWork(engine) as uow:
        assert uow.assignments.well_ids_for(user_id) == {well["id"]}
        uow.assignments.unassign(user_id, well["id"])
        uow.commit()
    with SqlTenantUnitOfWork(engine) as uow:
        assert uow.assignments.well_ids_for(user_id) == set()


def test_production_range_reads_the_same_values_as_row_by_row(engine: sa.Engine) -> None:
    # GIVEN a well with 40 days of production, some values whole, fractional, missing, odd
    with SqlTenantUnitOfWork(engine) as uow:
        well = uow.wells.add(
            {"name": "W", "well_type": "OIL", "status": "PRODUCING", "is_horizontal": True}
        )
        rows = _production_rows(well["id"], 40, oil=0.1)
        rows[3]["oil_bbl"], rows[4]["gas_mcf"], rows[5]["hours_on"] = 1e300, 1.5e-7, 80.0
        rows[6]["updated_at"] = datetime(2024, 2, 1, 12, 0, 0, 120, tzinfo=UTC)
        uow.production.upsert_days(rows)
        uow.commit()
    # WHEN the range is read, and the same rows are read one by one
    with SqlTenantUnitOfWork(engine) as uow:
        days = uow.production.between(well["id"], date(2024, 1, 1), date(2024, 12, 31))
        one_by_one = [
            uow.production.get_day(well["id"], date(2024, 1, 1) + timedelta(days=n))
            for n in range(40)
        ]
    # THEN they are equal, value for value and type for type
    assert days == one_by_one
    assert [[type(v) for v in d.values()] for d in days] == [
        [type(v) for v in d.values()] for d in one_by_one if d is not None
    ]
    assert days[5]["hours_on"] == 80.0 and isinstance(days[5]["hours_on"], float)


def test_a_page_past_the_end_still_counts_the_rows(engine: sa.Engine) -> None:
    # GIVEN three wells
    with SqlTenantUnitOfWork(engine) as uow:
        for name in ("A", "B", "C"):
            uow.wells.add(
                {"name": name, "well_type": "OIL", "status": "PLANNED", "is_horizontal": False}
            )
        uow.commit()
    # WHEN pages inside and past the end are listed
    with SqlTenantUnitOfWork(engine) as uow:
        inside = uow.wells.list(WellQuery(limit=2, offset=2))
        past = uow.wells.list(WellQuery(limit=2, offset=10))
        empty = uow.wells.list(WellQuery(status="PLUGGED"))
    # THEN each knows the total, and no row carries the count
    assert [w["name"] for w in inside.items] == ["C"] and inside.total == 3
    assert past.items == [] and past.total == 3
    assert empty.items == [] and empty.total == 0
    assert "wellos_total_rows" not in inside.items[0]


def test_readings_latest_buckets_and_pages_on_this_database(engine: sa.Engine) -> None:
    # GIVEN three tags: two with readings every 10 minutes for two hours, one without any
    start = datetime(2024, 3, 1, tzinfo=UTC)
    ts_us = np.array(
        [int((start + timedelta(minutes=10 * n)).timestamp() * 1e6) for n in range(12)],
        dtype=np.int64,
    )
    parts = [
        ReadingColumns(
            tag_id=np.full(12, tag_id, dtype=np.int32),
            ts_us=ts_us,
            server_ts_us=ts_us,
            server_ts_missing=np.zeros(12, dtype=bool),
            value=np.arange(12, dtype=np.float64) * tag_id,
            status=np.zeros(12, dtype=np.int32),
        )
        for tag_id in (1, 2)
    ]
    with engine.begin() as connection:
        reading_writer_for(connection).write([ReadingColumns.concat(parts)])
    query = ReadingQuery([1, 2, 3], start, start + timedelta(hours=2), limit=5, offset=1)
    # WHEN the newest values, hourly buckets and a page of raw readings are read
    with SqlTenantUnitOfWork(engine) as uow:
        latest = uow.readings.latest([3, 2, 1])
        hourly = uow.readings.buckets(query, 3600)
        page = uow.readings.raw(query)
    # THEN each tag's newest reading, each hour's figures, and the page's rows in order
    assert sorted((row.tag_id, row.value) for row in latest) == [(1, 11.0), (2, 22.0)]
    assert [(b.tag_id, b.readings, b.min, b.max, b.last) for b in hourly] == [
        (1, 6, 0.0, 5.0, 5.0),
        (2, 6, 0.0, 10.0, 10.0),
        (1, 6, 6.0, 11.0, 11.0),
        (2, 6, 12.0, 22.0, 22.0),
    ]
    assert hourly[0].avg == 2.5 and isinstance(hourly[0].avg, float)
    assert [_aware(b.bucket_start) for b in hourly[:3:2]] == [start, start + timedelta(hours=1)]
    assert [(row.tag_id, row.value) for row in page] == [
        (2, 0.0),
        (1, 1.0),
        (2, 2.0),
        (1, 2.0),
        (2, 4.0),
    ]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
