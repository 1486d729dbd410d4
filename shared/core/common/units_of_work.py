"""Ports of one tenant's database.

Rows cross this boundary as plain dicts keyed by column name (`Record`); the
API's pydantic models validate them on the way in and shape them on the way out.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self

from shared.core.common.pages import Page

if TYPE_CHECKING:
    from shared.core.scada.ports import ReadingRepository, ScadaRepositories
    from shared.core.sync.ports import (
        ChangeLog,
        ConflictRepository,
        FieldRecordRepository,
        SyncEventRepository,
        SyncJobRepository,
    )

Record = dict[str, Any]


@dataclass(frozen=True)
class WellQuery:
    status: str | None = None
    lease_id: str | None = None
    field_id: str | None = None
    text: str | None = None
    only_ids: Collection[str] | None = None
    limit: int = 50
    offset: int = 0


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


class WellRepository(Protocol):
    def list(self, query: WellQuery) -> Page[Record]: ...

    def get(self, well_id: str) -> Record | None:
        """A well that is not soft-deleted, or None."""
        ...

    def find_by_api_number(self, api_number: str) -> Record | None: ...

    def add(self, values: Mapping[str, Any]) -> Record: ...

    def update(self, well_id: str, values: Mapping[str, Any]) -> Record: ...


class CatalogRepository(Protocol):
    """Fields, leases, facilities and equipment: list, get, add, update."""

    def list(self, filters: Mapping[str, Any], limit: int, offset: int) -> Page[Record]: ...

    def get(self, entity_id: str) -> Record | None: ...

    def find_by(self, column: str, value: Any) -> Record | None: ...

    def add(self, values: Mapping[str, Any]) -> Record: ...

    def update(self, entity_id: str, values: Mapping[str, Any]) -> Record: ...


class ProductionRepository(Protocol):
    def get_day(self, well_id: str, production_date: date) -> Record | None: ...

    def between(self, well_id: str, start: date, end: date) -> list[Record]: ...

    def upsert_days(self, rows: Sequence[Mapping[str, Any]]) -> int:
        """Insert or replace (well_id, production_date) rows in bulk; returns rows written."""
        ...


class AssignmentRepository(Protocol):
    def well_ids_for(self, user_id: str) -> set[str]: ...

    def assign(self, user_id: str, well_id: str, by: str, at: datetime) -> None: ...

    def unassign(self, user_id: str, well_id: str) -> None: ...


class AuditLog(Protocol):
    def record(self, entry: AuditEntry) -> None: ...

    def list(self, entity: str | None, entity_id: str | None, limit: int) -> list[Record]: ...


class TenantUnitOfWork(Protocol):
    """One transaction on one tenant's database; rolls back unless committed."""

    wells: WellRepository
    fields: CatalogRepository
    leases: CatalogRepository
    facilities: CatalogRepository
    equipment: CatalogRepository
    production: ProductionRepository
    assignments: AssignmentRepository
    audit: AuditLog
    sync_events: SyncEventRepository
    field_records: FieldRecordRepository
    conflicts: ConflictRepository
    changes: ChangeLog
    sync_jobs: SyncJobRepository
    scada: ScadaRepositories
    readings: ReadingRepository

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
