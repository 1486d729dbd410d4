"""SQLAlchemy Core repositories of SCADA configuration in a tenant database.

The typed rows of shared/core/scada/ports.py name their fields after the columns:
a row becomes one by its mapping (UUIDs as strings), and back by `asdict`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from shared.adapters.sql.scada.tables import (
    gateway_mirror,
    scada_config_revision,
    scada_connections,
    tag_mappings,
)
from shared.core.common.errors import ConflictError, NotFoundError
from shared.core.common.pages import Page
from shared.core.scada.ports import (
    ConfigRevision,
    ConnectionRepository,
    Gateway,
    GatewayMirror,
    GatewayStatus,
    MirroredGateway,
    ScadaConnection,
    TagMapping,
    TagMappingRepository,
)

R = TypeVar("R", ScadaConnection, TagMapping)


def _values(row: sa.RowMapping) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in row.items()}


def _now() -> datetime:
    return datetime.now(UTC)


class _Repository(Generic[R]):
    table: sa.Table
    make: Callable[..., R]

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def _write(self, statement: sa.Executable) -> sa.CursorResult[Any]:
        try:
            return self._c.execute(statement)
        except DBAPIError as exc:
            # unit_of_work imports this module; its judge of refusals is taken late
            from shared.adapters.sql.unit_of_work import database_refusal

            if database_refusal(exc) != "conflict":  # pg8000 reports a foreign key as such
                raise
            raise ConflictError(f"{self.table.name}: conflicts with existing data") from exc

    def _rows(self, *where: sa.ColumnElement[bool], order: Sequence[Any] = ()) -> list[R]:
        query = sa.select(self.table).where(*where).order_by(*order)
        return [self.make(**_values(row._mapping)) for row in self._c.execute(query)]

    def _page(
        self, where: list[sa.ColumnElement[bool]], order: Sequence[Any], limit: int, offset: int
    ) -> Page[R]:
        count = sa.select(sa.func.count()).select_from(self.table).where(*where)
        total = int(self._c.execute(count).scalar_one())
        query = sa.select(self.table).where(*where).order_by(*order).limit(limit).offset(offset)
        items = [self.make(**_values(row._mapping)) for row in self._c.execute(query)]
        return Page(items=items, total=total, limit=limit, offset=offset)

    def _first(self, *where: sa.ColumnElement[bool]) -> R | None:
        rows = self._rows(*where, self.table.c.deleted_at.is_(None))
        return rows[0] if rows else None

    def _must(self, key: Any) -> R:
        rows = self._rows(self.table.c.id == key)
        if not rows:
            raise NotFoundError(self.table.name, key)
        return rows[0]

    def _update(self, key: Any, row: R) -> R:
        values = asdict(row)
        for kept in ("id", "created_at", "updated_at"):
            del values[kept]
        statement = self.table.update().where(self.table.c.id == key)
        self._write(statement.values(updated_at=_now(), **values))
        return self._must(key)


class SqlConnectionRepository(_Repository[ScadaConnection]):
    table = scada_connections
    make = ScadaConnection

    def get(self, connection_id: str) -> ScadaConnection | None:
        return self._first(self.table.c.id == connection_id)

    def find_by_name(self, name: str) -> ScadaConnection | None:
        return self._first(self.table.c.name == name)

    def for_gateway(self, gateway_id: str) -> list[ScadaConnection]:
        c = self.table.c
        return self._rows(c.gateway_id == gateway_id, c.deleted_at.is_(None), order=[c.name])

    def add(self, connection: ScadaConnection) -> ScadaConnection:
        now = _now()
        values = {**asdict(connection), "created_at": now, "updated_at": now}
        self._write(self.table.insert().values(values))
        return self._must(connection.id)

    def update(self, connection: ScadaConnection) -> ScadaConnection:
        return self._update(connection.id, connection)

    def list(self, gateway_id: str | None, limit: int, offset: int) -> Page[ScadaConnection]:
        c = self.table.c
        where: list[sa.ColumnElement[bool]] = [c.deleted_at.is_(None)]
        if gateway_id is not None:
            where.append(c.gateway_id == gateway_id)
        return self._page(where, [c.name, c.id], limit, offset)


class SqlTagMappingRepository(_Repository[TagMapping]):
    table = tag_mappings
    make = TagMapping

    def get(self, tag_id: int) -> TagMapping | None:
        return self._first(self.table.c.id == tag_id)

    def find_node(self, connection_id: str, node_id: str) -> TagMapping | None:
        c = self.table.c
        return self._first(c.connection_id == connection_id, c.node_id == node_id)

    def find_name(self, well_id: str, tag_name: str) -> TagMapping | None:
        c = self.table.c
        return self._first(c.well_id == well_id, c.tag_name == tag_name)

    def for_connections(self, connection_ids: Collection[str]) -> list[TagMapping]:
        if not connection_ids:
            return []
        c = self.table.c
        live = c.deleted_at.is_(None)
        return self._rows(c.connection_id.in_(sorted(connection_ids)), live, order=[c.id])

    def for_well(self, well_id: str, include_deleted: bool = True) -> list[TagMapping]:
        c = self.table.c
        where = [c.well_id == well_id] + ([] if include_deleted else [c.deleted_at.is_(None)])
        return self._rows(*where, order=[c.id])

    def add(self, tag: TagMapping) -> TagMapping:
        now = _now()
        values = {**asdict(tag), "created_at": now, "updated_at": now}
        del values["id"]  # the identity column's
        result = self._write(self.table.insert().values(values))
        key = result.inserted_primary_key
        assert key is not None
        return self._must(key[0])

    def update(self, tag: TagMapping) -> TagMapping:
        return self._update(tag.id, tag)

    def delete_for_connection(self, connection_id: str, at: datetime, revision: int) -> int:
        c = self.table.c
        statement = (
            self.table.update()
            .where(c.connection_id == connection_id, c.deleted_at.is_(None))
            .values(deleted_at=at, updated_at=at, revision=revision)
        )
        return int(self._c.execute(statement).rowcount)

    def list(self, connection_id: str, limit: int, offset: int) -> Page[TagMapping]:
        c = self.table.c
        where = [c.connection_id == connection_id, c.deleted_at.is_(None)]
        return self._page(where, [c.id], limit, offset)


class SqlGatewayMirror:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def save(self, gateway: Gateway) -> None:
        values = {
            "name": gateway.name,
            "status": gateway.status.value,
            "revoked_at": gateway.revoked_at,
        }
        table = gateway_mirror
        updated = self._c.execute(table.update().where(table.c.id == gateway.id).values(values))
        if updated.rowcount == 0:
            self._c.execute(
                table.insert().values(id=gateway.id, created_at=gateway.created_at, **values)
            )

    def get(self, gateway_id: str) -> MirroredGateway | None:
        query = sa.select(gateway_mirror).where(gateway_mirror.c.id == gateway_id)
        row = self._c.execute(query).first()
        if row is None:
            return None
        values = _values(row._mapping)
        return MirroredGateway(**{**values, "status": GatewayStatus(values["status"])})


class SqlConfigRevision:
    """One counter row; `next` holds its row lock until commit, so revisions never repeat."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def next(self) -> int:
        table = scada_config_revision
        self._c.execute(table.update().where(table.c.id == 1).values(revision=table.c.revision + 1))
        return self.current()

    def current(self) -> int:
        query = sa.select(scada_config_revision.c.revision).where(scada_config_revision.c.id == 1)
        return int(self._c.execute(query).scalar_one())


class SqlScadaRepositories:
    def __init__(self, connection: Connection) -> None:
        self.connections: ConnectionRepository = SqlConnectionRepository(connection)
        self.tags: TagMappingRepository = SqlTagMappingRepository(connection)
        self.gateways: GatewayMirror = SqlGatewayMirror(connection)
        self.revision: ConfigRevision = SqlConfigRevision(connection)
