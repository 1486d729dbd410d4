"""Tenant pools keep their overflow connections while busy and close them once idle.

SQLAlchemy's QueuePool closes an overflow connection when it is returned; under
concurrent load a tenant pool of 1 + 3 then reconnects every few requests. The
lingering pool keeps them until they sit unused for `linger_s`, with the same
maximum. Backends are counted in pg_stat_activity by their pid.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from shared.adapters.memory.secrets import InMemorySecrets
from shared.adapters.sql.engines import PoolSettings, TenantEngineCache, create_engine
from shared.adapters.sql.lingering_pool import LingeringOverflowPool
from shared.adapters.sql.urls import connectable, normalize_url
from shared.core.registry.model.tenants import DatabaseKind, Tenant, TenantStatus

RESTING, EXTRA = 1, 3


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(pg_server_url: str, clock: Clock) -> Iterator[sa.Engine]:
    made = sa.create_engine(
        normalize_url(pg_server_url),
        poolclass=LingeringOverflowPool,
        pool_size=RESTING,
        max_overflow=EXTRA,
        linger_s=60,
        monotonic=clock,
        pool_timeout=0.2,
    )
    yield made
    made.dispose()


def connects(engine: sa.Engine) -> list[int]:
    """A list that grows by one for each new DB-API connection the pool opens."""
    opened: list[int] = []
    event.listen(engine, "connect", lambda *_: opened.append(1))
    return opened


def alive(server_url: str, pids: set[int], settle_s: float = 10.0) -> set[int]:
    """Those of `pids` still in pg_stat_activity (an exiting backend lingers a moment)."""
    probe = sa.create_engine(normalize_url(server_url), poolclass=sa.pool.NullPool)
    query = sa.text("SELECT pid FROM pg_stat_activity WHERE pid = ANY(:pids)")
    deadline = time.monotonic() + settle_s
    try:
        while True:
            with probe.connect() as connection:
                found = {int(p) for p in connection.execute(query, {"pids": list(pids)}).scalars()}
            if len(found) <= RESTING or time.monotonic() > deadline:
                return found
            time.sleep(0.05)
    finally:
        probe.dispose()


def check_out_all(engine: sa.Engine, n: int = RESTING + EXTRA) -> list[sa.Connection]:
    return [engine.connect() for _ in range(n)]


def busy_spell(engine: sa.Engine) -> set[int]:
    """As many requests at once as the pool allows, then all returned: their backends' pids."""
    held = check_out_all(engine)
    pids = {int(c.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()) for c in held}
    for connection in held:
        connection.close()
    return pids


def test_a_busy_pool_reuses_its_overflow_connections(engine: sa.Engine) -> None:
    opened = connects(engine)
    # WHEN four requests run at once, twice in a row
    first, second = busy_spell(engine), busy_spell(engine)
    # THEN the second wave found all four connections still pooled (QueuePool: 4 + 3 connects)
    assert len(opened) == RESTING + EXTRA
    assert second == first
    assert engine.pool.checkedin() == RESTING + EXTRA


def test_the_maximum_is_unchanged(engine: sa.Engine) -> None:
    held = check_out_all(engine)
    try:
        with pytest.raises(sa.exc.TimeoutError):
            engine.connect()
    finally:
        for connection in held:
            connection.close()


def test_overflow_connections_close_after_lingering_idle(
    engine: sa.Engine, clock: Clock, pg_server_url: str
) -> None:
    pids = busy_spell(engine)
    # WHEN less than the linger time passes, nothing is closed
    clock.now += 59
    assert engine.pool.trim() == 0  # type: ignore[attr-defined]
    assert alive(pg_server_url, pids, settle_s=0) == pids
    # WHEN the linger time has passed
    clock.now += 2
    # THEN all but the resting connection are closed, on the server too
    assert engine.pool.trim() == EXTRA  # type: ignore[attr-defined]
    assert engine.pool.checkedin() == RESTING
    assert len(alive(pg_server_url, pids)) == RESTING
    # AND the pool may grow again to its maximum, new backends in place of the closed
    assert len(busy_spell(engine) - pids) == EXTRA
    assert engine.pool.checkedin() == RESTING + EXTRA


def test_under_light_load_the_extra_connections_age_out_on_return(
    engine: sa.Engine, clock: Clock, pg_server_url: str
) -> None:
    pids = busy_spell(engine)
    opened = connects(engine)
    # WHEN one request at a time keeps coming for two minutes (last in, first out)
    for _ in range(120):
        clock.now += 1
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    # THEN the same connection served them all and the three left unused were closed
    assert opened == []
    assert engine.pool.checkedin() == RESTING
    assert len(alive(pg_server_url, pids)) == RESTING


def test_dispose_keeps_the_pool_kind_and_its_settings(engine: sa.Engine) -> None:
    engine.dispose()
    pool = engine.pool
    assert isinstance(pool, LingeringOverflowPool)
    assert (pool.resting, pool.size()) == (RESTING, RESTING + EXTRA)


def test_a_tenant_engine_cache_uses_it_and_its_sweeper_trims(pg_server_url: str) -> None:
    secrets = InMemorySecrets()
    secrets.set("db", connectable(normalize_url(pg_server_url)))
    tenant = Tenant(
        "t-1",
        "t1",
        "T1",
        TenantStatus.ACTIVE,
        "std",
        DatabaseKind.POSTGRESQL,
        "db",
        "local",
        "local",
    )
    pool = PoolSettings(pool_size=RESTING, max_overflow=EXTRA, overflow_linger_s=0.2)
    cache = TenantEngineCache(secrets, capacity=2, pool=pool)
    try:
        engine = cache.engine_for(tenant)
        assert isinstance(engine.pool, LingeringOverflowPool)
        pids = busy_spell(engine)
        assert engine.pool.checkedin() == RESTING + EXTRA
        # WHEN nothing uses the tenant for longer than the linger time
        time.sleep(0.3)
        # THEN a sweep (the sweeper thread's call) closes the overflow connections
        deadline = time.monotonic() + 10
        while engine.pool.checkedin() > RESTING and time.monotonic() < deadline:
            cache.sweep()
            time.sleep(0.05)
        assert engine.pool.checkedin() == RESTING
        assert len(alive(pg_server_url, pids)) == RESTING
    finally:
        cache.dispose_all()


def test_zero_linger_keeps_sqlalchemys_queue_pool(pg_server_url: str) -> None:
    engine = create_engine(pg_server_url, PoolSettings(pool_size=1, max_overflow=3))
    try:
        assert type(engine.pool) is sa.pool.QueuePool
    finally:
        engine.dispose()
