"""Pieces the SCADA services share: audit entries, secret names, what the API shows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
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


def shown_connection(row: ScadaConnection) -> dict[str, Any]:
    """A connection as the API and the audit trail show it: its secret references
    become the flags `has_password` and `has_client_private_key`."""
    shown = asdict(row)
    password, key = shown.pop("password_secret_ref"), shown.pop("client_key_secret_ref")
    return {**shown, "has_password": bool(password), "has_client_private_key": bool(key)}


def shown_tag(row: TagMapping) -> dict[str, Any]:
    """A tag mapping as the API and the audit trail show it: its id is `tag_id`."""
    shown = asdict(row)
    return {"tag_id": shown.pop("id"), **shown}


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
