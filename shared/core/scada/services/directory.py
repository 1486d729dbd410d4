"""The drain's cached view of the master registry: gateway → (gateway, tenant)."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime

from shared.core.common.ttl_cache import TtlCache
from shared.core.registry.model.tenants import Tenant
from shared.core.scada.ports import Gateway, GatewayMasterDatabase


@dataclass(frozen=True)
class GatewayRoute:
    gateway: Gateway
    tenant: Tenant


class GatewayDirectory:
    """Lookups cached for `ttl_s` (a revocation applies within it); unknown ids too."""

    def __init__(
        self,
        master: GatewayMasterDatabase,
        ttl_s: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._master = master
        self._cache: TtlCache[str, GatewayRoute | None] = TtlCache(ttl_s, monotonic)

    def route(self, gateway_id: str) -> GatewayRoute | None:
        return self._cache.get_or_load(gateway_id, lambda: self._load(gateway_id))

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
        self._cache.forget(gateway_id)
