"""Pieces the SCADA services share: audit entries, secret names, public views."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.core.common.actor import Actor
from shared.core.common.clock import Clock
from shared.core.common.units_of_work import AuditEntry, Record, TenantUnitOfWork

PASSWORD = "password"
CLIENT_KEY = "client-key"


def secret_name(tenant_id: str, connection_id: str, kind: str) -> str:
    """Where a connection's password or private key lives in the Secrets store."""
    return f"scada-{tenant_id}-{connection_id}-{kind}"


def public_connection(row: Mapping[str, Any]) -> Record:
    """A connection as the API shows it: secret references become has_* flags."""
    view = {k: v for k, v in row.items() if not k.endswith("_secret_ref")}
    view["has_password"] = bool(row.get("password_secret_ref"))
    view["has_client_private_key"] = bool(row.get("client_key_secret_ref"))
    return view


def public_tag(row: Mapping[str, Any]) -> Record:
    return {"tag_id": row["id"], **{k: v for k, v in row.items() if k != "id"}}


def audit_scada(
    uow: TenantUnitOfWork,
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
