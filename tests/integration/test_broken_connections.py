"""A connection that a driver error may have left mid-protocol never serves again.

pg8000 sends a statement before it converts the parameters: a datetime whose
UTC value is before year 1 fails there, and the server's answers stay unread
on the socket. The tenant must not inherit that connection.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from functions.api.app import create_app
from shared.adapters.sql.engines import PoolSettings, create_engine
from shared.adapters.sql.unit_of_work import SqlTenantUnitOfWork
from shared.bootstrap import Platform
from shared.core.registry.services.tenants import CreateTenant
from shared.core.scada.ports import ReadingQuery
from tests.integration.conftest import TenantSession
from tests.integration.ingest_support import build_site

YEAR_ZERO_IN_UTC = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1)))


def one_connection_engine(platform: Platform, slug: str) -> tuple[sa.Engine, list[object]]:
    """An engine on the tenant's database whose pool holds one connection; and its opens."""
    tenant = platform.tenants.get(slug)
    url = platform.tenant_databases.engines.engine_for(tenant).url
    engine = create_engine(url, PoolSettings(pool_size=1, max_overflow=0))
    opened: list[object] = []
    sa.event.listen(engine, "connect", lambda dbapi_connection, _record: opened.append(1))
    return engine, opened


def no_readings(engine: sa.Engine, start: datetime) -> list[object]:
    with SqlTenantUnitOfWork(engine) as uow:
        return list(uow.readings.raw(ReadingQuery([1], start, datetime.now(UTC))))


def test_a_connection_that_had_a_driver_error_is_not_handed_out_again(platform):
    platform.tenants.create(CreateTenant(slug="acme", name="Acme", admin_email="a@acme.test"))
    engine, opened = one_connection_engine(platform, "acme")
    try:
        assert no_readings(engine, datetime.now(UTC) - timedelta(days=1)) == []
        assert len(opened) == 1

        with pytest.raises(OverflowError):
            no_readings(engine, YEAR_ZERO_IN_UTC)

        for _ in range(3):  # every later unit of work answers right, on a new connection
            assert no_readings(engine, datetime.now(UTC) - timedelta(days=1)) == []
        assert len(opened) == 2
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "params",
    [
        {"from": "0001-01-01T00:00:00+01:00"},
        {"to": "9999-12-31T23:59:59-01:00"},
        {"to": "0001-01-01T00:00:00Z"},
    ],
)
def test_a_reading_range_that_cannot_be_represented_is_422_and_the_tenant_still_answers(
    platform, acme: TenantSession, params
):
    site = build_site(acme, tag_names=("tubing_pressure",))
    url = f"/api/v1/wells/{site.wells[0]['id']}/readings"
    with TestClient(create_app(platform), raise_server_exceptions=False) as client:
        refused = client.get(url, params=params, headers=acme.headers)

        for _ in range(6):  # more than the pool holds: no request gets a broken connection
            readings = client.get(url, headers=acme.headers)
            assert readings.status_code == 200, readings.text
            assert readings.json()["well_id"] == site.wells[0]["id"]
            wells = client.get("/api/v1/wells", headers=acme.headers)
            assert wells.status_code == 200, wells.text
            assert [w["id"] for w in wells.json()["items"]] == [site.wells[0]["id"]]

    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == next(iter(params))


def test_a_driver_error_inside_a_savepoint_surfaces_as_itself(platform):
    platform.tenants.create(CreateTenant(slug="acme", name="Acme", admin_email="a@acme.test"))
    engine, opened = one_connection_engine(platform, "acme")
    now = datetime.now(UTC)
    try:
        with pytest.raises(OverflowError), SqlTenantUnitOfWork(engine) as uow:
            with uow.savepoint():
                uow.readings.raw(ReadingQuery([1], YEAR_ZERO_IN_UTC, now))
        assert no_readings(engine, now - timedelta(days=1)) == []
        assert len(opened) == 2
    finally:
        engine.dispose()
