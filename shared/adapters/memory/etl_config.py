"""The in-memory twin of the master's ETL configurations (the `EtlConfigRegistry` port).

On PostgreSQL the configuration is a JSON document on the tenant's row
(`tenants.etl_config`); here it is an `EtlDocument` per tenant id, kept in the
master twin. What the column does is done here too: a configuration goes through
JSON (a copy comes back, tuples as lists, and what JSON cannot hold is refused),
saving touches the tenant's `updated_at` and keeps the last enqueue time, and
nothing is kept for a tenant the master does not hold.
tests/contracts/test_etl_master_contract.py runs it and the SQL registry through
one suite.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from shared.core.etl.ports.registry import StoredEtl
from shared.core.registry.model.tenants import Tenant


@dataclass(frozen=True)
class EtlDocument:
    """What `tenants.etl_config` holds: the configuration (as JSON text) and its schedule."""

    config_json: str
    last_enqueued_at: datetime | None = None


class MemoryEtlConfigRegistry:
    """The tenants' ETL configurations, over the master twin's rows."""

    def __init__(self, documents: dict[str, EtlDocument], tenants: dict[str, Tenant]) -> None:
        self._documents = documents
        self._tenants = tenants

    def _stored(self, tenant_id: str) -> StoredEtl | None:
        tenant, document = self._tenants.get(tenant_id), self._documents.get(tenant_id)
        if tenant is None or document is None:
            return None
        return StoredEtl(tenant, json.loads(document.config_json), document.last_enqueued_at)

    def get(self, tenant_id: str) -> StoredEtl | None:
        return self._stored(tenant_id)

    def save(self, tenant_id: str, config: dict[str, Any], at: datetime) -> None:
        tenant = self._tenants.get(tenant_id)
        if tenant is None:
            return
        before = self._documents.get(tenant_id)
        last = before.last_enqueued_at if before is not None else None
        self._documents[tenant_id] = EtlDocument(json.dumps(config), last)
        self._tenants[tenant_id] = replace(tenant, updated_at=at)

    def mark_enqueued(self, tenant_id: str, at: datetime) -> None:
        document = self._documents.get(tenant_id)
        if document is not None and tenant_id in self._tenants:
            self._documents[tenant_id] = replace(document, last_enqueued_at=at)

    def all_configured(self) -> list[StoredEtl]:
        found = [self._stored(tenant_id) for tenant_id in self._documents]
        return sorted((s for s in found if s is not None), key=lambda s: s.tenant.slug)
