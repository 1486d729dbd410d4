"""Pieces the SCADA services share: audit entries, secret names, public views."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from shared.core.common.actor import Actor
from shared.core.common.clock import Clock
from shared.core.common.units_of_work import AuditEntry, UnitOfWork
from shared.core.scada.ports import ScadaConnection, TagMapping

PASSWORD = "password"
CLIENT_KEY = "client-key"


def secret_name(tenant_id: str, connection_id: str, kind: str) -> str:
    """Where a connection's password or private key lives in the Secrets store."""
    return f"scada-{tenant_id}-{connection_id}-{kind}"


@dataclass(frozen=True)
class ConnectionView:
    """A connection as the API shows it: secret references become has_* flags."""

    id: str
    gateway_id: str
    name: str
    endpoint_url: str
    security_mode: str
    security_policy: str
    username: str | None
    client_certificate_pem: str | None
    server_certificate_pem: str | None
    acquisition: str
    publishing_interval_ms: int
    polling_interval_ms: int
    backfill: bool | None
    backfill_max_s: int | None
    enabled: bool
    revision: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    has_password: bool
    has_client_private_key: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TagView:
    """A tag mapping as the API shows it: its id is `tag_id`."""

    tag_id: int
    connection_id: str
    well_id: str
    node_id: str
    tag_name: str
    unit: str | None
    data_type: str
    sampling_interval_ms: int
    deadband_type: str
    deadband_value: float
    enabled: bool
    revision: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def public_connection(row: ScadaConnection) -> ConnectionView:
    return ConnectionView(
        id=row.id,
        gateway_id=row.gateway_id,
        name=row.name,
        endpoint_url=row.endpoint_url,
        security_mode=row.security_mode,
        security_policy=row.security_policy,
        username=row.username,
        client_certificate_pem=row.client_certificate_pem,
        server_certificate_pem=row.server_certificate_pem,
        acquisition=row.acquisition,
        publishing_interval_ms=row.publishing_interval_ms,
        polling_interval_ms=row.polling_interval_ms,
        backfill=row.backfill,
        backfill_max_s=row.backfill_max_s,
        enabled=row.enabled,
        revision=row.revision,
        created_at=row.created_at,
        updated_at=row.updated_at,
        deleted_at=row.deleted_at,
        has_password=bool(row.password_secret_ref),
        has_client_private_key=bool(row.client_key_secret_ref),
    )


def public_tag(row: TagMapping) -> TagView:
    return TagView(
        tag_id=row.id,
        connection_id=row.connection_id,
        well_id=row.well_id,
        node_id=row.node_id,
        tag_name=row.tag_name,
        unit=row.unit,
        data_type=row.data_type,
        sampling_interval_ms=row.sampling_interval_ms,
        deadband_type=row.deadband_type,
        deadband_value=row.deadband_value,
        enabled=row.enabled,
        revision=row.revision,
        created_at=row.created_at,
        updated_at=row.updated_at,
        deleted_at=row.deleted_at,
    )


def audit_scada(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> None:
    """Audit a SCADA configuration change (kept out of the field devices' change feed)."""
    uow.audit.record(
        AuditEntry(
            action=action,
            entity=entity,
            entity_id=entity_id,
            actor_id=actor.user_id,
            actor_email=actor.email,
            at=clock(),
            before=before,
            after=after,
            request_id=actor.request_id,
        )
    )
