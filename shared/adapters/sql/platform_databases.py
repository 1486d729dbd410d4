"""WellOS's own databases, as the ETL source policy compares them: names and resolved addresses.

The master database comes from the settings; every tenant database from the
registry and the Secrets store (each tenant's connection URL). Host names are
resolved to addresses, so a source naming the same server by another name, or by
its IP, is still recognized. The answer is cached for `ttl_s` seconds.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable

from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError

from shared.adapters.sql.urls import normalize_url
from shared.core.errors import WellOSError
from shared.core.etl.source_policy import IpAddress, PlatformDatabases, Resolver
from shared.core.ports.databases import MasterDatabase
from shared.core.ports.secrets import Secrets
from shared.core.ttl_cache import TtlCache

log = logging.getLogger("wellos.etl")
DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306, "mariadb": 3306, "mssql": 1433}


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
    ) -> None:
        self._master_url = master_url
        self._master = master
        self._secrets = secrets
        self._prefix = name_prefix
        self._resolve = resolve
        self._cache: TtlCache[str, PlatformDatabases] = TtlCache(ttl_s)

    def __call__(self) -> PlatformDatabases:
        return self._cache.get_or_load("platform", self._load)

    def _load(self) -> PlatformDatabases:
        urls = [self._master_url, *self._tenant_urls()]
        names = frozenset(url.database.casefold() for url in urls if url.database)
        servers = {(url.host, _port(url)) for url in urls}
        endpoints = frozenset(self._endpoints(servers))
        return PlatformDatabases(endpoints, names, self._prefix)

    def _tenant_urls(self) -> list[URL]:
        with self._master.unit_of_work() as uow:
            tenants = uow.tenants.list()
        urls = []
        for tenant in tenants:
            try:
                urls.append(normalize_url(self._secrets.get(tenant.connection_secret_ref)))
            except (WellOSError, ArgumentError, ValueError) as exc:  # WellOS cannot reach it either
                log.warning("tenant %s database not listed: %s", tenant.slug, type(exc).__name__)
        return urls

    def _endpoints(self, servers: Iterable[tuple[str | None, int]]) -> set[tuple[IpAddress, int]]:
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


def _port(url: URL) -> int:
    return url.port or DEFAULT_PORTS.get(url.get_backend_name(), 0)
