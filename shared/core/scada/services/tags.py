"""Tag mappings: OPC node → well and tag name, with a numeric id readings carry.

Tag ids are never reused. Deleting a mapping is a soft delete: readings the
gateway buffered before the change still arrive, are accepted and still map to
their well.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, fields, replace
from typing import Any

from shared.core.common.access import require
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import DuplicateError, InputError, NotFoundError
from shared.core.common.pages import Page
from shared.core.common.roles import Permission
from shared.core.registry.model.tenants import Tenant
from shared.core.scada.model.rules import TAG_DEFAULTS, check_tag
from shared.core.scada.ports import ScadaDatabases, ScadaRepositories, ScadaUnitOfWork, TagMapping
from shared.core.scada.services.common import audit_scada, shown_tag
from shared.core.scada.services.connections import live_connection

_SETTABLE = frozenset(f.name for f in fields(TagMapping)) - {
    "id",
    "revision",
    "created_at",
    "updated_at",
    "deleted_at",
}


class TagMappingService:
    def __init__(self, databases: ScadaDatabases, clock: Clock = utc_now) -> None:
        self._databases = databases
        self._clock = clock

    def get(self, tenant: Tenant, actor: Actor, connection_id: str, tag_id: int) -> TagMapping:
        require(actor, Permission.SETTINGS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            return _live_tag(uow.scada, connection_id, tag_id)

    def create(
        self, tenant: Tenant, actor: Actor, connection_id: str, values: Mapping[str, Any]
    ) -> TagMapping:
        require(actor, Permission.SETTINGS_WRITE)
        row = {**TAG_DEFAULTS, **values, "connection_id": connection_id}
        check_tag(row)
        with self._databases.unit_of_work(tenant) as uow:
            live_connection(uow.scada, connection_id)
            _check_references(uow, row, tag_id=None)
            now = self._clock()
            settings: dict[str, Any] = {name: row.get(name) for name in _SETTABLE}
            tag = TagMapping(
                **settings,
                id=0,
                revision=uow.scada.revision.next(),
                created_at=now,
                updated_at=now,
            )
            created = uow.scada.tags.add(replace(tag, well_id=str(tag.well_id)))
            audit_scada(
                uow,
                self._clock,
                actor,
                "tag_mapping.created",
                "tag_mapping",
                str(created.id),
                None,
                shown_tag(created),
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
    ) -> TagMapping:
        require(actor, Permission.SETTINGS_WRITE)
        unknown = set(changes) - _SETTABLE
        if unknown:
            raise InputError(sorted(unknown)[0], "is not a tag mapping setting")
        with self._databases.unit_of_work(tenant) as uow:
            before = _live_tag(uow.scada, connection_id, tag_id)
            state = {**asdict(before), **changes}
            check_tag(state)
            _check_references(uow, state, tag_id=tag_id)
            changed = replace(before, **changes, revision=uow.scada.revision.next())
            changed = replace(changed, well_id=str(changed.well_id))
            after = uow.scada.tags.update(changed)
            audit_scada(
                uow,
                self._clock,
                actor,
                "tag_mapping.updated",
                "tag_mapping",
                str(tag_id),
                shown_tag(before),
                shown_tag(after),
            )
            uow.commit()
        return after

    def delete(self, tenant: Tenant, actor: Actor, connection_id: str, tag_id: int) -> None:
        require(actor, Permission.SETTINGS_WRITE)
        with self._databases.unit_of_work(tenant) as uow:
            before = _live_tag(uow.scada, connection_id, tag_id)
            revision = uow.scada.revision.next()
            uow.scada.tags.update(replace(before, deleted_at=self._clock(), revision=revision))
            audit_scada(
                uow,
                self._clock,
                actor,
                "tag_mapping.deleted",
                "tag_mapping",
                str(tag_id),
                shown_tag(before),
                None,
            )
            uow.commit()

    def list(
        self, tenant: Tenant, actor: Actor, connection_id: str, limit: int, offset: int
    ) -> Page[TagMapping]:
        require(actor, Permission.SETTINGS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            live_connection(uow.scada, connection_id)
            page = uow.scada.tags.list(connection_id, limit, offset)
        return page


def _live_tag(scada: ScadaRepositories, connection_id: str, tag_id: int) -> TagMapping:
    tag = scada.tags.get(tag_id)
    if tag is None or tag.connection_id != connection_id:
        raise NotFoundError("tag mapping", tag_id)
    return tag


def _check_references(uow: ScadaUnitOfWork, state: Mapping[str, Any], tag_id: int | None) -> None:
    well_id = str(state.get("well_id") or "")
    if not well_id or uow.wells.get(well_id) is None:
        raise InputError("well_id", f"well {well_id or '(none)'} does not exist")
    same_node = uow.scada.tags.find_node(str(state["connection_id"]), str(state["node_id"]))
    if same_node is not None and same_node.id != tag_id:
        raise DuplicateError("node_id", state["node_id"])
    same_name = uow.scada.tags.find_name(well_id, str(state["tag_name"]))
    if same_name is not None and same_name.id != tag_id:
        raise DuplicateError("tag_name", state["tag_name"])
