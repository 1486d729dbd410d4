"""SQLAlchemy Core implementation of the field records that sync writes."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from shared.adapters.sql import tenant_tables as t
from shared.adapters.sql.sync_repositories import (
    insert,
    read_row,
    to_json,
    write_row,
    write_value,
)
from shared.core.ports.tenant_data import Record


class SqlFieldRecordRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def _rows(self, query: sa.Select[tuple[object, ...]]) -> list[Record]:
        return [read_row(row._mapping) for row in self._c.execute(query)]

    def add_reading(self, row: Record) -> None:
        insert(self._c, t.field_readings, _columns(t.field_readings, row))

    def readings_at(self, well_id: str, tag: str, occurred_at: datetime) -> list[Record]:
        c = t.field_readings.c
        return self._rows(
            sa.select(t.field_readings)
            .where(c.well_id == well_id, c.tag == tag, c.occurred_at == write_value(occurred_at))
            .order_by(c.event_id)
        )

    def current_reading(self, well_id: str, tag: str) -> Record | None:
        c = t.current_readings.c
        rows = self._rows(sa.select(t.current_readings).where(c.well_id == well_id, c.tag == tag))
        return rows[0] if rows else None

    def put_current_reading(self, row: Record) -> None:
        c = t.current_readings.c
        values = write_row(_columns(t.current_readings, row))
        match = sa.and_(c.well_id == row["well_id"], c.tag == row["tag"])
        if self._c.execute(t.current_readings.update().where(match).values(**values)).rowcount:
            return
        insert(self._c, t.current_readings, values)

    def production_logs(self, well_id: str, day: date) -> list[Record]:
        c = t.production_history.c
        return self._rows(
            sa.select(t.production_history)
            .where(c.well_id == well_id, c.production_date == day)
            .order_by(c.event_id)
        )

    def add_production_log(self, row: Record) -> None:
        values = _columns(t.production_history, row)
        values["tank_gauges"] = to_json(row["tank_gauges"])
        insert(self._c, t.production_history, values)

    def mark_production_winner(self, well_id: str, day: date, event_id: str) -> None:
        c = t.production_history.c
        self._c.execute(
            t.production_history.update()
            .where(c.well_id == well_id, c.production_date == day)
            .values(is_winner=sa.case((c.event_id == event_id, sa.true()), else_=sa.false()))
        )

    def inspections_for(self, equipment_id: str, day: date) -> list[Record]:
        c = t.equipment_inspections.c
        return self._rows(
            sa.select(t.equipment_inspections)
            .where(c.equipment_id == equipment_id, c.inspection_date == day)
            .order_by(c.occurred_at, c.id)
        )

    def inspections_by_ids(self, inspection_ids: Collection[str]) -> list[Record]:
        c = t.equipment_inspections.c
        return self._rows(
            sa.select(t.equipment_inspections)
            .where(c.id.in_(list(inspection_ids)))
            .order_by(c.occurred_at, c.id)
        )

    def add_inspection(self, row: Record) -> None:
        values = _columns(t.equipment_inspections, row)
        values["checklist"] = to_json(row["checklist"])
        insert(self._c, t.equipment_inspections, values)

    def set_inspection_status(self, inspection_ids: Sequence[str], status: str) -> None:
        if not inspection_ids:
            return
        c = t.equipment_inspections.c
        self._c.execute(
            t.equipment_inspections.update()
            .where(c.id.in_(list(inspection_ids)))
            .values(status=status)
        )

    def add_note(self, row: Record) -> None:
        insert(self._c, t.well_notes, _columns(t.well_notes, row))

    def notes_for(self, well_id: str, limit: int) -> list[Record]:
        c = t.well_notes.c
        return self._rows(
            sa.select(t.well_notes)
            .where(c.well_id == well_id)
            .order_by(c.occurred_at, c.device_id, c.event_id)
            .limit(limit)
        )

    def add_downtime(self, row: Record) -> None:
        insert(self._c, t.downtime_events, _columns(t.downtime_events, row))

    def add_photo(self, row: Record) -> None:
        insert(self._c, t.well_photos, _columns(t.well_photos, row))


def _columns(table: sa.Table, row: Record) -> Record:
    """The values of `row` that are columns of `table` (rows carry a little extra)."""
    return {name: value for name, value in row.items() if name in table.c}
