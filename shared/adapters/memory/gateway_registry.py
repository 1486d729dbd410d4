"""The in-memory twin of the master's gateway registry (the `GatewayRegistry` port).

`MemoryGatewayRegistry` keeps `Gateway` rows in a dict the master twin owns and
refuses what the `gateways` table refuses: a second row with the same id and a
gateway of a tenant the master does not hold (the foreign key), as `ConflictError`.
tests/contracts/test_gateway_master_contract.py runs it and the SQL registry
through one suite.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from datetime import datetime

from shared.core.common.errors import ConflictError
from shared.core.registry.model.tenants import Tenant
from shared.core.scada.ports import Gateway, GatewayStatus


class MemoryGatewayRegistry:
    """Every tenant's gateways, over the master twin's rows."""

    def __init__(self, gateways: dict[str, Gateway], tenants: Mapping[str, Tenant]) -> None:
        self._gateways = gateways
        self._tenants = tenants

    def add(self, gateway: Gateway) -> None:
        if gateway.id in self._gateways or gateway.tenant_id not in self._tenants:
            raise ConflictError("gateways: conflicts with existing data")
        self._gateways[gateway.id] = replace(gateway, revoked_at=None, last_seen_at=None)

    def get(self, gateway_id: str) -> Gateway | None:
        return self._gateways.get(gateway_id)

    def list_for_tenant(self, tenant_id: str) -> list[Gateway]:
        rows = [g for g in self._gateways.values() if g.tenant_id == tenant_id]
        return sorted(rows, key=lambda g: (g.created_at, g.id))

    def revoke(self, gateway_id: str, at: datetime) -> None:
        gateway = self._gateways.get(gateway_id)
        if gateway is not None:
            self._gateways[gateway_id] = replace(
                gateway, status=GatewayStatus.REVOKED, revoked_at=at
            )

    def touch(self, gateway_ids: Collection[str], at: datetime) -> None:
        for gateway_id in gateway_ids:
            gateway = self._gateways.get(gateway_id)
            if gateway is not None and (gateway.last_seen_at is None or gateway.last_seen_at < at):
                self._gateways[gateway_id] = replace(gateway, last_seen_at=at)
