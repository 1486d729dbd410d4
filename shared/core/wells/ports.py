"""Ports of wells in one tenant's database: wells, the catalog, daily production, assignments,
and the reader of a well's field activity."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from shared.core.common.json_text import JsonObjects, JsonPage
from shared.core.common.pages import Page
from shared.core.common.units_of_work import UnitOfWork
from shared.core.registry.model.tenants import Tenant
from shared.core.wells.model.records import (
    Assignment,
    CatalogRecord,
    Equipment,
    Facility,
    Lease,
    LinkedPhoto,
    OilField,
    ProductionDay,
    Well,
)

__all__ = [
    "Assignment",
    "Equipment",
    "Facility",
    "Lease",
    "LinkedPhoto",
    "OilField",
    "ProductionDay",
    "Well",
]

R = TypeVar("R", bound=CatalogRecord)

Changes = Mapping[str, Any]
"""New values by the record's attribute names (the adapters map them to storage)."""


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
    def list(self, query: WellQuery) -> Page[Well]: ...

    def list_json(self, query: WellQuery) -> JsonPage | None:
        """`list`'s page as the database writes it in JSON, each well's object ending with
        `api_number_formatted` and `next_statuses` as the API computes them; None where
        the database cannot write it so (then call `list`)."""
        ...

    def get(self, well_id: str) -> Well | None:
        """A well that is not soft-deleted, or None."""
        ...

    def exists(self, well_id: str) -> bool:
        """Whether `get` would find the well (without reading it)."""
        ...

    def find_by_api_number(self, api_number: str) -> Well | None: ...

    def add(self, well: Well) -> Well:
        """Store a new well; returns it as stored."""
        ...

    def update(self, well_id: str, changes: Changes) -> Well:
        """Change the named attributes (and `updated_at`); returns the well as stored."""
        ...


class CatalogRepository(Protocol[R]):
    """Fields, leases, facilities or equipment: list, get, find by business key, add, update."""

    def list(self, filters: Mapping[str, Any], limit: int, offset: int) -> Page[R]:
        """Records whose named attributes equal the filters' values (None: any), oldest first."""
        ...

    def get(self, entity_id: str) -> R | None: ...

    def find_by_key(self, key: str) -> R | None:
        """The record with this business key (a field's code, a lease's number, a tag)."""
        ...

    def add(self, record: R) -> R: ...

    def update(self, entity_id: str, changes: Changes) -> R: ...


class ProductionRepository(Protocol):
    def get_day(self, well_id: str, production_date: date) -> ProductionDay | None: ...

    def between(self, well_id: str, start: date, end: date) -> list[ProductionDay]: ...

    def between_json(self, well_id: str, start: date, end: date) -> JsonObjects | None:
        """`between`'s rows as the database writes them in JSON (`JsonObjects`); None
        where it cannot write them exactly as the rows would be written (read `between`)."""
        ...

    def upsert_days(self, days: Sequence[ProductionDay]) -> int:
        """Insert or replace (well_id, production_date) rows in bulk; returns rows written."""
        ...


class AssignmentRepository(Protocol):
    def well_ids_for(self, user_id: str) -> set[str]: ...

    def assign(self, user_id: str, well_id: str, by: str, at: datetime) -> None: ...

    def unassign(self, user_id: str, well_id: str) -> None: ...


class WellsUnitOfWork(UnitOfWork, Protocol):
    """One transaction on one tenant's database, as the wells feature sees it."""

    wells: WellRepository
    fields: CatalogRepository[OilField]
    leases: CatalogRepository[Lease]
    facilities: CatalogRepository[Facility]
    equipment: CatalogRepository[Equipment]
    production: ProductionRepository
    assignments: AssignmentRepository


class WellsDatabases(Protocol):
    def unit_of_work(self, tenant: Tenant) -> WellsUnitOfWork: ...


class LinkedPhotos(Protocol):
    def photos_for(self, well_id: str, limit: int) -> list[LinkedPhoto]:
        """A well's linked photos, newest first."""
        ...


class PhotosUnitOfWork(WellsUnitOfWork, Protocol):
    """Wells, and the photos field sync linked to them."""

    @property
    def field_records(self) -> LinkedPhotos: ...


class PhotosDatabases(Protocol):
    def unit_of_work(self, tenant: Tenant) -> PhotosUnitOfWork: ...


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


@dataclass(frozen=True)
class TimelineEntry:
    kind: TimelineKind
    id: str
    occurred_at: datetime
    recorded_by: str
    device_id: str
    equipment_id: str | None
    details: dict[str, Any]


class WellActivityReader(Protocol):
    """Reads a well's field records and assignments (one tenant's database)."""

    def timeline(self, query: TimelineQuery) -> list[TimelineEntry]:
        """Entries of the asked kinds, at most `query.limit` of each, newest first."""
        ...

    def assignments(self, well_id: str) -> list[Assignment]:
        """Oldest first."""
        ...


class WellActivityUnitOfWork(WellsUnitOfWork, Protocol):
    activity: WellActivityReader


class WellActivityDatabases(Protocol):
    def unit_of_work(self, tenant: Tenant) -> WellActivityUnitOfWork: ...
