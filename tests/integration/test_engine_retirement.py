"""A tenant engine the cache drops closes its connections, in use ones included.

An evicted (least recently used) or idle-closed engine may still have a connection
out, serving the request that was running when the cache dropped it. Disposing the
engine closes only the idle ones; the one in use must close when it is returned,
not whenever the garbage collector finds its old pool. Counted in pg_stat_activity.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from shared.adapters.memory.secrets import InMemorySecrets
from shared.adapters.sql.engines import PoolSettings, TenantEngineCache
from shared.adapters.sql.urls import connectable, normalize_url
from shared.core.registry.model.tenants import DatabaseKind, Tenant, TenantStatus
from tests.conftest import _admin_engine


def tenant(n: int) -> Tenant:
    kind, status = DatabaseKind.POSTGRESQL, TenantStatus.ACTIVE
    return Tenant(f"t-{n}", f"t{n}", f"T{n}", status, "std", kind, f"db-{n}", "local", "local")


@pytest.fixture
def two_databases(pg_server_url: str) -> Iterator[tuple[InMemorySecrets, list[str]]]:
    tag = uuid.uuid4().hex[:8]
    names = [f"wret_{tag}_{n}" for n in range(2)]
    admin = _admin_engine(pg_server_url)
    secrets = InMemorySecrets()
    with admin.connect() as connection:
        for n, name in enumerate(names):
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
            url = normalize_url(pg_server_url).set(database=name)
            secrets.set(f"db-{n}", connectable(url))
    yield secrets, names
    with admin.connect() as connection:
        for name in names:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def connections_to(server_url: str, database: str, at_most: int, within_s: float = 10.0) -> int:
    """Backends on `database`, once at most `at_most` (an exiting backend lingers a moment)."""
    engine = sa.create_engine(normalize_url(server_url), poolclass=sa.pool.NullPool)
    query = sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = :name")
    deadline = time.monotonic() + within_s
    try:
        while True:
            with engine.connect() as connection:
                count = int(connection.execute(query, {"name": database}).scalar_one())
            if count <= at_most or time.monotonic() > deadline:
                return count
            time.sleep(0.05)
    finally:
        engine.dispose()


@pytest.mark.parametrize("dropped_by", ["eviction", "idle close", "forget"])
def test_a_connection_in_use_when_its_engine_is_dropped_closes_when_returned(
    two_databases: tuple[InMemorySecrets, list[str]], pg_server_url: str, dropped_by: str
) -> None:
    secrets, names = two_databases
    now = [0.0]
    cache = TenantEngineCache(
        secrets, capacity=1, pool=PoolSettings(pool_size=2, max_overflow=0), idle_s=60,
        monotonic=lambda: now[0],
    )  # fmt: skip
    # GIVEN tenant 0's engine with one idle pooled connection and one serving a request
    engine = cache.engine_for(tenant(0))
    warm, in_use = engine.connect(), engine.connect()
    for connection in (warm, in_use):
        connection.execute(sa.text("SELECT 1"))
    warm.close()  # back in the pool, idle
    old_pool = engine.pool  # kept alive, as a busy process's garbage would keep it
    assert connections_to(pg_server_url, names[0], at_most=2) == 2
    # WHEN the cache drops the engine
    if dropped_by == "eviction":
        cache.engine_for(tenant(1))  # capacity 1: tenant 0 is the least recently used
    elif dropped_by == "idle close":
        now[0] += 61
        assert cache.close_idle() == 1
    else:
        cache.forget("t-0")
    # THEN its idle connection is closed at once, the one in use still serves its request
    assert connections_to(pg_server_url, names[0], at_most=1) == 1
    assert in_use.execute(sa.text("SELECT 2")).scalar_one() == 2
    # AND once the request returns it, tenant 0's database has no connection left
    in_use.close()
    assert connections_to(pg_server_url, names[0], at_most=0) == 0
    assert old_pool is not None
    cache.dispose_all()
