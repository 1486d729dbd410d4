"""SQLAlchemy Core implementations of the sync ports: event log and conflict queue.

Portable across PostgreSQL, MySQL/MariaDB and SQL Server. Times are written in
UTC and read back as aware UTC datetimes on every dialect (MySQL's DATETIME
forgets the zone).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import asdict, fields
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from shared.adapters.sql import tenant_tables as t
from shared.core.errors import ConflictError
from shared.core.ports.pages import Page
from shared.core.ports.sync import Conflict, ConflictQuery, Lockable, StoredEvent
from shared.core.ports.tenant_data import Record

ID_CHUNK = 1000
_LOCKABLE: dict[str, sa.Table] = {"well": t.wells, "equipment": t.equipment}


def read_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def read_row(row: sa.RowMapping) -> Record:
    return {key: read_value(value) for key, value in row.items()}


def write_value(value: Any) -> Any:
    """UTC for times (MySQL would drop the offset), JSON-ready data inside JSON columns."""
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return value


def write_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {key: write_value(value) for key, value in row.items()}


def to_json(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def insert(connection: Connection, table: sa.Table, row: Mapping[str, Any]) -> None:
    try:
        connection.execute(table.insert().values(**write_row(row)))
    except IntegrityError as exc:
        raise ConflictError(f"{table.name}: conflicts with existing data") from exc


class SqlSyncEventRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def lock(self, entity: Lockable, entity_id: str) -> Record | None:
        table = _LOCKABLE[entity]
        query = sa.select(table).where(table.c.id == entity_id)
        if entity == "well":
            query = query.where(table.c.deleted_at.is_(None))
        row = self._c.execute(query.with_for_update(key_share=True)).first()
        return read_row(row._mapping) if row else None

    def get(self, event_id: str) -> StoredEvent | None:
        found = self.get_many([event_id])
        return found[0] if found else None

    def get_many(self, event_ids: Collection[str]) -> list[StoredEvent]:
        ids = list(event_ids)
        found: list[StoredEvent] = []
        for start in range(0, len(ids), ID_CHUNK):
            chunk = ids[start : start + ID_CHUNK]
            query = sa.select(t.sync_events).where(t.sync_events.c.id.in_(chunk))
            found += [_event(read_row(row._mapping)) for row in self._c.execute(query)]
        return found

    def add(self, event: StoredEvent) -> None:
        insert(self._c, t.sync_events, {**asdict(event), "payload": to_json(event.payload)})


_EVENT_FIELDS = [f.name for f in fields(StoredEvent)]
_CONFLICT_FIELDS = [f.name for f in fields(Conflict)]


def _event(row: Record) -> StoredEvent:
    return StoredEvent(**{name: row[name] for name in _EVENT_FIELDS})


def _conflict(row: Record) -> Conflict:
    values = {name: row[name] for name in _CONFLICT_FIELDS}
    values["event_ids"] = tuple(row["event_ids"])
    return Conflict(**values)


def _conflict_row(conflict: Conflict) -> dict[str, Any]:
    row = asdict(conflict)
    row["event_ids"] = list(conflict.event_ids)
    row["resolution"] = to_json(conflict.resolution)
    return row


class SqlConflictRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, conflict: Conflict) -> None:
        insert(self._c, t.sync_conflicts, _conflict_row(conflict))

    def get(self, conflict_id: str) -> Conflict | None:
        query = sa.select(t.sync_conflicts).where(t.sync_conflicts.c.id == conflict_id)
        row = self._c.execute(query).first()
        return _conflict(read_row(row._mapping)) if row else None

    def find_slot(self, slot_key: str, statuses: Collection[str]) -> Conflict | None:
        c = t.sync_conflicts.c
        query = (
            sa.select(t.sync_conflicts)
            .where(c.slot_key == slot_key, c.status.in_(list(statuses)))
            .order_by(c.created_at.desc(), c.id)
            .limit(1)
        )
        row = self._c.execute(query).first()
        return _conflict(read_row(row._mapping)) if row else None

    def update(self, conflict: Conflict, expected_status: str) -> bool:
        c = t.sync_conflicts.c
        values = write_row({k: v for k, v in _conflict_row(conflict).items() if k != "id"})
        statement = (
            t.sync_conflicts.update()
            .where(c.id == conflict.id, c.status == expected_status)
            .values(**values)
        )
        return self._c.execute(statement).rowcount == 1

    def list(self, query: ConflictQuery) -> Page[Conflict]:
        c = t.sync_conflicts.c
        where: list[sa.ColumnElement[bool]] = []
        if query.status:
            where.append(c.status == query.status)
        if query.well_id:
            where.append(c.well_id == query.well_id)
        if query.event_type:
            where.append(c.event_type == query.event_type)
        count = sa.select(sa.func.count()).select_from(t.sync_conflicts).where(*where)
        total = int(self._c.execute(count).scalar_one())
        rows = self._c.execute(
            sa.select(t.sync_conflicts)
            .where(*where)
            .order_by(c.created_at, c.id)
            .limit(query.limit)
            .offset(query.offset)
        )
        items = [_conflict(read_row(row._mapping)) for row in rows]
        return Page(items=items, total=total, limit=query.limit, offset=query.offset)
