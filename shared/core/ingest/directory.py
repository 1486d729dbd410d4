"""The drain's cached view of the master registry: gateway → (gateway, tenant)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime

from shared.core.domain.tenants import Tenant
from shared.core.ingest.ports import Gateway
from shared.core.ports.databases import MasterDatabase


@dataclass(frozen=True)
class GatewayRoute:
    gateway: Gateway
    tenant: Tenant


class GatewayDirectory:
    """Lookups cached for `ttl_s` (a revocation applies within it); unknown ids too."""

    def __init__(
        self,
        master: MasterDatabase,
        ttl_s: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._master = master
        self._ttl_s = ttl_s
        self._monotonic = monotonic
        self._cache: dict[str, tuple[float, GatewayRoute | None]] = {}
        self._lock = threading.Lock()

    def route(self, gateway_id: str) -> GatewayRoute | None:
        now = self._monotonic()
        with self._lock:
            cached = self._cache.get(gateway_id)
        if cached is not None and now - cached[0] < self._ttl_s:
            return cached[1]
        route = self._load(gateway_id)
        with self._lock:
            self._cache[gateway_id] = (now, route)
        return route

    def _load(self, gateway_id: str) -> GatewayRoute | None:
        with self._master.unit_of_work() as uow:
            gateway = uow.gateways.get(gateway_id)
            tenant = uow.tenants.get(gateway.tenant_id) if gateway else None
        if gateway is None or tenant is None:
            return None
        return GatewayRoute(gateway, tenant)

    def touch(self, gateway_ids: Collection[str], at: datetime) -> None:
        if not gateway_ids:
            return
        with self._master.unit_of_work() as uow:
            uow.gateways.touch(gateway_ids, at)
            uow.commit()

    def invalidate(self, gateway_id: str | None = None) -> None:
        with self._lock:
            if gateway_id is None:
                self._cache.clear()
            else:
                self._cache.pop(gateway_id, None)
