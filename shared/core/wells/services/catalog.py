"""Fields, leases, facilities and equipment: list, create, read, change.

One service serves the four because their rules have the same shape: a unique
business key, references that must exist, office roles to write.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

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
from shared.core.common.units_of_work import Record, TenantUnitOfWork
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.ports import TenantDatabases
from shared.core.wells.ports import CatalogRepository

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


@dataclass(frozen=True)
class CatalogKind:
    name: str
    repository: str
    unique_key: str
    references: Mapping[str, str]
    rules: Mapping[str, limits.Rule]
    """Plausibility limits of its values (shared.core.common.limits)."""
    default_status: str = "ACTIVE"
    row_rule: RowRule = _no_rules


_TEXT = limits.SINGLE_LINE
FIELDS = CatalogKind(
    "field",
    "fields",
    "code",
    {},
    dict.fromkeys(("name", "code", "basin", "state", "county"), _TEXT),
)
LEASES = CatalogKind(
    "lease",
    "leases",
    "lease_number",
    {"field_id": "fields"},
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
    "code",
    {"field_id": "fields"},
    {"name": _TEXT, "code": _TEXT, "latitude": limits.LATITUDE, "longitude": limits.LONGITUDE},
)
EQUIPMENT = CatalogKind(
    "equipment",
    "equipment",
    "tag",
    {"well_id": "wells", "facility_id": "facilities"},
    {
        **dict.fromkeys(("tag", "name", "equipment_type", "manufacturer", "model"), _TEXT),
        "serial_number": _TEXT,
        "installation_date": limits.HAPPENED,
    },
)


_SINGULAR = {"wells": "well", "fields": "field", "facilities": "facility"}


def _repository(uow: TenantUnitOfWork, name: str) -> CatalogRepository:
    repository: CatalogRepository = getattr(uow, name)
    return repository


class CatalogService:
    def __init__(self, databases: TenantDatabases, clock: Clock = utc_now) -> None:
        self._databases = databases
        self._clock = clock

    def list(
        self,
        kind: CatalogKind,
        tenant: Tenant,
        actor: Actor,
        filters: Mapping[str, Any],
        limit: int,
        offset: int,
    ) -> Page[Record]:
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            filters = dict(filters)
            visible = visible_well_ids(uow, actor)
            if kind is EQUIPMENT and visible is not None:
                requested = filters.get("well_id")
                if requested is not None and requested not in visible:
                    return Page([], 0, limit, offset)
                if requested is None:
                    return self._equipment_of_wells(uow, visible, filters, limit, offset)
            return _repository(uow, kind.repository).list(filters, limit, offset)

    def _equipment_of_wells(
        self,
        uow: TenantUnitOfWork,
        wells: set[str],
        filters: dict[str, Any],
        limit: int,
        offset: int,
    ) -> Page[Record]:
        items: list[Record] = []
        for well_id in sorted(wells):
            items.extend(uow.equipment.list({**filters, "well_id": well_id}, 10_000, 0).items)
        return Page(items[offset : offset + limit], len(items), limit, offset)

    def get(self, kind: CatalogKind, tenant: Tenant, actor: Actor, entity_id: str) -> Record:
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            record = _repository(uow, kind.repository).get(entity_id)
            if record is None:
                raise NotFoundError(kind.name, entity_id)
            if kind is EQUIPMENT and record.get("well_id"):
                ensure_well_visible(uow, actor, record["well_id"])
            return record

    def create(
        self, kind: CatalogKind, tenant: Tenant, actor: Actor, values: Mapping[str, Any]
    ) -> Record:
        require(actor, Permission.WELLS_WRITE)
        require_office_role(actor, f"create a {kind.name}")
        row = {"status": kind.default_status, **values}
        limits.check_values(row, kind.rules, self._clock().date())
        kind.row_rule(row, row.keys())
        with self._databases.unit_of_work(tenant) as uow:
            _check_values(uow, kind, row, entity_id=None)
            record = _repository(uow, kind.repository).add(row)
            audit(
                uow,
                self._clock,
                actor,
                f"{kind.name}.created",
                kind.name,
                record["id"],
                None,
                record,
            )
            uow.commit()
            return record

    def update(
        self,
        kind: CatalogKind,
        tenant: Tenant,
        actor: Actor,
        entity_id: str,
        changes: Mapping[str, Any],
    ) -> Record:
        require(actor, Permission.WELLS_WRITE)
        require_office_role(actor, f"change a {kind.name}")
        limits.check_values(changes, kind.rules, self._clock().date())
        with self._databases.unit_of_work(tenant) as uow:
            repository = _repository(uow, kind.repository)
            before = repository.get(entity_id)
            if before is None:
                raise NotFoundError(kind.name, entity_id)
            if not changes:
                return before
            kind.row_rule({**before, **changes}, changes.keys())
            _check_values(uow, kind, dict(changes), entity_id=entity_id)
            after = repository.update(entity_id, changes)
            audit(
                uow, self._clock, actor, f"{kind.name}.updated", kind.name, entity_id, before, after
            )
            uow.commit()
            return after


def _check_values(
    uow: TenantUnitOfWork, kind: CatalogKind, row: Mapping[str, Any], entity_id: str | None
) -> None:
    key_value = row.get(kind.unique_key)
    if key_value is not None:
        existing = _repository(uow, kind.repository).find_by(kind.unique_key, key_value)
        if existing is not None and existing["id"] != entity_id:
            raise DuplicateError(kind.unique_key, key_value)
    for column, target in kind.references.items():
        referenced = row.get(column)
        if referenced is None:
            continue
        found = (
            uow.wells.get(referenced)
            if target == "wells"
            else _repository(uow, target).get(referenced)
        )
        if found is None:
            raise InputError(column, f"{_SINGULAR[target]} {referenced} does not exist")
