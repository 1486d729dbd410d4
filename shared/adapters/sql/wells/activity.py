"""A well's field timeline and assignments read from the tenant database."""

from __future__ import annotations

from typing import Self

import sqlalchemy as sa
from sqlalchemy import Connection

from shared.adapters.field_timeline import entry_of
from shared.adapters.sql import tenant_tables as t
from shared.adapters.sql.engines import TenantEngineCache
from shared.adapters.sql.sync import tables as st
from shared.adapters.sql.sync.values import read_row, write_value
from shared.adapters.sql.unit_of_work import SqlTenantUnitOfWork
from shared.core.registry.model.tenants import Tenant
from shared.core.wells.model.records import Assignment
from shared.core.wells.ports import (
    TimelineEntry,
    TimelineKind,
    TimelineQuery,
    WellActivityReader,
)

_TABLES: dict[TimelineKind, sa.Table] = {
    TimelineKind.NOTE: st.well_notes,
    TimelineKind.INSPECTION: st.equipment_inspections,
    TimelineKind.DOWNTIME: st.downtime_events,
    TimelineKind.READING: st.field_readings,
}


class SqlWellActivityReader:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def timeline(self, query: TimelineQuery) -> list[TimelineEntry]:
        found: list[TimelineEntry] = []
        for kind in sorted(query.kinds):
            table = _TABLES[kind]
            select = sa.select(table).where(table.c.well_id == query.well_id)
            if query.start is not None:
                select = select.where(table.c.occurred_at >= write_value(query.start))
            if query.end is not None:
                select = select.where(table.c.occurred_at < write_value(query.end))
            select = select.order_by(table.c.occurred_at.desc()).limit(query.limit)
            found += [entry_of(kind, read_row(row._mapping)) for row in self._c.execute(select)]
        return found

    def assignments(self, well_id: str) -> list[Assignment]:
        c = t.well_assignments.c
        select = (
            sa.select(c.user_id, c.well_id, c.assigned_by, c.assigned_at)
            .where(c.well_id == well_id)
            .order_by(c.assigned_at, c.user_id)
        )
        return [Assignment(**read_row(row._mapping)) for row in self._c.execute(select)]


class SqlWellActivityUnitOfWork(SqlTenantUnitOfWork):
    """A tenant unit of work that also reads a well's timeline and assignments."""

    def __enter__(self) -> Self:
        super().__enter__()
        assert self._connection is not None
        self.activity: WellActivityReader = SqlWellActivityReader(self._connection)
        return self


class SqlWellActivityDatabases:
    def __init__(self, engines: TenantEngineCache) -> None:
        self._engines = engines

    def unit_of_work(self, tenant: Tenant) -> SqlWellActivityUnitOfWork:
        return SqlWellActivityUnitOfWork(self._engines.engine_for(tenant))
