"""Tag mappings: OPC node → well and tag name, with a numeric id readings carry.

Tag ids are never reused. Deleting a mapping is a soft delete: readings the
gateway buffered before the change still arrive, are accepted and still map to
their well.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.core.common.access import require
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import DuplicateError, InputError, NotFoundError
from shared.core.common.pages import Page
from shared.core.common.roles import Permission
from shared.core.common.units_of_work import Record, TenantUnitOfWork
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.ports import TenantDatabases
from shared.core.scada.model.rules import TAG_DEFAULTS, check_tag
from shared.core.scada.services.common import audit_scada, public_tag
from shared.core.scada.services.connections import live_connection


class TagMappingService:
    def __init__(self, databases: TenantDatabases, clock: Clock = utc_now) -> None:
        self._databases = databases
        self._clock = clock

    def get(self, tenant: Tenant, actor: Actor, connection_id: str, tag_id: int) -> Record:
        require(actor, Permission.SETTINGS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            return public_tag(_live_tag(uow, connection_id, tag_id))

    def create(
        self, tenant: Tenant, actor: Actor, connection_id: str, values: Mapping[str, Any]
    ) -> Record:
        require(actor, Permission.SETTINGS_WRITE)
        row = {**TAG_DEFAULTS, **values, "connection_id": connection_id}
        check_tag(row)
        with self._databases.unit_of_work(tenant) as uow:
            live_connection(uow, connection_id)
            _check_references(uow, row, tag_id=None)
            row["revision"] = uow.scada.revision.next()
            created = public_tag(uow.scada.tags.add(row))
            audit_scada(
                uow,
                self._clock,
                actor,
                "tag_mapping.created",
                "tag_mapping",
                str(created["tag_id"]),
                None,
                created,
            )
            uow.commit()
        return created

    def update(
        self,
        tenant: Tenant,
        actor: Actor,
        connection_id: str,
        tag_id: int,
        changes: Mapping[str, Any],
    ) -> Record:
        require(actor, Permission.SETTINGS_WRITE)
        with self._databases.unit_of_work(tenant) as uow:
            before = _live_tag(uow, connection_id, tag_id)
            state = {**before, **changes}
            check_tag(state)
            _check_references(uow, state, tag_id=tag_id)
            values = {**changes, "revision": uow.scada.revision.next()}
            after = public_tag(uow.scada.tags.update(tag_id, values))
            audit_scada(
                uow,
                self._clock,
                actor,
                "tag_mapping.updated",
                "tag_mapping",
                str(tag_id),
                public_tag(before),
                after,
            )
            uow.commit()
        return after

    def delete(self, tenant: Tenant, actor: Actor, connection_id: str, tag_id: int) -> None:
        require(actor, Permission.SETTINGS_WRITE)
        with self._databases.unit_of_work(tenant) as uow:
            before = _live_tag(uow, connection_id, tag_id)
            values = {"deleted_at": self._clock(), "revision": uow.scada.revision.next()}
            uow.scada.tags.update(tag_id, values)
            audit_scada(
                uow,
                self._clock,
                actor,
                "tag_mapping.deleted",
                "tag_mapping",
                str(tag_id),
                public_tag(before),
                None,
            )
            uow.commit()

    def list(
        self, tenant: Tenant, actor: Actor, connection_id: str, limit: int, offset: int
    ) -> Page[Record]:
        require(actor, Permission.SETTINGS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            live_connection(uow, connection_id)
            page = uow.scada.tags.list(connection_id, limit, offset)
        return Page([public_tag(row) for row in page.items], page.total, limit, offset)


def _live_tag(uow: TenantUnitOfWork, connection_id: str, tag_id: int) -> Record:
    tag = uow.scada.tags.get(tag_id)
    if tag is None or str(tag["connection_id"]) != connection_id:
        raise NotFoundError("tag mapping", tag_id)
    return tag


def _check_references(uow: TenantUnitOfWork, state: Mapping[str, Any], tag_id: int | None) -> None:
    well_id = str(state.get("well_id") or "")
    if not well_id or uow.wells.get(well_id) is None:
        raise InputError("well_id", f"well {well_id or '(none)'} does not exist")
    same_node = uow.scada.tags.find_node(str(state["connection_id"]), str(state["node_id"]))
    if same_node is not None and same_node["id"] != tag_id:
        raise DuplicateError("node_id", state["node_id"])
    same_name = uow.scada.tags.find_name(well_id, str(state["tag_name"]))
    if same_name is not None and same_name["id"] != tag_id:
        raise DuplicateError("tag_name", state["tag_name"])
