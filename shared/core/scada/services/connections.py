"""SCADA connections: the OPC-UA servers a tenant's gateways read.

Passwords and client private keys go to the Secrets store (the row keeps only
the reference) and leave it again only in the gateway's own config.
Every change bumps the tenant's config revision, so gateways reload.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, fields, replace
from typing import Any

from shared.core.common.access import require
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import DuplicateError, InputError, NotFoundError
from shared.core.common.pages import Page
from shared.core.common.roles import Permission
from shared.core.ports.secrets import Secrets
from shared.core.registry.model.tenants import Tenant
from shared.core.scada.model.rules import CONNECTION_DEFAULTS, check_connection
from shared.core.scada.ports import (
    GatewayStatus,
    ScadaConnection,
    ScadaDatabases,
    ScadaRepositories,
    ScadaUnitOfWork,
)
from shared.core.scada.services.common import (
    CLIENT_KEY,
    PASSWORD,
    audit_scada,
    secret_name,
    shown_connection,
)

_SECRET_FIELDS = {"password": PASSWORD, "client_private_key_pem": CLIENT_KEY}
_REF_COLUMNS = {PASSWORD: "password_secret_ref", CLIENT_KEY: "client_key_secret_ref"}
_FIELDS = frozenset(f.name for f in fields(ScadaConnection))
_SETTABLE = _FIELDS - {"id", "revision", "created_at", "updated_at", "deleted_at"}


class ScadaConnectionService:
    def __init__(self, databases: ScadaDatabases, secrets: Secrets, clock: Clock = utc_now) -> None:
        self._databases = databases
        self._secrets = secrets
        self._clock = clock

    def get(self, tenant: Tenant, actor: Actor, connection_id: str) -> ScadaConnection:
        require(actor, Permission.SETTINGS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            return live_connection(uow.scada, connection_id)

    def create(self, tenant: Tenant, actor: Actor, values: Mapping[str, Any]) -> ScadaConnection:
        require(actor, Permission.SETTINGS_WRITE)
        row = {**CONNECTION_DEFAULTS, **values}
        given = {kind: row.pop(field, None) for field, kind in _SECRET_FIELDS.items()}
        check_connection(row, bool(given[PASSWORD]), bool(given[CLIENT_KEY]))
        connection_id = str(uuid.uuid4())
        with self._databases.unit_of_work(tenant) as uow:
            _check_gateway(uow, row.get("gateway_id"))
            _check_unique_name(uow, row["name"], None)
            with self._stored(tenant, connection_id, given) as refs:
                row.update(refs)
                now = self._clock()
                settings: dict[str, Any] = {name: row.get(name) for name in _SETTABLE}
                connection = ScadaConnection(
                    **settings,
                    id=connection_id,
                    revision=uow.scada.revision.next(),
                    created_at=now,
                    updated_at=now,
                )
                created = uow.scada.connections.add(_plain_ids(connection))
                audit_scada(
                    uow,
                    self._clock,
                    actor,
                    "scada_connection.created",
                    "scada_connection",
                    connection_id,
                    None,
                    shown_connection(created),
                )
                uow.commit()
        return created

    def update(
        self, tenant: Tenant, actor: Actor, connection_id: str, changes: Mapping[str, Any]
    ) -> ScadaConnection:
        require(actor, Permission.SETTINGS_WRITE)
        row = dict(changes)
        given = {kind: row.pop(f) for f, kind in _SECRET_FIELDS.items() if f in row}
        unknown = set(row) - _SETTABLE
        if unknown:
            raise InputError(sorted(unknown)[0], "is not a connection setting")
        with self._databases.unit_of_work(tenant) as uow:
            before = live_connection(uow.scada, connection_id)
            state = {**asdict(before), **row}
            check_connection(
                state, *(_kept(before, given, kind) for kind in (PASSWORD, CLIENT_KEY))
            )
            if "gateway_id" in row:
                _check_gateway(uow, row["gateway_id"])
            if row.get("name") not in (None, before.name):
                _check_unique_name(uow, row["name"], connection_id)
            with self._stored(tenant, connection_id, {k: v for k, v in given.items() if v}) as refs:
                cleared = {_REF_COLUMNS[k]: None for k, v in given.items() if not v}
                row.update(refs, **cleared, revision=uow.scada.revision.next())
                after = uow.scada.connections.update(_plain_ids(replace(before, **row)))
                audit_scada(
                    uow,
                    self._clock,
                    actor,
                    "scada_connection.updated",
                    "scada_connection",
                    connection_id,
                    shown_connection(before),
                    shown_connection(after),
                )
                uow.commit()
        self._forget(before, [kind for kind, value in given.items() if not value])
        return after

    def delete(self, tenant: Tenant, actor: Actor, connection_id: str) -> None:
        """Soft delete with its tags: readings of buffered batches still map to wells."""
        require(actor, Permission.SETTINGS_WRITE)
        with self._databases.unit_of_work(tenant) as uow:
            before = live_connection(uow.scada, connection_id)
            revision = uow.scada.revision.next()
            now = self._clock()
            uow.scada.tags.delete_for_connection(connection_id, now, revision)
            uow.scada.connections.update(
                replace(
                    before,
                    deleted_at=now,
                    revision=revision,
                    password_secret_ref=None,
                    client_key_secret_ref=None,
                )
            )
            audit_scada(
                uow,
                self._clock,
                actor,
                "scada_connection.deleted",
                "scada_connection",
                connection_id,
                shown_connection(before),
                None,
            )
            uow.commit()
        self._forget(before, [PASSWORD, CLIENT_KEY])

    @contextmanager
    def _stored(
        self, tenant: Tenant, connection_id: str, given: Mapping[str, str | None]
    ) -> Iterator[dict[str, str]]:
        """Write the given secrets; remove them again if the database change fails."""
        refs: dict[str, str] = {}
        try:
            for kind, value in given.items():
                if value:
                    name = secret_name(tenant.id, connection_id, kind)
                    self._secrets.set(name, value)
                    refs[_REF_COLUMNS[kind]] = name
            yield refs
        except BaseException:
            for name in refs.values():
                self._secrets.delete(name)
            raise

    def _forget(self, before: ScadaConnection, kinds: list[str]) -> None:
        for kind in kinds:
            name = _ref(before, kind)
            if name:
                self._secrets.delete(name)

    def list(
        self, tenant: Tenant, actor: Actor, gateway_id: str | None, limit: int, offset: int
    ) -> Page[ScadaConnection]:
        require(actor, Permission.SETTINGS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            page = uow.scada.connections.list(gateway_id, limit, offset)
        return page


def live_connection(scada: ScadaRepositories, connection_id: str) -> ScadaConnection:
    connection = scada.connections.get(connection_id)
    if connection is None:
        raise NotFoundError("scada connection", connection_id)
    return connection


def _plain_ids(connection: ScadaConnection) -> ScadaConnection:
    """The gateway id as text, however the caller gave it."""
    return replace(connection, gateway_id=str(connection.gateway_id))


def _ref(connection: ScadaConnection, kind: str) -> str | None:
    return connection.password_secret_ref if kind == PASSWORD else connection.client_key_secret_ref


def _kept(before: ScadaConnection, given: Mapping[str, str | None], kind: str) -> bool:
    """Whether the connection has this secret after the change."""
    if kind in given:
        return bool(given[kind])
    return bool(_ref(before, kind))


def _check_gateway(uow: ScadaUnitOfWork, gateway_id: Any) -> None:
    gateway = uow.scada.gateways.get(str(gateway_id)) if gateway_id else None
    if gateway is None:
        raise InputError("gateway_id", f"gateway {gateway_id} is not registered in this tenant")
    if gateway.status is not GatewayStatus.ACTIVE:
        raise InputError("gateway_id", f"gateway {gateway_id} is revoked")


def _check_unique_name(uow: ScadaUnitOfWork, name: str, connection_id: str | None) -> None:
    existing = uow.scada.connections.find_by_name(name)
    if existing is not None and existing.id != connection_id:
        raise DuplicateError("name", name)
