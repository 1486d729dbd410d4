"""Engines: one for the master registry, an LRU-bounded cache for tenant databases.

A process may serve thousands of tenants; each cached engine keeps a small pool,
the least recently used engine is disposed when the cache is full, and the
serverless setting swaps pooling for NullPool (one connection per unit of work).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import Engine, event
from sqlalchemy.engine import URL, ExceptionContext
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import NullPool

from shared.adapters.security.secret_box import SecretBox
from shared.adapters.sql.drivers import (
    idle_and_open,
    install_pg8000_decoders,
    pg8000_connect_args,
    split_sslmode,
)
from shared.adapters.sql.lingering_pool import LingeringOverflowPool
from shared.adapters.sql.server_errors import reported_by_server
from shared.adapters.sql.unit_of_work import SqlMasterUnitOfWork, SqlTenantUnitOfWork
from shared.adapters.sql.urls import normalize_url
from shared.core.ports.secrets import Secrets
from shared.core.registry.model.tenants import Tenant


@dataclass(frozen=True)
class PoolSettings:
    pool_size: int = 3
    max_overflow: int = 5
    pool_recycle_s: int = 1800
    serverless: bool = False
    overflow_linger_s: float = 0.0
    """> 0: overflow connections stay pooled until idle this long (`LingeringOverflowPool`);
    0: each is closed when returned while `pool_size` others are idle (SQLAlchemy's QueuePool)."""


def create_engine(url: URL | str, pool: PoolSettings, isolation_level: str | None = None) -> Engine:
    """An engine with WellOS's pooling and driver tuning (see `drivers`).

    `hide_parameters`: a database error never carries the bound values in its text.
    A pooled pg8000 connection is checked out without SQLAlchemy's pre-ping (a
    `SELECT 1`, and pg8000's BEGIN before it: two round trips per unit of work) but
    with `drivers.idle_and_open`, a poll of its socket: a terminated backend is
    replaced before the unit of work starts. A connection lost mid-statement is a
    disconnect to SQLAlchemy, which invalidates the pool, and `pool_recycle` bounds
    a connection's age. Other drivers keep the pre-ping.
    """
    options: dict[str, Any] = {"hide_parameters": True}
    if isolation_level:
        options["isolation_level"] = isolation_level
    parsed, sslmode = split_sslmode(normalize_url(url) if isinstance(url, str) else url)
    pg8000 = parsed.drivername == "postgresql+pg8000"
    connect_args = pg8000_connect_args(parsed, sslmode) if pg8000 else {}
    if pool.serverless:
        engine = sa.create_engine(parsed, poolclass=NullPool, connect_args=connect_args, **options)
    else:
        if pool.overflow_linger_s > 0:
            options.update(poolclass=LingeringOverflowPool, linger_s=pool.overflow_linger_s)
        engine = sa.create_engine(
            parsed,
            pool_size=pool.pool_size,
            max_overflow=pool.max_overflow,
            pool_pre_ping=not pg8000,
            pool_recycle=pool.pool_recycle_s,
            connect_args=connect_args,
            **options,
        )
    if pg8000:
        install_pg8000_decoders(engine)
        if not pool.serverless:
            replace_dead_connections_at_checkout(engine)
    discard_connections_left_mid_protocol(engine)
    return engine


def replace_dead_connections_at_checkout(engine: Engine) -> None:
    """A pooled connection whose socket is closed or has unasked-for input (the FATAL
    of a terminated backend) is discarded; the pool connects anew (`DisconnectionError`)."""

    @event.listens_for(engine, "checkout")
    def _alive(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if not idle_and_open(dbapi_connection):
            raise DisconnectionError("the pooled connection was closed by the server")


def discard_connections_left_mid_protocol(engine: Engine) -> None:
    """A driver that fails inside its own code may leave its socket mid-exchange.

    pg8000, for one, sends Parse/Describe/Sync and only then converts the
    parameters: a datetime whose UTC value overflows raises there, the server's
    answers stay unread, and the next statement on that connection reads them
    instead of its own. Such a connection is invalidated (closed, never back to
    the pool); a clean error that the server reported keeps the connection.
    """
    dbapi = engine.dialect.loaded_dbapi

    @event.listens_for(engine, "handle_error")
    def _discard(context: ExceptionContext) -> None:
        if context.is_disconnect or context.connection is None:
            return
        if not reported_by_server(context.original_exception, dbapi):
            context.is_disconnect = True
            context.invalidate_pool_on_disconnect = False  # only this connection


def retire(engine: Engine) -> None:
    """Dispose an engine the cache dropped, for good.

    `Engine.dispose()` closes the pooled idle connections, but a connection checked
    out at that moment goes back to the old pool when returned and stays open until
    the garbage collector finds that pool. A retired engine's pools (the old one, and
    the fresh one `dispose` makes, copying its listeners) close each connection as it
    is returned instead.
    """
    event.listen(engine.pool, "checkin", _close_returned)
    engine.dispose()


def _close_returned(dbapi_connection: Any, record: Any) -> None:
    if dbapi_connection is not None:
        record.close()


def tenant_connection_budget(capacity: int, pool: PoolSettings) -> int:
    """The most tenant connections one process can hold: every cached engine's full pool."""
    return 0 if pool.serverless else capacity * (pool.pool_size + pool.max_overflow)


class SqlMasterDatabase:
    """The master database; with `totp_box` authenticator secrets are sealed at rest."""

    def __init__(self, engine: Engine, totp_box: SecretBox | None = None) -> None:
        self.engine = engine
        self._totp_box = totp_box

    def unit_of_work(self) -> SqlMasterUnitOfWork:
        return SqlMasterUnitOfWork(self.engine, self._totp_box)


class TenantEngineCache:
    """Engines keyed by tenant id, at most `capacity` at once (least recently used goes).

    The connection budget of one process is `capacity × (pool_size + max_overflow)`
    tenant connections (docs/operations.md, "Connection budget"). With `idle_s` > 0
    an engine unused that long is disposed, closing its pooled connections: on the
    next `engine_for` call, and from a daemon sweeper thread (started with the first
    engine) for a process that receives no more requests.
    """

    def __init__(
        self,
        secrets: Secrets,
        capacity: int,
        pool: PoolSettings,
        idle_s: float = 0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._secrets = secrets
        self._capacity = capacity
        self._pool = pool
        self._idle_s = idle_s
        self._monotonic = monotonic
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._last_used: dict[str, float] = {}
        self._lock = threading.Lock()
        self._stop_sweeper: threading.Event | None = None

    def engine_for(self, tenant: Tenant) -> Engine:
        self.close_idle()
        with self._lock:
            engine = self._engines.get(tenant.id)
            if engine is not None:
                self._engines.move_to_end(tenant.id)
                self._last_used[tenant.id] = self._monotonic()
                return engine
        url = self._secrets.get(tenant.connection_secret_ref)
        engine = create_engine(url, self._pool)
        evicted: list[Engine] = []
        with self._lock:
            existing = self._engines.get(tenant.id)
            if existing is not None:
                evicted.append(engine)
                engine = existing
            else:
                self._engines[tenant.id] = engine
            self._last_used[tenant.id] = self._monotonic()
            while len(self._engines) > self._capacity:
                oldest, lru = self._engines.popitem(last=False)
                self._last_used.pop(oldest, None)
                evicted.append(lru)
        for stale in evicted:
            retire(stale)
        self._start_sweeper()
        return engine

    def close_idle(self) -> int:
        """Dispose the engines unused for `idle_s` or longer; returns how many."""
        if self._idle_s <= 0:
            return 0
        cutoff = self._monotonic() - self._idle_s
        idle: list[Engine] = []
        with self._lock:
            while self._engines:
                oldest = next(iter(self._engines))  # least recently used first
                if self._last_used.get(oldest, cutoff) > cutoff:
                    break
                idle.append(self._engines.pop(oldest))
                self._last_used.pop(oldest, None)
        for engine in idle:
            retire(engine)
        return len(idle)

    def sweep(self) -> int:
        """`close_idle`, then close the overflow connections of the engines still cached
        that lingered unused for `overflow_linger_s`; returns how many connections closed."""
        self.close_idle()
        with self._lock:
            pools = [engine.pool for engine in self._engines.values()]
        return sum(p.trim() for p in pools if isinstance(p, LingeringOverflowPool))

    def _start_sweeper(self) -> None:
        periods = [s for s in (self._idle_s, self._pool.overflow_linger_s) if s > 0]
        if not periods or self._pool.serverless or self._stop_sweeper is not None:
            return
        with self._lock:
            if self._stop_sweeper is not None:
                return
            stop = self._stop_sweeper = threading.Event()
        every = max(min(periods) / 2, 0.5)
        cache = weakref.ref(self)

        def loop() -> None:
            while not stop.wait(every):
                alive = cache()
                if alive is None:
                    return
                alive.sweep()
                del alive

        threading.Thread(target=loop, name="tenant-engine-idle-sweeper", daemon=True).start()

    def forget(self, tenant_id: str) -> None:
        with self._lock:
            engine = self._engines.pop(tenant_id, None)
            self._last_used.pop(tenant_id, None)
        if engine is not None:
            retire(engine)

    def cached_tenant_ids(self) -> list[str]:
        with self._lock:
            return list(self._engines)

    def dispose_all(self) -> None:
        with self._lock:
            engines = list(self._engines.values())
            self._engines.clear()
            self._last_used.clear()
            stop, self._stop_sweeper = self._stop_sweeper, None
        if stop is not None:
            stop.set()
        for engine in engines:
            retire(engine)


class SqlTenantDatabases:
    def __init__(self, engines: TenantEngineCache) -> None:
        self.engines = engines

    def unit_of_work(self, tenant: Tenant) -> SqlTenantUnitOfWork:
        return SqlTenantUnitOfWork(self.engines.engine_for(tenant))

    def forget(self, tenant: Tenant) -> None:
        self.engines.forget(tenant.id)


if TYPE_CHECKING:  # one tenant unit of work serves every feature's view of it
    from shared.core.decline.ports import DeclineDatabases
    from shared.core.etl.ports.registry import EtlMasterDatabase
    from shared.core.registry.ports import MasterDatabase, TenantAuditDatabases, TenantDatabases
    from shared.core.scada.ports import GatewayMasterDatabase, ScadaDatabases
    from shared.core.sync.ports import SyncDatabases
    from shared.core.wells.ports import PhotosDatabases, WellsDatabases

    def _serves(
        databases: SqlTenantDatabases,
    ) -> tuple[
        WellsDatabases,
        PhotosDatabases,
        SyncDatabases,
        ScadaDatabases,
        DeclineDatabases,
        TenantDatabases,
        TenantAuditDatabases,
    ]:
        return (databases,) * 7

    def _serves_master(
        master: SqlMasterDatabase,
    ) -> tuple[MasterDatabase, GatewayMasterDatabase, EtlMasterDatabase]:
        return master, master, master
