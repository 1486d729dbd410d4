"""The master registry's side of ETL: each tenant's configuration and schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from shared.core.registry.model.tenants import Tenant
from shared.core.registry.ports import MasterUnitOfWork


@dataclass(frozen=True)
class StoredEtl:
    tenant: Tenant
    config: dict[str, Any]
    last_enqueued_at: datetime | None


class EtlConfigRegistry(Protocol):
    """`tenants.etl_config`: the configuration (JSON) and when a run was last enqueued."""

    def get(self, tenant_id: str) -> StoredEtl | None: ...

    def save(self, tenant_id: str, config: dict[str, Any], at: datetime) -> None: ...

    def mark_enqueued(self, tenant_id: str, at: datetime) -> None: ...

    def all_configured(self) -> list[StoredEtl]: ...


class EtlMasterUnitOfWork(MasterUnitOfWork, Protocol):
    """One transaction on the master database, with the tenants' ETL configurations."""

    etl: EtlConfigRegistry


class EtlMasterDatabase(Protocol):
    def unit_of_work(self) -> EtlMasterUnitOfWork: ...
