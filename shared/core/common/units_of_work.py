"""The tenant unit of work: one transaction on one tenant's database, and its audit log.

Rows cross this boundary as plain dicts keyed by column name (`Record`); the
API's pydantic models validate them on the way in and shape them on the way out.

`TenantUnitOfWork` carries the repositories of several features (wells, sync,
SCADA), imported for type checking only; import-linter lists these imports as the
declared exceptions to the feature order (see pyproject.toml). Step B of issue 11
replaces it by one unit-of-work protocol per feature: wells and field sync have
theirs (`WellsUnitOfWork`, `SyncUnitOfWork`) and take typed rows; the features
above them still open this one.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self

if TYPE_CHECKING:
    from shared.core.common.change_feed import ChangeLog
    from shared.core.scada.ports import ReadingRepository, ScadaRepositories
    from shared.core.sync.ports import (
        ConflictRepository,
        FieldRecordRepository,
        SyncEventRepository,
        SyncJobRepository,
    )
    from shared.core.wells.ports import (
        AssignmentRepository,
        CatalogRepository,
        Equipment,
        Facility,
        Lease,
        OilField,
        ProductionRepository,
        WellRepository,
    )

Record = dict[str, Any]


@dataclass(frozen=True)
class AuditEntry:
    action: str
    entity: str
    entity_id: str
    actor_id: str
    actor_email: str
    at: datetime
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    request_id: str


@dataclass(frozen=True)
class AuditQuery:
    """Filters of the audit view; None matches anything. `since` inclusive, `until` exclusive."""

    entity: str | None = None
    entity_id: str | None = None
    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class AuditLog(Protocol):
    def record(self, entry: AuditEntry) -> None: ...

    def list(self, entity: str | None, entity_id: str | None, limit: int) -> list[Record]: ...

    def search(self, query: AuditQuery, limit: int) -> builtins.list[Record]:
        """The newest `limit` entries matching `query`, newest first."""
        ...

    def count(self, query: AuditQuery) -> int: ...


class UnitOfWork(Protocol):
    """One transaction on one database; rolls back unless committed.

    Each feature's `ports.py` extends it with the repositories that feature uses
    (e.g. `WellsUnitOfWork`); adapters satisfy the views structurally.
    """

    audit: AuditLog
    changes: ChangeLog

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def savepoint(self) -> AbstractContextManager[None]:
        """A nested transaction: if the block raises, only its writes roll back.

        A write the database refuses (constraint, value out of range) leaves the
        block as ConflictError.
        """
        ...


class TenantUnitOfWork(UnitOfWork, Protocol):
    """One transaction on one tenant's database; rolls back unless committed.

    Cross-feature (step B of issue 11 replaces it by the features' views of
    `UnitOfWork`).
    """

    wells: WellRepository
    fields: CatalogRepository[OilField]
    leases: CatalogRepository[Lease]
    facilities: CatalogRepository[Facility]
    equipment: CatalogRepository[Equipment]
    production: ProductionRepository
    assignments: AssignmentRepository
    sync_events: SyncEventRepository
    field_records: FieldRecordRepository
    conflicts: ConflictRepository
    sync_jobs: SyncJobRepository
    scada: ScadaRepositories
    readings: ReadingRepository
