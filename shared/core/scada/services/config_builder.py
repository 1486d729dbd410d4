"""Build a gateway's config from the tenant's connections and tag mappings."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr

from shared.core.common.units_of_work import Record, TenantUnitOfWork
from shared.core.ports.secrets import Secrets
from shared.core.registry.model.tenants import Tenant
from shared.core.scada.model.gateway_config import ConnectionConfig, GatewayConfig, TagConfig


def build_gateway_config(
    uow: TenantUnitOfWork, secrets: Secrets, tenant: Tenant, gateway_id: str
) -> GatewayConfig:
    """Enabled connections of `gateway_id` with their enabled, live tags and secrets."""
    connections = [c for c in uow.scada.connections.for_gateway(gateway_id) if c["enabled"]]
    tags = uow.scada.tags.for_connections([str(c["id"]) for c in connections])
    by_connection: dict[str, list[Record]] = {}
    for tag in tags:
        if tag["enabled"]:
            by_connection.setdefault(str(tag["connection_id"]), []).append(tag)
    return GatewayConfig(
        tenant_id=uuid.UUID(tenant.id),
        gateway_id=uuid.UUID(gateway_id),
        revision=uow.scada.revision.current(),
        connections=[
            _connection(c, by_connection.get(str(c["id"]), []), secrets) for c in connections
        ],
    )


def _connection(row: Mapping[str, Any], tags: list[Record], secrets: Secrets) -> ConnectionConfig:
    return ConnectionConfig(
        connection_id=uuid.UUID(str(row["id"])),
        name=row["name"],
        endpoint_url=row["endpoint_url"],
        security_mode=row["security_mode"],
        security_policy=row["security_policy"],
        username=row["username"],
        password=_secret(secrets, row["password_secret_ref"]),
        client_certificate_pem=row["client_certificate_pem"],
        client_private_key_pem=_secret(secrets, row["client_key_secret_ref"]),
        server_certificate_pem=row["server_certificate_pem"],
        acquisition=row["acquisition"],
        publishing_interval_ms=row["publishing_interval_ms"],
        polling_interval_ms=row["polling_interval_ms"],
        backfill=row.get("backfill"),
        backfill_max_s=row.get("backfill_max_s"),
        tags=[_tag(tag) for tag in tags],
    )


def _tag(row: Mapping[str, Any]) -> TagConfig:
    return TagConfig(
        tag_id=row["id"],
        node_id=row["node_id"],
        well_id=uuid.UUID(str(row["well_id"])),
        tag_name=row["tag_name"],
        unit=row["unit"],
        data_type=row["data_type"],
        sampling_interval_ms=row["sampling_interval_ms"],
        deadband_type=row["deadband_type"],
        deadband_value=row["deadband_value"],
    )


def _secret(secrets: Secrets, name: str | None) -> SecretStr | None:
    return SecretStr(secrets.get(name)) if name else None
