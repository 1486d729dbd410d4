"""Tenant engines: an LRU-bounded cache of small pools, NullPool when serverless."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from shared.adapters.sql.lingering_pool import LingeringOverflowPool
from shared.bootstrap import Platform, build_platform
from shared.settings import Settings
from tests.conftest import _admin_engine
from tests.integration.api_support import api_client, create_well
from tests.integration.conftest import TenantSession, open_tenant


@contextmanager
def _platform(settings: Settings, **update: object) -> Iterator[Platform]:
    platform = build_platform(settings.model_copy(update=update))
    platform.migrate_master()
    try:
        yield platform
    finally:
        platform.close()


def _connections_to(server_url: str, database: str) -> int:
    engine = _admin_engine(server_url)
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = :name"),
                    {"name": database},
                ).scalar_one()
            )
    finally:
        engine.dispose()


def _eventually_no_connections(server_url: str, database: str) -> bool:
    """Closed connections leave pg_stat_activity shortly after; wait for that, not a time."""
    for _ in range(100):
        if _connections_to(server_url, database) == 0:
            return True
        time.sleep(0.05)
    return False


def _database_of(platform: Platform, session: TenantSession) -> str:
    url = platform.secrets.get(session.created.tenant.connection_secret_ref)
    database = sa.make_url(url).database
    assert database is not None
    return database


@pytest.fixture
def one_engine_platform(settings: Settings) -> Iterator[Platform]:
    with _platform(settings, tenant_engine_cache_size=1) as platform:
        yield platform


def test_the_least_recently_used_engine_is_disposed_and_recreated(
    one_engine_platform, pg_server_url
):
    platform = one_engine_platform
    cache = platform.tenant_databases.engines
    with api_client(platform) as client:
        # GIVEN a cache of one engine and two tenants, acme with a well
        acme = open_tenant(platform, client, "acme")
        permian = open_tenant(platform, client, "permian")
        well = create_well(acme)
        acme_db = _database_of(platform, acme)
        assert cache.cached_tenant_ids() == [acme.created.tenant.id]
        acme_engine = cache.engine_for(acme.created.tenant)
        assert isinstance(acme_engine.pool, LingeringOverflowPool)
        assert acme_engine.pool.resting == platform.settings.tenant_pool_size
        most = platform.settings.tenant_pool_size + platform.settings.tenant_pool_max_overflow
        assert acme_engine.pool.size() == most
        assert _connections_to(pg_server_url, acme_db) >= 1
        # WHEN permian is used
        assert client.get("/api/v1/wells", headers=permian.headers).status_code == 200
        # THEN only permian's engine is cached and acme's pool is closed
        assert cache.cached_tenant_ids() == [permian.created.tenant.id]
        assert _eventually_no_connections(pg_server_url, acme_db)
        # WHEN acme is used again THEN its engine comes back and its data with it
        response = client.get(f"/api/v1/wells/{well['id']}", headers=acme.headers)
        assert response.status_code == 200
        assert response.json()["name"] == well["name"]
        assert cache.cached_tenant_ids() == [acme.created.tenant.id]


def test_serverless_uses_no_pool_and_keeps_no_connection(settings, pg_server_url):
    with _platform(settings, serverless=True) as platform, api_client(platform) as client:
        # GIVEN a serverless platform and a tenant that served a request
        acme = open_tenant(platform, client, "acme")
        assert client.get("/api/v1/wells", headers=acme.headers).status_code == 200
        # THEN its engines do not pool, and no connection stays open to the tenant database
        engine = platform.tenant_databases.engines.engine_for(acme.created.tenant)
        assert isinstance(engine.pool, NullPool)
        assert isinstance(platform.master.engine.pool, NullPool)
        assert _eventually_no_connections(pg_server_url, _database_of(platform, acme))
