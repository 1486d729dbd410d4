"""SQLAlchemy Core implementation of the field records that sync writes.

Reads take many keys at once: a (well, tag, instant) or (well, day) key set is
queried as `a IN (...) AND b IN (...)` (portable, index-friendly) and the
product's extra rows are dropped here.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from shared.adapters.field_rows import (
    FieldRecord,
    current_reading_of,
    inspection_of,
    note_of,
    production_log_of,
    reading_of,
)
from shared.adapters.rows import Record
from shared.adapters.sql import tenant_tables as t
from shared.adapters.sql.bulk import upsert_rows
from shared.adapters.sql.sync import tables as st
from shared.adapters.sql.sync.appends import insert_rows
from shared.adapters.sql.sync.values import read_row, write_row, write_value
from shared.core.common.units_of_work import AuditEntry
from shared.core.sync.model.field_records import (
    CurrentReading,
    DowntimeReport,
    FieldNote,
    FieldPhoto,
    FieldReading,
    Inspection,
    ProductionLog,
)
from shared.core.sync.ports import DayKey, InstantKey, TagKey
from shared.core.wells.model.records import LinkedPhoto, ProductionDay


class SqlFieldRecordRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def _rows(self, query: sa.Select[tuple[object, ...]]) -> list[Record]:
        return [read_row(row._mapping) for row in self._c.execute(query)]

    def _matching(
        self,
        query: sa.Select[tuple[object, ...]],
        columns: Sequence[sa.ColumnElement[Any]],
        keys: Collection[tuple[Any, ...]],
    ) -> list[Record]:
        """Rows whose `columns` equal one of `keys`."""
        wanted = set(keys)
        for position, column in enumerate(columns):
            values = sorted({write_value(key[position]) for key in keys}, key=repr)
            query = query.where(column.in_(values))
        names = [column.key for column in columns if isinstance(column, sa.Column)]
        return [row for row in self._rows(query) if _key(row, names) in wanted]

    def _insert(self, table: sa.Table, rows: Sequence[FieldRecord]) -> None:
        """Each record's fields are its columns (JSON columns are converted on the way)."""
        insert_rows(self._c, table, [vars(row) for row in rows])

    def add_readings(self, rows: Sequence[FieldReading]) -> None:
        self._insert(st.field_readings, rows)

    def add_production_logs(self, rows: Sequence[ProductionLog]) -> None:
        self._insert(st.production_history, rows)

    def add_inspections(self, rows: Sequence[Inspection]) -> None:
        self._insert(st.equipment_inspections, rows)

    def add_notes(self, rows: Sequence[FieldNote]) -> None:
        self._insert(st.well_notes, rows)

    def add_downtime(self, rows: Sequence[DowntimeReport]) -> None:
        self._insert(st.downtime_events, rows)

    def add_photos(self, rows: Sequence[FieldPhoto]) -> None:
        self._insert(st.well_photos, rows)

    def append_audits(self, entries: Sequence[AuditEntry]) -> None:
        insert_rows(self._c, t.audit_log, [_audit_row(entry) for entry in entries])

    def readings_at(self, keys: Collection[InstantKey]) -> list[FieldReading]:
        c = st.field_readings.c
        query = sa.select(st.field_readings).order_by(c.event_id)
        rows = self._matching(query, [c.well_id, c.tag, c.occurred_at], keys)
        return [reading_of(row) for row in rows]

    def current_readings(self, keys: Collection[TagKey]) -> list[CurrentReading]:
        c = st.current_readings.c
        rows = self._matching(sa.select(st.current_readings), [c.well_id, c.tag], keys)
        return [current_reading_of(row) for row in rows]

    def put_current_readings(self, rows: Sequence[CurrentReading]) -> None:
        upsert_rows(self._c, st.current_readings, [write_row(vars(row)) for row in rows])

    def production_logs(self, keys: Collection[DayKey]) -> list[ProductionLog]:
        c = st.production_history.c
        query = sa.select(st.production_history).order_by(c.event_id)
        rows = self._matching(query, [c.well_id, c.production_date], keys)
        return [production_log_of(row) for row in rows]

    def production_days(self, keys: Collection[DayKey]) -> list[ProductionDay]:
        c = t.production_daily.c
        query = sa.select(t.production_daily)
        rows = self._matching(query, [c.well_id, c.production_date], keys)
        return [ProductionDay(**row) for row in rows]

    def set_production_flags(self, flags: Mapping[str, bool]) -> None:
        c = st.production_history.c
        for flag in (True, False):
            ids = sorted(event_id for event_id, value in flags.items() if value is flag)
            if ids:
                self._c.execute(
                    st.production_history.update().where(c.event_id.in_(ids)).values(is_winner=flag)
                )

    def inspections_for(self, keys: Collection[DayKey]) -> list[Inspection]:
        c = st.equipment_inspections.c
        query = sa.select(st.equipment_inspections).order_by(c.occurred_at, c.id)
        rows = self._matching(query, [c.equipment_id, c.inspection_date], keys)
        return [inspection_of(row) for row in rows]

    def inspections_by_ids(self, inspection_ids: Collection[str]) -> list[Inspection]:
        c = st.equipment_inspections.c
        rows = self._rows(
            sa.select(st.equipment_inspections)
            .where(c.id.in_(list(inspection_ids)))
            .order_by(c.occurred_at, c.id)
        )
        return [inspection_of(row) for row in rows]

    def set_inspection_status(self, inspection_ids: Sequence[str], status: str) -> None:
        if not inspection_ids:
            return
        c = st.equipment_inspections.c
        self._c.execute(
            st.equipment_inspections.update()
            .where(c.id.in_(list(inspection_ids)))
            .values(status=status)
        )

    def notes_for(self, well_id: str, limit: int) -> list[FieldNote]:
        c = st.well_notes.c
        rows = self._rows(
            sa.select(st.well_notes)
            .where(c.well_id == well_id)
            .order_by(c.occurred_at, c.device_id, c.event_id)
            .limit(limit)
        )
        return [note_of(row) for row in rows]

    def photos_for(self, well_id: str, limit: int) -> list[LinkedPhoto]:
        c = st.well_photos.c
        query = (
            sa.select(
                c.event_id,
                c.well_id,
                c.blob_key,
                c.content_type,
                c.caption,
                c.occurred_at,
                c.device_id,
                c.recorded_by,
            )
            .where(c.well_id == well_id)
            .order_by(c.occurred_at.desc(), c.event_id)
            .limit(limit)
        )
        return [LinkedPhoto(**row) for row in self._rows(query)]

    def photo_linked(self, well_id: str, blob_key: str) -> bool:
        c = st.well_photos.c
        query = sa.select(c.event_id).where(c.well_id == well_id, c.blob_key == blob_key)
        return self._c.execute(query.limit(1)).first() is not None


def _key(row: Record, names: list[str]) -> tuple[Hashable, ...]:
    return tuple(str(row[name]) if name.endswith("_id") else row[name] for name in names)


def _audit_row(entry: AuditEntry) -> Record:
    return {
        "at": entry.at,
        "actor_id": entry.actor_id,
        "actor_email": entry.actor_email,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "before": entry.before,
        "after": entry.after,
        "request_id": entry.request_id,
    }
