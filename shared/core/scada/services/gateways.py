"""Edge gateways: register (credential shown once), list, revoke, serve their config.

The master registry row lets the drain map a gateway to its tenant without
opening tenant databases; the tenant keeps a mirror so connections can name
the gateway that serves them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from shared.core.common.access import require
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import InputError, NotFoundError
from shared.core.common.roles import Permission
from shared.core.ports.secrets import Secrets
from shared.core.registry.errors import TenantMismatchError
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.ports import MasterAuditEntry
from shared.core.scada.errors import GatewayAuthenticationError
from shared.core.scada.model.gateway_config import GatewayConfig
from shared.core.scada.ports import Gateway, GatewayMasterDatabase, GatewayStatus, ScadaDatabases
from shared.core.scada.services.common import audit_scada
from shared.core.scada.services.config_builder import build_gateway_config
from shared.core.scada.services.credentials import (
    GatewayCredential,
    GatewayKeys,
    parse_gateway_authorization,
)
from shared.core.scada.services.directory import GatewayDirectory


@dataclass(frozen=True)
class GatewayRegistered:
    gateway: Gateway
    credential: GatewayCredential


class GatewayService:
    def __init__(
        self,
        master: GatewayMasterDatabase,
        databases: ScadaDatabases,
        keys: GatewayKeys,
        directory: GatewayDirectory,
        secrets: Secrets,
        clock: Clock = utc_now,
    ) -> None:
        self._master = master
        self._databases = databases
        self._keys = keys
        self._directory = directory
        self._secrets = secrets
        self._clock = clock

    def register(self, tenant: Tenant, actor: Actor, name: str) -> GatewayRegistered:
        require(actor, Permission.SETTINGS_WRITE)
        name = name.strip()
        if not 1 <= len(name) <= 200:
            raise InputError("name", "must be 1-200 characters")
        gateway = Gateway(
            id=str(uuid.uuid4()),
            tenant_id=tenant.id,
            name=name,
            status=GatewayStatus.ACTIVE,
            created_at=self._clock(),
            created_by=actor.email,
        )
        with self._databases.unit_of_work(tenant) as uow:  # the mirror first: harmless alone
            uow.scada.gateways.save(gateway)
            audit_scada(
                uow,
                self._clock,
                actor,
                "gateway.registered",
                "gateway",
                gateway.id,
                None,
                {"name": name},
            )
            uow.commit()
        with self._master.unit_of_work() as master:
            master.gateways.add(gateway)
            master.audit.record(_master_audit(gateway, actor, "gateway.registered"))
            master.commit()
        return GatewayRegistered(gateway, self._keys.credential(gateway.id))

    def get(self, tenant: Tenant, actor: Actor, gateway_id: str) -> Gateway:
        require(actor, Permission.SETTINGS_READ)
        return self._own(tenant, gateway_id)

    def revoke(self, tenant: Tenant, actor: Actor, gateway_id: str) -> Gateway:
        """Revoke for good: its batches are dead-lettered and its config refused."""
        require(actor, Permission.SETTINGS_WRITE)
        gateway = self._own(tenant, gateway_id)
        if gateway.status is GatewayStatus.REVOKED:
            return gateway
        revoked = replace(gateway, status=GatewayStatus.REVOKED, revoked_at=self._clock())
        with self._master.unit_of_work() as master:
            master.gateways.revoke(gateway_id, self._clock())
            master.audit.record(_master_audit(revoked, actor, "gateway.revoked"))
            master.commit()
        self._directory.invalidate(gateway_id)
        with self._databases.unit_of_work(tenant) as uow:
            uow.scada.gateways.save(revoked)
            audit_scada(
                uow,
                self._clock,
                actor,
                "gateway.revoked",
                "gateway",
                gateway_id,
                {"status": "ACTIVE"},
                {"status": "REVOKED"},
            )
            uow.commit()
        return revoked

    def config_for(
        self, tenant: Tenant, gateway_id: str, authorization: str | None
    ) -> GatewayConfig:
        """The gateway's own config, to its own credential only."""
        gateway = self.authenticate(tenant, gateway_id, authorization)
        with self._databases.unit_of_work(tenant) as uow:
            config = build_gateway_config(uow, self._secrets, tenant, gateway.id)
        with self._master.unit_of_work() as master:
            master.gateways.touch([gateway.id], self._clock())
            master.commit()
        return config

    def authenticate(self, tenant: Tenant, gateway_id: str, authorization: str | None) -> Gateway:
        presented_id, secret = parse_gateway_authorization(authorization)
        with self._master.unit_of_work() as master:
            gateway = master.gateways.get(presented_id)
        if gateway is None or not self._keys.matches(presented_id, secret):
            raise GatewayAuthenticationError("unknown gateway or wrong secret")
        if gateway.status is not GatewayStatus.ACTIVE:
            raise GatewayAuthenticationError("the gateway is revoked")
        if presented_id != gateway_id:
            raise GatewayAuthenticationError("the credential belongs to another gateway")
        if gateway.tenant_id != tenant.id:
            raise TenantMismatchError()
        return gateway

    def _own(self, tenant: Tenant, gateway_id: str) -> Gateway:
        with self._master.unit_of_work() as master:
            gateway = master.gateways.get(gateway_id)
        if gateway is None or gateway.tenant_id != tenant.id:
            raise NotFoundError("gateway", gateway_id)
        return gateway

    def list(self, tenant: Tenant, actor: Actor) -> list[Gateway]:
        require(actor, Permission.SETTINGS_READ)
        with self._master.unit_of_work() as master:
            return master.gateways.list_for_tenant(tenant.id)


def _master_audit(gateway: Gateway, actor: Actor, action: str) -> MasterAuditEntry:
    return MasterAuditEntry(
        action=action,
        entity="gateway",
        entity_id=gateway.id,
        actor=actor.email,
        at=gateway.revoked_at or gateway.created_at,
        tenant_id=gateway.tenant_id,
        after={"name": gateway.name, "status": gateway.status.value},
        request_id=actor.request_id,
    )
