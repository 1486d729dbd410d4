"""The tenant schema and repositories, written once, on PostgreSQL and MariaDB/MySQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
import sqlalchemy as sa

from shared.adapters.sql.engines import PoolSettings, create_engine
from shared.adapters.sql.migrate import head_revision
from shared.adapters.sql.provisioning import SqlTenantProvisioner
from shared.adapters.sql.scada.readings_copy import reading_writer_for
from shared.adapters.sql.unit_of_work import SqlTenantUnitOfWork
from shared.adapters.sql.urls import normalize_url
from shared.core.scada.model.columns import ReadingColumns
from shared.core.scada.ports import ReadingQuery
from shared.core.wells.model.records import ProductionDay, Well


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


def test_production_range_reads_the_same_values_as_row_by_row(engine: sa.Engine) -> None:
    """The JSON read of a range (PostgreSQL) against the row-by-row read of each day; the
    rest of the wells repositories' behaviour is the contract suite's
    (tests/contracts/test_wells_repositories_contract.py)."""
    # GIVEN a well with 40 days of production, some values whole, fractional, missing, odd
    now = datetime(2024, 2, 1, 12, 0, tzinfo=UTC)
    well = Well(
        id=str(uuid.uuid4()),
        name="W",
        well_type="OIL",
        status="PRODUCING",
        is_horizontal=True,
        created_at=now,
        updated_at=now,
    )
    rows = [
        ProductionDay(
            well_id=well.id,
            production_date=date(2024, 1, 1) + timedelta(days=offset),
            oil_bbl=0.1 + offset,
            gas_mcf=100.0,
            hours_on=24.0,
            is_estimated=offset % 2 == 0,
            notes="tab\there, back\\slash, ünïcode",
            updated_at=now,
            updated_by="pumper@acme.test",
        )
        for offset in range(40)
    ]
    rows[3] = replace(rows[3], oil_bbl=1e300)
    rows[4] = replace(rows[4], gas_mcf=1.5e-7)
    rows[5] = replace(rows[5], hours_on=80.0)
    rows[6] = replace(rows[6], updated_at=datetime(2024, 2, 1, 12, 0, 0, 120, tzinfo=UTC))
    with SqlTenantUnitOfWork(engine) as uow:
        uow.wells.add(well)
        uow.production.upsert_days(rows)
        uow.commit()
    # WHEN the range is read, and the same rows are read one by one
    with SqlTenantUnitOfWork(engine) as uow:
        days = uow.production.between(well.id, date(2024, 1, 1), date(2024, 12, 31))
        one_by_one = [
            uow.production.get_day(well.id, date(2024, 1, 1) + timedelta(days=n)) for n in range(40)
        ]
    # THEN they are equal, value for value and type for type
    assert days == one_by_one
    assert [[type(v) for v in vars(d).values()] for d in days] == [
        [type(v) for v in vars(d).values()] for d in one_by_one if d is not None
    ]
    assert days[5].hours_on == 80.0 and isinstance(days[5].hours_on, float)


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
