"""Wells: list, create, read, change (with the lifecycle rules), soft delete, assign."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, TypeVar

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
from shared.core.common.json_text import JsonPage
from shared.core.common.pages import Page
from shared.core.common.roles import Permission
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.ports import MasterDatabase
from shared.core.wells.model.api_number import normalize_api_number
from shared.core.wells.model.lifecycle import WELL_LIMITS, WellStatus, ensure_transition
from shared.core.wells.model.records import Well, attribute_names, values_of
from shared.core.wells.ports import WellQuery, WellRepository, WellsDatabases, WellsUnitOfWork

T = TypeVar("T")

_WELL_VALUES = attribute_names(Well) - {"id", "created_at", "updated_at", "deleted_at"}


class WellService:
    def __init__(
        self, databases: WellsDatabases, master: MasterDatabase, clock: Clock = utc_now
    ) -> None:
        self._databases = databases
        self._master = master
        self._clock = clock

    def list(self, tenant: Tenant, actor: Actor, query: WellQuery) -> Page[Well]:
        return self._list(tenant, actor, query, lambda wells, query: wells.list(query))

    def list_json(self, tenant: Tenant, actor: Actor, query: WellQuery) -> JsonPage | None:
        """`list` as the database writes it in JSON; None: call `list`."""
        return self._list(tenant, actor, query, lambda wells, query: wells.list_json(query))

    def _list(
        self,
        tenant: Tenant,
        actor: Actor,
        query: WellQuery,
        read: Callable[[WellRepository, WellQuery], T],
    ) -> T:
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            visible = visible_well_ids(uow, actor)
            if visible is not None:
                query = replace(query, only_ids=visible)
            return read(uow.wells, query)

    def get(self, tenant: Tenant, actor: Actor, well_id: str) -> Well:
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            return _visible_well(uow, actor, well_id)

    def create(self, tenant: Tenant, actor: Actor, values: Mapping[str, Any]) -> Well:
        require(actor, Permission.WELLS_WRITE)
        require_office_role(actor, "create wells")
        row = _known_values(values)
        row.setdefault("status", WellStatus.PLANNED.value)
        row.setdefault("is_horizontal", False)
        limits.check_values(row, WELL_LIMITS, self._clock().date())
        with self._databases.unit_of_work(tenant) as uow:
            _check_well_values(uow, row, well_id=None)
            now = self._clock()
            new = Well(id=str(uuid.uuid4()), created_at=now, updated_at=now, **row)
            well = uow.wells.add(new)
            audit(uow, self._clock, actor, "well.created", "well", well.id, None, values_of(well))
            uow.commit()
            return well

    def update(
        self, tenant: Tenant, actor: Actor, well_id: str, changes: Mapping[str, Any]
    ) -> Well:
        require(actor, Permission.WELLS_WRITE)
        limits.check_values(changes, WELL_LIMITS, self._clock().date())
        with self._databases.unit_of_work(tenant) as uow:
            before = _visible_well(uow, actor, well_id)
            row = _known_values(changes)
            if "status" in row:
                ensure_transition(WellStatus(before.status), WellStatus(row["status"]))
            _check_well_values(uow, row, well_id=well_id)
            if not row:
                return before
            after = uow.wells.update(well_id, row)
            audit(
                uow,
                self._clock,
                actor,
                "well.updated",
                "well",
                well_id,
                values_of(before),
                values_of(after),
            )
            uow.commit()
            return after

    def delete(self, tenant: Tenant, actor: Actor, well_id: str) -> None:
        require(actor, Permission.WELLS_DELETE)
        with self._databases.unit_of_work(tenant) as uow:
            before = _visible_well(uow, actor, well_id)
            after = uow.wells.update(well_id, {"deleted_at": self._clock()})
            audit(
                uow,
                self._clock,
                actor,
                "well.deleted",
                "well",
                well_id,
                values_of(before),
                values_of(after),
            )
            uow.commit()

    def assign(self, tenant: Tenant, actor: Actor, well_id: str, user_id: str) -> None:
        require_office_role(actor, "assign wells")
        with self._master.unit_of_work() as master_uow:
            if master_uow.users.get(tenant.id, user_id) is None:
                raise InputError("user_id", f"user {user_id} does not exist in this tenant")
        with self._databases.unit_of_work(tenant) as uow:
            _visible_well(uow, actor, well_id)
            uow.assignments.assign(user_id, well_id, actor.email, self._clock())
            after = {"user_id": user_id, "well_id": well_id}
            audit(uow, self._clock, actor, "well.assigned", "well", well_id, None, after)
            uow.commit()

    def unassign(self, tenant: Tenant, actor: Actor, well_id: str, user_id: str) -> None:
        require_office_role(actor, "unassign wells")
        with self._databases.unit_of_work(tenant) as uow:
            _visible_well(uow, actor, well_id)
            uow.assignments.unassign(user_id, well_id)
            before = {"user_id": user_id, "well_id": well_id}
            audit(uow, self._clock, actor, "well.unassigned", "well", well_id, before, None)
            uow.commit()


def _known_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values of a well's attributes; any other name is bad input."""
    unknown = sorted(set(values) - _WELL_VALUES)
    if unknown:
        raise InputError(unknown[0], "is not an attribute of a well")
    return dict(values)


def _visible_well(uow: WellsUnitOfWork, actor: Actor, well_id: str) -> Well:
    ensure_well_visible(uow, actor, well_id)
    well = uow.wells.get(well_id)
    if well is None:
        raise NotFoundError("well", well_id)
    return well


def _check_well_values(uow: WellsUnitOfWork, row: dict[str, Any], well_id: str | None) -> None:
    """Normalize the API number and check uniqueness and references, in place."""
    if row.get("api_number") is not None:
        row["api_number"] = normalize_api_number(row["api_number"])
        existing = uow.wells.find_by_api_number(row["api_number"])
        if existing is not None and existing.id != well_id:
            raise DuplicateError("api_number", row["api_number"])
    if row.get("lease_id") is not None and uow.leases.get(row["lease_id"]) is None:
        raise InputError("lease_id", f"lease {row['lease_id']} does not exist")
    if row.get("field_id") is not None and uow.fields.get(row["field_id"]) is None:
        raise InputError("field_id", f"field {row['field_id']} does not exist")
