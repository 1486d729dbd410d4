"""Two API-like processes touching 200 tenant databases stay inside the connection budget.

docs/operations.md ("Connection budget"): instances × (cache size × (pool size +
overflow)) ≤ server limit − reserve. The two processes here are two
TenantEngineCache instances with the documented small-server settings; they log
in as a role whose CONNECTION LIMIT is that budget, so going over it would fail a
connect, and a sampler counts their connections in pg_stat_activity. The 200
databases are made once for the module (empty: a `SELECT 1` is the workload).
"""

from __future__ import annotations

import gc
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from shared.adapters.memory.secrets import InMemorySecrets
from shared.adapters.sql.engines import PoolSettings, TenantEngineCache, tenant_connection_budget
from shared.adapters.sql.urls import connectable, normalize_url
from shared.core.registry.model.tenants import DatabaseKind, Tenant, TenantStatus
from tests.conftest import _admin_engine

TENANTS = 200
SERVER_LIMIT = 100  # max_connections of the server in the documented example
RESERVE = 20  # superuser slots, migrations, ops sessions (docs/operations.md)
INSTANCES = 2
CACHE_SIZE = 8  # WELLOS_TENANT_ENGINE_CACHE_SIZE
# WELLOS_TENANT_POOL_SIZE / _MAX_OVERFLOW / _OVERFLOW_LINGER_SECONDS (shortened from 60 s)
POOL = PoolSettings(pool_size=1, max_overflow=1, overflow_linger_s=0.5)
WORKERS = 4  # concurrent requests per process
DDL_WORKERS = 8
pytestmark = pytest.mark.slow  # 200 CREATE/DROP DATABASE: about two minutes here


@dataclass(frozen=True)
class Fleet:
    role: str
    tenants: list[Tenant]
    secrets: InMemorySecrets


def tenant(n: int, secret_ref: str) -> Tenant:
    kind, status = DatabaseKind.POSTGRESQL, TenantStatus.ACTIVE
    return Tenant(f"t-{n}", f"t{n}", f"T{n}", status, "std", kind, secret_ref, "local", "local")


@pytest.fixture(scope="module")
def fleet(pg_server_url: str) -> Iterator[Fleet]:
    tag = uuid.uuid4().hex[:8]
    role = f"wcb_{tag}"
    budget = INSTANCES * tenant_connection_budget(CACHE_SIZE, POOL)
    admin = _admin_engine(pg_server_url)
    names = [f"wcb_{tag}_{n:03d}" for n in range(TENANTS)]
    base = normalize_url(pg_server_url).set(username=role, password=None)
    secrets = InMemorySecrets()
    tenants = []
    for n, name in enumerate(names):
        ref = f"tenant-{n}-db"
        secrets.set(ref, connectable(base, name))
        tenants.append(tenant(n, ref))

    def run(statement: str) -> None:
        with admin.connect() as connection:
            connection.execute(sa.text(statement))

    try:
        run(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT {budget}')
        with ThreadPoolExecutor(DDL_WORKERS) as pool:  # the server overlaps their fsyncs
            list(pool.map(run, [f'CREATE DATABASE "{name}"' for name in names]))
        yield Fleet(role, tenants, secrets)
    finally:
        drops = [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names]
        with ThreadPoolExecutor(DDL_WORKERS) as pool:
            list(pool.map(run, drops))
        run(f'DROP ROLE IF EXISTS "{role}"')
        admin.dispose()


class Sampler:
    """Counts the role's connections in pg_stat_activity until stopped; keeps the peak."""

    def __init__(self, server_url: str, role: str) -> None:
        self._engine = sa.create_engine(normalize_url(server_url), pool_size=1)
        self._role = role
        self._stop = threading.Event()
        self.peak = 0
        self._thread = threading.Thread(target=self._run, daemon=True)

    def count(self) -> int:
        with self._engine.connect() as connection:
            query = "SELECT count(*) FROM pg_stat_activity WHERE usename = :role"
            return int(connection.execute(sa.text(query), {"role": self._role}).scalar_one())

    def settled(self, at_most: int, within_s: float = 10.0) -> int:
        """The count once it is at most `at_most`, or after `within_s`.

        A closed connection's backend lingers in pg_stat_activity until it has
        exited, which a loaded machine can stretch past the close: wait for it.
        """
        deadline = time.monotonic() + within_s
        gc.collect()  # a pool an evicted engine left behind closes its connections when collected
        count = self.count()
        while count > at_most and time.monotonic() < deadline:
            time.sleep(0.05)
            count = self.count()
        return count

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.count())
            self._stop.wait(0.01)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.count())
        self._engine.dispose()


def touch_every_tenant(cache: TenantEngineCache, tenants: list[Tenant]) -> None:
    def request(tenant: Tenant) -> None:
        with cache.engine_for(tenant).connect() as connection:
            assert connection.execute(sa.text("SELECT 1")).scalar_one() == 1

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(request, tenants))


def test_the_documented_budget_fits_the_server() -> None:
    assert INSTANCES * tenant_connection_budget(CACHE_SIZE, POOL) <= SERVER_LIMIT - RESERVE


def test_two_processes_touching_200_tenants_stay_within_the_budget(
    fleet: Fleet, pg_server_url: str
) -> None:
    ticks = [0.0]
    caches = [
        TenantEngineCache(fleet.secrets, CACHE_SIZE, POOL, idle_s=300, monotonic=lambda: ticks[0])
        for _ in range(INSTANCES)
    ]
    budget = INSTANCES * tenant_connection_budget(CACHE_SIZE, POOL)
    try:
        # WHEN both processes serve requests for all 200 tenants at once (in opposite orders)
        with Sampler(pg_server_url, fleet.role) as sampler:
            with ThreadPoolExecutor(INSTANCES) as processes:
                orders = [fleet.tenants, fleet.tenants[::-1]]
                list(processes.map(touch_every_tenant, caches, orders))
            time.sleep(POOL.overflow_linger_s)  # the busy spell's overflow lingers this long
            for cache in caches:
                cache.sweep()
            held_when_warm = sampler.settled(INSTANCES * CACHE_SIZE * POOL.pool_size)
        # THEN no connect was refused (the role's limit is the budget), and the peak
        # stayed within it, far below the server's 100
        assert 0 < sampler.peak <= budget < SERVER_LIMIT
        # AND once warm and quiet each process keeps at most its cached engines' idle pools
        assert held_when_warm <= INSTANCES * CACHE_SIZE * POOL.pool_size
        # WHEN the processes sit idle past WELLOS_TENANT_IDLE_SECONDS
        ticks[0] += 301
        closed = [cache.close_idle() for cache in caches]
        # THEN every idle tenant connection is closed
        assert closed == [CACHE_SIZE, CACHE_SIZE]
        assert Sampler(pg_server_url, fleet.role).settled(0) == 0
        print(f"\nconnection budget: peak={sampler.peak} warm={held_when_warm} budget={budget}")
    finally:
        for cache in caches:
            cache.dispose_all()


def test_an_idle_engine_is_closed_on_the_next_request_and_reopened_on_demand(
    fleet: Fleet, pg_server_url: str
) -> None:
    ticks = [0.0]
    cache = TenantEngineCache(
        fleet.secrets, CACHE_SIZE, POOL, idle_s=60, monotonic=lambda: ticks[0]
    )
    sampler = Sampler(pg_server_url, fleet.role)
    try:
        first, second = fleet.tenants[:2]
        touch_every_tenant(cache, [first])
        ticks[0] += 30
        touch_every_tenant(cache, [second])
        assert sampler.settled(2) == 2
        # WHEN the first tenant has been idle 60 s and a request for the second arrives
        ticks[0] += 31
        touch_every_tenant(cache, [second])
        # THEN the first tenant's connection was closed, the second kept
        assert cache.cached_tenant_ids() == [second.id]
        assert sampler.settled(1) == 1
        # AND the first tenant is served again when asked for
        touch_every_tenant(cache, [first])
        assert sorted(cache.cached_tenant_ids()) == sorted([first.id, second.id])
    finally:
        cache.dispose_all()
        sampler._engine.dispose()
