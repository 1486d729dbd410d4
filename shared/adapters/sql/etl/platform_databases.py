"""WellOS's own databases, as the ETL source policy compares them: names and resolved addresses.

The master database comes from the settings; every tenant database from the
registry and the Secrets store (each tenant's connection URL). Host names are
resolved to addresses, so a source naming the same server by another name, or by
its IP, is still recognized.

Costs: the answer is cached for `ttl_s` seconds; each refresh lists the tenants
(one query) and resolves the few distinct hosts, but reads the secret of a tenant
only when it is new, or when the last full read is `reread_s` old (a tenant
database rarely moves), so thousands of tenants do not mean thousands of secret
reads per ETL run.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
import time
from collections.abc import Callable, Iterable

from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError

from shared.adapters.sql.urls import normalize_url
from shared.core.common.errors import WellOSError
from shared.core.common.ttl_cache import TtlCache
from shared.core.etl.model.source_policy import IpAddress, PlatformDatabases, Resolver
from shared.core.ports.secrets import Secrets
from shared.core.registry.ports import MasterDatabase

log = logging.getLogger("wellos.etl")
DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306, "mariadb": 3306, "mssql": 1433}
Server = tuple[str | None, int]  # host (None: a Unix socket), port
Known = tuple[Server, str | None]  # a database's server and name


class SqlPlatformDatabases:
    """Callable: the platform's databases now (master + every tenant the registry knows)."""

    def __init__(
        self,
        master_url: URL,
        master: MasterDatabase,
        secrets: Secrets,
        name_prefix: str,
        resolve: Resolver,
        ttl_s: float,
        reread_s: float = 3600.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._master_url = master_url
        self._master = master
        self._secrets = secrets
        self._prefix = name_prefix
        self._resolve = resolve
        self._cache: TtlCache[str, PlatformDatabases] = TtlCache(ttl_s, monotonic)
        self._reread_s = reread_s
        self._monotonic = monotonic
        self._tenants: dict[str, Known] = {}  # tenant id -> its database
        self._read_at = monotonic()
        self._lock = threading.Lock()

    def __call__(self) -> PlatformDatabases:
        return self._cache.get_or_load("platform", self._load)

    def _load(self) -> PlatformDatabases:
        known = [_known(self._master_url), *self._tenant_databases()]
        names = frozenset(name.casefold() for _server, name in known if name)
        endpoints = frozenset(self._endpoints({server for server, _name in known}))
        return PlatformDatabases(endpoints, names, self._prefix)

    def _tenant_databases(self) -> list[Known]:
        with self._master.unit_of_work() as uow:
            tenants = uow.tenants.list()
        with self._lock:
            if self._monotonic() - self._read_at > self._reread_s:
                self._tenants.clear()
                self._read_at = self._monotonic()
            listed = {tenant.id for tenant in tenants}
            for gone in set(self._tenants) - listed:
                del self._tenants[gone]
            for tenant in tenants:
                if tenant.id not in self._tenants:  # new, or its secret failed last time
                    database = self._read(tenant.slug, tenant.connection_secret_ref)
                    if database is not None:
                        self._tenants[tenant.id] = database
            return list(self._tenants.values())

    def _read(self, slug: str, secret_ref: str) -> Known | None:
        try:
            return _known(normalize_url(self._secrets.get(secret_ref)))
        except (WellOSError, ArgumentError, ValueError) as exc:  # WellOS cannot reach it either
            log.warning("tenant %s database not listed: %s", slug, type(exc).__name__)
            return None

    def _endpoints(self, servers: Iterable[Server]) -> set[tuple[IpAddress, int]]:
        found: set[tuple[IpAddress, int]] = set()
        for host, port in servers:
            if not host:  # a Unix socket: no source can use one
                continue
            try:
                addresses = self._resolve(host, port)
            except OSError as exc:
                log.warning("a WellOS database host does not resolve: %s", type(exc).__name__)
                continue
            for text in addresses:
                address = ipaddress.ip_address(text.split("%", 1)[0])
                mapped = getattr(address, "ipv4_mapped", None)
                found.add((mapped or address, port))
        return found


def _known(url: URL) -> Known:
    port = url.port or DEFAULT_PORTS.get(url.get_backend_name(), 0)
    return (url.host, port), url.database
