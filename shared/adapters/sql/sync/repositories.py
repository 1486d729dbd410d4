"""SQLAlchemy Core implementations of the sync ports: event log and conflict queue.

Portable across PostgreSQL, MySQL/MariaDB and SQL Server. Times are written in
UTC and read back as aware UTC datetimes on every dialect (sync/values.py).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, fields
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from shared.adapters.rows import Record
from shared.adapters.sql import tenant_tables as t
from shared.adapters.sql.sync import tables as st
from shared.adapters.sql.sync.appends import insert_rows

# re-exported: other adapters use them
from shared.adapters.sql.sync.values import read_row, read_value, to_json, write_row, write_value
from shared.core.common.errors import ConflictError
from shared.core.common.pages import Page
from shared.core.sync.ports import Conflict, ConflictQuery, StoredEvent
from shared.core.wells.model.records import Equipment, Well

__all__ = [
    "SqlConflictRepository",
    "SqlSyncEventRepository",
    "insert",
    "read_row",
    "read_value",
    "to_json",
    "write_row",
    "write_value",
]

ID_CHUNK = 1000


def insert(connection: Connection, table: sa.Table, row: Mapping[str, Any]) -> None:
    try:
        connection.execute(table.insert().values(**write_row(row)))
    except IntegrityError as exc:
        raise ConflictError(f"{table.name}: conflicts with existing data") from exc


class SqlSyncEventRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def lock_wells(self, well_ids: Collection[str]) -> dict[str, Well]:
        rows = self._lock(t.wells, well_ids, t.wells.c.deleted_at.is_(None))
        return {str(row["id"]): Well(**row) for row in rows}

    def lock_equipment(self, equipment_ids: Collection[str]) -> dict[str, Equipment]:
        rows = self._lock(t.equipment, equipment_ids, sa.true())
        return {str(row["id"]): Equipment(**row) for row in rows}

    def _lock(
        self, table: sa.Table, entity_ids: Collection[str], alive: sa.ColumnElement[bool]
    ) -> list[Record]:
        """FOR NO KEY UPDATE on PostgreSQL (row inserts that reference it still go on),
        FOR UPDATE elsewhere; one statement, rows locked in id order."""
        ids = sorted(entity_ids)
        if not ids:
            return []
        query = sa.select(table).where(table.c.id.in_(ids), alive).order_by(table.c.id)
        rows = self._c.execute(query.with_for_update(key_share=True))
        return [read_row(row._mapping) for row in rows]

    def get(self, event_id: str) -> StoredEvent | None:
        found = self.get_many([event_id])
        return found[0] if found else None

    def get_many(self, event_ids: Collection[str]) -> list[StoredEvent]:
        ids = list(event_ids)
        found: list[StoredEvent] = []
        for start in range(0, len(ids), ID_CHUNK):
            chunk = ids[start : start + ID_CHUNK]
            query = sa.select(st.sync_events).where(st.sync_events.c.id.in_(chunk))
            found += [_event(read_row(row._mapping)) for row in self._c.execute(query)]
        return found

    def add_many(self, events: Sequence[StoredEvent]) -> None:
        insert_rows(self._c, st.sync_events, [_event_row(event) for event in events])


_EVENT_FIELDS = [f.name for f in fields(StoredEvent)]
_CONFLICT_FIELDS = [f.name for f in fields(Conflict)]


def _event_row(event: StoredEvent) -> Record:
    return {name: getattr(event, name) for name in _EVENT_FIELDS}


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
        insert(self._c, st.sync_conflicts, _conflict_row(conflict))

    def add_many(self, conflicts: Sequence[Conflict]) -> None:
        insert_rows(self._c, st.sync_conflicts, [_conflict_row(c) for c in conflicts])

    def in_slots(self, slot_keys: Collection[str]) -> list[Conflict]:
        c = st.sync_conflicts.c
        query = sa.select(st.sync_conflicts).where(c.slot_key.in_(sorted(slot_keys)))
        return [_conflict(read_row(row._mapping)) for row in self._c.execute(query)]

    def get(self, conflict_id: str) -> Conflict | None:
        query = sa.select(st.sync_conflicts).where(st.sync_conflicts.c.id == conflict_id)
        row = self._c.execute(query).first()
        return _conflict(read_row(row._mapping)) if row else None

    def find_slot(self, slot_key: str, statuses: Collection[str]) -> Conflict | None:
        c = st.sync_conflicts.c
        query = (
            sa.select(st.sync_conflicts)
            .where(c.slot_key == slot_key, c.status.in_(list(statuses)))
            .order_by(c.created_at.desc(), c.id)
            .limit(1)
        )
        row = self._c.execute(query).first()
        return _conflict(read_row(row._mapping)) if row else None

    def update(self, conflict: Conflict, expected_status: str) -> bool:
        c = st.sync_conflicts.c
        values = write_row({k: v for k, v in _conflict_row(conflict).items() if k != "id"})
        statement = (
            st.sync_conflicts.update()
            .where(c.id == conflict.id, c.status == expected_status)
            .values(**values)
        )
        return self._c.execute(statement).rowcount == 1

    def list(self, query: ConflictQuery) -> Page[Conflict]:
        c = st.sync_conflicts.c
        where: list[sa.ColumnElement[bool]] = []
        if query.status:
            where.append(c.status == query.status)
        if query.well_id:
            where.append(c.well_id == query.well_id)
        if query.event_type:
            where.append(c.event_type == query.event_type)
        count = sa.select(sa.func.count()).select_from(st.sync_conflicts).where(*where)
        total = int(self._c.execute(count).scalar_one())
        rows = self._c.execute(
            sa.select(st.sync_conflicts)
            .where(*where)
            .order_by(c.created_at, c.id)
            .limit(query.limit)
            .offset(query.offset)
        )
        items = [_conflict(read_row(row._mapping)) for row in rows]
        return Page(items=items, total=total, limit=query.limit, offset=query.offset)
