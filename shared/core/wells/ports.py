"""Ports of wells in one tenant's database: wells, the catalog, daily production, assignments,
and the reader of a well's field activity."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from shared.core.common.pages import Page
from shared.core.common.units_of_work import Record, TenantUnitOfWork
from shared.core.registry.model.tenants import Tenant


@dataclass(frozen=True)
class WellQuery:
    status: str | None = None
    lease_id: str | None = None
    field_id: str | None = None
    text: str | None = None
    only_ids: Collection[str] | None = None
    limit: int = 50
    offset: int = 0


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


class TimelineKind(StrEnum):
    NOTE = "note"
    INSPECTION = "inspection"
    DOWNTIME = "downtime"
    READING = "reading"


@dataclass(frozen=True)
class TimelineQuery:
    well_id: str
    kinds: frozenset[TimelineKind]
    start: datetime | None
    end: datetime | None
    limit: int


class WellActivityReader(Protocol):
    """Reads a well's field records and assignments (one tenant's database)."""

    def timeline(self, query: TimelineQuery) -> list[tuple[TimelineKind, Record]]:
        """Rows of the asked kinds, at most `query.limit` of each, newest first."""
        ...

    def assignments(self, well_id: str) -> list[Record]: ...


class WellActivityUnitOfWork(TenantUnitOfWork, Protocol):
    activity: WellActivityReader


class WellActivityDatabases(Protocol):
    def unit_of_work(self, tenant: Tenant) -> WellActivityUnitOfWork: ...
