"""Fields, leases, facilities and equipment: list, create, read, change.

One service serves the four because their rules have the same shape: a unique
business key, references that must exist, office roles to write.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from shared.core.common import limits
from shared.core.common.access import (
    audit,
    ensure_well_visible,
    require,
    require_office_role,
    visible_well_ids,
)
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import DuplicateError, InputError, NotFoundError
from shared.core.common.pages import Page
from shared.core.common.roles import Permission
from shared.core.registry.model.tenants import Tenant
from shared.core.wells.model.records import (
    CatalogRecord,
    Equipment,
    Facility,
    Lease,
    OilField,
    attribute_names,
    values_of,
)
from shared.core.wells.ports import CatalogRepository, WellsDatabases, WellsUnitOfWork

R = TypeVar("R", bound=CatalogRecord)

RowRule = Callable[[Mapping[str, Any], Collection[str]], None]
"""Checks a whole row (stored values with the changes laid over) given the changed keys;
raises InputError naming the field the caller changed."""


def _no_rules(row: Mapping[str, Any], changed: Collection[str]) -> None:
    return None


def lease_dates_in_order(row: Mapping[str, Any], changed: Collection[str]) -> None:
    """A lease expires on or after its effective date, whichever of the two a PATCH sends."""
    effective, expiration = row.get("effective_date"), row.get("expiration_date")
    if effective is None or expiration is None or expiration >= effective:
        return
    if "expiration_date" in changed:
        raise InputError("expiration_date", f"must not be before effective_date ({effective})")
    raise InputError("effective_date", f"must not be after expiration_date ({expiration})")


Exists = Callable[[WellsUnitOfWork, str], bool]
"""Whether a referenced record exists in the unit of work."""


@dataclass(frozen=True)
class CatalogKind(Generic[R]):
    name: str
    plural: str
    record_type: Callable[..., R]
    """Builds a record from its attributes by name (the dataclass)."""
    repository: Callable[[WellsUnitOfWork], CatalogRepository[R]]
    unique_key: str
    """The attribute holding the business key (the repository's `find_by_key`)."""
    references: Mapping[str, tuple[str, Exists]]
    """Attribute -> (the referenced record's name, whether it exists)."""
    rules: Mapping[str, limits.Rule]
    """Plausibility limits of its values (shared.core.common.limits)."""
    default_status: str = "ACTIVE"
    row_rule: RowRule = _no_rules
    attributes: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        names = attribute_names(self.record_type) - {"id", "created_at", "updated_at"}
        object.__setattr__(self, "attributes", names)


def _well_exists(uow: WellsUnitOfWork, well_id: str) -> bool:
    return uow.wells.get(well_id) is not None


def _field_exists(uow: WellsUnitOfWork, field_id: str) -> bool:
    return uow.fields.get(field_id) is not None


def _facility_exists(uow: WellsUnitOfWork, facility_id: str) -> bool:
    return uow.facilities.get(facility_id) is not None


_TEXT = limits.SINGLE_LINE
FIELDS = CatalogKind(
    "field",
    "fields",
    OilField,
    lambda uow: uow.fields,
    "code",
    {},
    dict.fromkeys(("name", "code", "basin", "state", "county"), _TEXT),
)
LEASES = CatalogKind(
    "lease",
    "leases",
    Lease,
    lambda uow: uow.leases,
    "lease_number",
    {"field_id": ("field", _field_exists)},
    {
        **dict.fromkeys(("lease_number", "name", "lessor"), _TEXT),
        **dict.fromkeys(("effective_date", "expiration_date"), limits.CONTRACT),
        **dict.fromkeys(
            ("working_interest", "net_revenue_interest", "royalty_rate"), limits.FRACTION
        ),
        **dict.fromkeys(("gross_acres", "net_acres"), limits.ACRES),
    },
    row_rule=lease_dates_in_order,
)
FACILITIES = CatalogKind(
    "facility",
    "facilities",
    Facility,
    lambda uow: uow.facilities,
    "code",
    {"field_id": ("field", _field_exists)},
    {"name": _TEXT, "code": _TEXT, "latitude": limits.LATITUDE, "longitude": limits.LONGITUDE},
)
EQUIPMENT = CatalogKind(
    "equipment",
    "equipment",
    Equipment,
    lambda uow: uow.equipment,
    "tag",
    {"well_id": ("well", _well_exists), "facility_id": ("facility", _facility_exists)},
    {
        **dict.fromkeys(("tag", "name", "equipment_type", "manufacturer", "model"), _TEXT),
        "serial_number": _TEXT,
        "installation_date": limits.HAPPENED,
    },
)


class CatalogService:
    def __init__(self, databases: WellsDatabases, clock: Clock = utc_now) -> None:
        self._databases = databases
        self._clock = clock

    def list(
        self,
        kind: CatalogKind[R],
        tenant: Tenant,
        actor: Actor,
        filters: Mapping[str, Any],
        limit: int,
        offset: int,
    ) -> Page[R]:
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            filters = dict(filters)
            visible = visible_well_ids(uow, actor)
            if kind is EQUIPMENT and visible is not None:
                requested = filters.get("well_id")
                if requested is not None and requested not in visible:
                    return Page([], 0, limit, offset)
                if requested is None:
                    return _equipment_of_wells(kind, uow, visible, filters, limit, offset)
            return kind.repository(uow).list(filters, limit, offset)

    def get(self, kind: CatalogKind[R], tenant: Tenant, actor: Actor, entity_id: str) -> R:
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            record = kind.repository(uow).get(entity_id)
            if record is None:
                raise NotFoundError(kind.name, entity_id)
            if isinstance(record, Equipment) and record.well_id:
                ensure_well_visible(uow, actor, record.well_id)
            return record

    def create(
        self, kind: CatalogKind[R], tenant: Tenant, actor: Actor, values: Mapping[str, Any]
    ) -> R:
        require(actor, Permission.WELLS_WRITE)
        require_office_role(actor, f"create a {kind.name}")
        row = {"status": kind.default_status, **_known_values(kind, values)}
        limits.check_values(row, kind.rules, self._clock().date())
        kind.row_rule(row, row.keys())
        with self._databases.unit_of_work(tenant) as uow:
            _check_values(uow, kind, row, entity_id=None)
            now = self._clock()
            new = kind.record_type(id=str(uuid.uuid4()), created_at=now, updated_at=now, **row)
            record = kind.repository(uow).add(new)
            audit(
                uow,
                self._clock,
                actor,
                f"{kind.name}.created",
                kind.name,
                record.id,
                None,
                values_of(record),
            )
            uow.commit()
            return record

    def update(
        self,
        kind: CatalogKind[R],
        tenant: Tenant,
        actor: Actor,
        entity_id: str,
        changes: Mapping[str, Any],
    ) -> R:
        require(actor, Permission.WELLS_WRITE)
        require_office_role(actor, f"change a {kind.name}")
        limits.check_values(changes, kind.rules, self._clock().date())
        changes = _known_values(kind, changes)
        with self._databases.unit_of_work(tenant) as uow:
            repository = kind.repository(uow)
            before = repository.get(entity_id)
            if before is None:
                raise NotFoundError(kind.name, entity_id)
            if not changes:
                return before
            kind.row_rule({**values_of(before), **changes}, changes.keys())
            _check_values(uow, kind, changes, entity_id=entity_id)
            after = repository.update(entity_id, changes)
            audit(
                uow,
                self._clock,
                actor,
                f"{kind.name}.updated",
                kind.name,
                entity_id,
                values_of(before),
                values_of(after),
            )
            uow.commit()
            return after


def _equipment_of_wells(
    kind: CatalogKind[R],
    uow: WellsUnitOfWork,
    wells: set[str],
    filters: dict[str, Any],
    limit: int,
    offset: int,
) -> Page[R]:
    items: list[R] = []
    repository = kind.repository(uow)
    for well_id in sorted(wells):
        items.extend(repository.list({**filters, "well_id": well_id}, 10_000, 0).items)
    return Page(items[offset : offset + limit], len(items), limit, offset)


def _known_values(kind: CatalogKind[R], values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - kind.attributes)
    if unknown:
        raise InputError(unknown[0], f"is not an attribute of a {kind.name}")
    return dict(values)


def _check_values(
    uow: WellsUnitOfWork, kind: CatalogKind[R], row: Mapping[str, Any], entity_id: str | None
) -> None:
    key_value = row.get(kind.unique_key)
    if key_value is not None:
        existing = kind.repository(uow).find_by_key(key_value)
        if existing is not None and existing.id != entity_id:
            raise DuplicateError(kind.unique_key, key_value)
    for attribute, (target, exists) in kind.references.items():
        referenced = row.get(attribute)
        if referenced is not None and not exists(uow, referenced):
            raise InputError(attribute, f"{target} {referenced} does not exist")
