"""Build a gateway's config from the tenant's connections and tag mappings."""

from __future__ import annotations

import uuid

from pydantic import SecretStr

from shared.core.ports.secrets import Secrets
from shared.core.registry.model.tenants import Tenant
from shared.core.scada.model.gateway_config import ConnectionConfig, GatewayConfig, TagConfig
from shared.core.scada.ports import ScadaConnection, ScadaUnitOfWork, TagMapping


def build_gateway_config(
    uow: ScadaUnitOfWork, secrets: Secrets, tenant: Tenant, gateway_id: str
) -> GatewayConfig:
    """Enabled connections of `gateway_id` with their enabled, live tags and secrets."""
    connections = [c for c in uow.scada.connections.for_gateway(gateway_id) if c.enabled]
    tags = uow.scada.tags.for_connections([c.id for c in connections])
    by_connection: dict[str, list[TagMapping]] = {}
    for tag in tags:
        if tag.enabled:
            by_connection.setdefault(tag.connection_id, []).append(tag)
    return GatewayConfig(
        tenant_id=uuid.UUID(tenant.id),
        gateway_id=uuid.UUID(gateway_id),
        revision=uow.scada.revision.current(),
        connections=[_connection(c, by_connection.get(c.id, []), secrets) for c in connections],
    )


def _connection(row: ScadaConnection, tags: list[TagMapping], secrets: Secrets) -> ConnectionConfig:
    return ConnectionConfig(
        connection_id=uuid.UUID(row.id),
        name=row.name,
        endpoint_url=row.endpoint_url,
        security_mode=row.security_mode,
        security_policy=row.security_policy,
        username=row.username,
        password=_secret(secrets, row.password_secret_ref),
        client_certificate_pem=row.client_certificate_pem,
        client_private_key_pem=_secret(secrets, row.client_key_secret_ref),
        server_certificate_pem=row.server_certificate_pem,
        acquisition=row.acquisition,
        publishing_interval_ms=row.publishing_interval_ms,
        polling_interval_ms=row.polling_interval_ms,
        backfill=row.backfill,
        backfill_max_s=row.backfill_max_s,
        tags=[_tag(tag) for tag in tags],
    )


def _tag(row: TagMapping) -> TagConfig:
    return TagConfig(
        tag_id=row.id,
        node_id=row.node_id,
        well_id=uuid.UUID(row.well_id),
        tag_name=row.tag_name,
        unit=row.unit,
        data_type=row.data_type,
        sampling_interval_ms=row.sampling_interval_ms,
        deadband_type=row.deadband_type,
        deadband_value=row.deadband_value,
    )


def _secret(secrets: Secrets, name: str | None) -> SecretStr | None:
    return SecretStr(secrets.get(name)) if name else None
