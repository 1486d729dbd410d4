"""The in-memory twin of the wells repositories: wells, the catalog, daily production,
and assignments (one `WellsData` store per tenant); a well's activity and photos,
which field sync writes, are read in `memory/sync.py`.

It refuses what the database refuses (a second well with the same API number, a
lease of a field that does not exist: `ConflictError`) and orders and filters as
the SQL repositories do, which the contract suite in
tests/contracts/test_wells_repositories_contract.py holds it to.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar, cast

from shared.core.common.errors import ConflictError, NotFoundError
from shared.core.common.json_text import JsonObjects, JsonPage
from shared.core.common.pages import Page
from shared.core.wells.model.records import (
    Assignment,
    CatalogRecord,
    Equipment,
    Facility,
    Lease,
    OilField,
    ProductionDay,
    Well,
    attribute_names,
)
from shared.core.wells.ports import WellQuery

R = TypeVar("R", bound=CatalogRecord)

_API_SEPARATORS = re.compile(r"[\s\-.]")


@dataclass
class WellsData:
    wells: dict[str, Well] = field(default_factory=dict)
    fields: dict[str, OilField] = field(default_factory=dict)
    leases: dict[str, Lease] = field(default_factory=dict)
    facilities: dict[str, Facility] = field(default_factory=dict)
    equipment: dict[str, Equipment] = field(default_factory=dict)
    production: dict[tuple[str, date], ProductionDay] = field(default_factory=dict)
    assignments: dict[tuple[str, str], Assignment] = field(default_factory=dict)

    # What other features' tests set up: rows as the wells feature would have written
    # them, with defaults for what a test leaves out (references are not checked).

    def seed_well(self, well_id: str, name: str = "Well", **values: Any) -> str:
        defaults = {"well_type": "OIL", "status": "PRODUCING"}
        self.wells[well_id] = Well(id=well_id, name=name, **_seeded(defaults, values))
        return well_id

    def seed_lease(self, lease_id: str, name: str = "Lease", **values: Any) -> str:
        defaults = {"lease_number": f"L-{lease_id[:8]}", "royalty_rate": 0.125, "status": "ACTIVE"}
        self.leases[lease_id] = Lease(id=lease_id, name=name, **_seeded(defaults, values))
        return lease_id

    def seed_facility(self, facility_id: str, name: str = "Facility", **values: Any) -> str:
        defaults = {"facility_type": "BATTERY", "status": "ACTIVE"}
        self.facilities[facility_id] = Facility(
            id=facility_id, name=name, **_seeded(defaults, values)
        )
        return facility_id

    def seed_day(self, well_id: str, production_date: date, **values: Any) -> None:
        defaults: dict[str, Any] = {"updated_at": SEEDED_AT, "updated_by": "seed"}
        day = ProductionDay(well_id=well_id, production_date=production_date, **defaults | values)
        self.production[(well_id, production_date)] = day


SEEDED_AT = datetime(2026, 1, 1, tzinfo=UTC)


def _seeded(defaults: dict[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    return {"created_at": SEEDED_AT, "updated_at": SEEDED_AT, **defaults, **values}


Reference = Callable[[WellsData], Mapping[str, object]]
"""The records an attribute refers to (a foreign key)."""


def _wells(data: WellsData) -> Mapping[str, object]:
    return data.wells


def _fields(data: WellsData) -> Mapping[str, object]:
    return data.fields


def _facilities(data: WellsData) -> Mapping[str, object]:
    return data.facilities


def _leases(data: WellsData) -> Mapping[str, object]:
    return data.leases


class _Records(Generic[R]):
    """One kind of catalog record: a unique business key, references that must exist."""

    def __init__(
        self,
        data: WellsData,
        rows: dict[str, R],
        key: str,
        references: Mapping[str, Reference],
    ) -> None:
        self._data = data
        self._rows = rows
        self._key = key
        self._references = references

    def _check(self, record: R) -> None:
        key = getattr(record, self._key)
        if key is not None and any(
            getattr(other, self._key) == key and other.id != record.id
            for other in self._rows.values()
        ):
            raise ConflictError(f"{self._key} {key}: conflicts with existing data")
        for attribute, target in self._references.items():
            referenced = getattr(record, attribute)
            if referenced is not None and referenced not in target(self._data):
                raise ConflictError(f"{attribute} {referenced}: conflicts with existing data")

    def _changed(self, entity_id: str, changes: Mapping[str, Any]) -> R:
        before = self._rows.get(entity_id)
        if before is None:
            raise NotFoundError("record", entity_id)
        unknown = sorted(set(changes) - attribute_names(type(before)))
        if unknown:
            raise ValueError(f"no attribute {unknown[0]}")
        after: R = dataclasses.replace(cast(Any, before), **changes, updated_at=datetime.now(UTC))
        self._check(after)
        self._rows[entity_id] = after
        return after

    def _added(self, record: R) -> R:
        if record.id in self._rows:
            raise ConflictError(f"id {record.id}: conflicts with existing data")
        self._check(record)
        self._rows[record.id] = record
        return record

    def _by_key(self, key: str) -> R | None:
        found = [r for r in self._rows.values() if getattr(r, self._key) == key]
        return found[0] if found else None


def _page(items: list[R], limit: int, offset: int) -> Page[R]:
    return Page(items[offset : offset + limit], len(items), limit, offset)


class MemoryCatalogRepository(_Records[R]):
    def list(self, filters: Mapping[str, Any], limit: int, offset: int) -> Page[R]:
        wanted = {name: value for name, value in filters.items() if value is not None}
        rows = sorted(self._rows.values(), key=lambda r: (r.created_at, r.id))
        unknown = sorted(set(filters) - attribute_names(type(rows[0]))) if rows else []
        if unknown:
            raise ValueError(f"no attribute {unknown[0]}")
        items = [r for r in rows if all(getattr(r, n) == v for n, v in wanted.items())]
        return _page(items, limit, offset)

    def get(self, entity_id: str) -> R | None:
        return self._rows.get(entity_id)

    def find_by_key(self, key: str) -> R | None:
        return self._by_key(key)

    def add(self, record: R) -> R:
        return self._added(record)

    def update(self, entity_id: str, changes: Mapping[str, Any]) -> R:
        return self._changed(entity_id, changes)


class MemoryWellRepository(_Records[Well]):
    def __init__(self, data: WellsData) -> None:
        references = {"lease_id": _leases, "field_id": _fields}
        super().__init__(data, data.wells, "api_number", references)

    def list(self, query: WellQuery) -> Page[Well]:
        items = [w for w in self._rows.values() if w.deleted_at is None and _matches(w, query)]
        items.sort(key=lambda w: (w.name, w.id))
        return _page(items, query.limit, query.offset)

    def list_json(self, query: WellQuery) -> JsonPage | None:
        return None  # no database writes JSON here: the page is read instead

    def get(self, well_id: str) -> Well | None:
        well = self._rows.get(well_id)
        return well if well is not None and well.deleted_at is None else None

    def exists(self, well_id: str) -> bool:
        return self.get(well_id) is not None

    def find_by_api_number(self, api_number: str) -> Well | None:
        return self._by_key(api_number)

    def add(self, well: Well) -> Well:
        return self._added(well)

    def update(self, well_id: str, changes: Mapping[str, Any]) -> Well:
        return self._changed(well_id, changes)


def _matches(well: Well, query: WellQuery) -> bool:
    if query.status and well.status != query.status:
        return False
    if query.lease_id and well.lease_id != query.lease_id:
        return False
    if query.field_id and well.field_id != query.field_id:
        return False
    if query.only_ids is not None and well.id not in query.only_ids:
        return False
    if query.text:
        digits = _API_SEPARATORS.sub("", query.text) or query.text
        in_name = query.text.lower() in well.name.lower()
        return in_name or (well.api_number is not None and digits in well.api_number)
    return True


def catalog_repositories(
    data: WellsData,
) -> tuple[
    MemoryCatalogRepository[OilField],
    MemoryCatalogRepository[Lease],
    MemoryCatalogRepository[Facility],
    MemoryCatalogRepository[Equipment],
]:
    """Fields, leases, facilities and equipment over one store."""
    return (
        MemoryCatalogRepository(data, data.fields, "code", {}),
        MemoryCatalogRepository(data, data.leases, "lease_number", {"field_id": _fields}),
        MemoryCatalogRepository(data, data.facilities, "code", {"field_id": _fields}),
        MemoryCatalogRepository(
            data, data.equipment, "tag", {"well_id": _wells, "facility_id": _facilities}
        ),
    )


class MemoryProductionRepository:
    def __init__(self, data: WellsData) -> None:
        self._data = data

    def get_day(self, well_id: str, production_date: date) -> ProductionDay | None:
        return self._data.production.get((well_id, production_date))

    def between(self, well_id: str, start: date, end: date) -> list[ProductionDay]:
        days = [
            day
            for (well, on), day in self._data.production.items()
            if well == well_id and start <= on <= end
        ]
        return sorted(days, key=lambda day: day.production_date)

    def between_json(self, well_id: str, start: date, end: date) -> JsonObjects | None:
        return None  # no database writes JSON here: the rows are read instead

    def upsert_days(self, days: Sequence[ProductionDay]) -> int:
        for day in days:
            if day.well_id not in self._data.wells:
                raise ConflictError(f"well_id {day.well_id}: conflicts with existing data")
            self._data.production[(day.well_id, day.production_date)] = day
        return len(days)


class MemoryAssignmentRepository:
    def __init__(self, data: WellsData) -> None:
        self._data = data

    def well_ids_for(self, user_id: str) -> set[str]:
        return {well for user, well in self._data.assignments if user == user_id}

    def assign(self, user_id: str, well_id: str, by: str, at: datetime) -> None:
        if well_id not in self._data.wells:
            raise ConflictError(f"well_id {well_id}: conflicts with existing data")
        self._data.assignments.setdefault((user_id, well_id), Assignment(user_id, well_id, by, at))

    def unassign(self, user_id: str, well_id: str) -> None:
        self._data.assignments.pop((user_id, well_id), None)
