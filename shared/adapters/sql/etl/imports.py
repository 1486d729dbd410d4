"""Imports in the tenant's database: records, per-row results, and the rows they touch."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from shared.adapters.sql import tenant_tables as t
from shared.adapters.sql.bulk import upsert_rows
from shared.adapters.sql.engines import TenantEngineCache
from shared.adapters.sql.etl import tables as e
from shared.adapters.sql.etl.load import existing_by, load_rows, utc
from shared.adapters.sql.etl.records import import_from_row, import_values
from shared.adapters.sql.unit_of_work import ConnectionUnitOfWork
from shared.adapters.sql.wells.repositories import SqlAuditLog
from shared.core.common.clock import Clock, utc_now
from shared.core.common.units_of_work import AuditEntry
from shared.core.etl.model.fields import Entity
from shared.core.etl.ports.imports import ImportRecord, ImportStatus, RowResult, RowStatus
from shared.core.etl.services.import_job import key_label
from shared.core.registry.model.tenants import Tenant

TABLES = {Entity.WELLS: t.wells, Entity.EQUIPMENT: t.equipment}
KEYS = {Entity.WELLS: "api_number", Entity.EQUIPMENT: "tag"}
CHANGES = (RowStatus.INSERTED.value, RowStatus.UPDATED.value)


def typed(table: sa.Table, row: Mapping[str, Any]) -> dict[str, Any]:
    """JSON values back to the column types (dates and times from ISO text)."""
    out: dict[str, Any] = {}
    for name, value in row.items():
        column = table.c.get(name)
        if isinstance(value, str) and column is not None:
            if isinstance(column.type, sa.DateTime):
                value = utc(datetime.fromisoformat(value))
            elif isinstance(column.type, sa.Date):
                value = date.fromisoformat(value)
        out[name] = value
    return out


def _json(value: Mapping[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


class SqlImportUnitOfWork(ConnectionUnitOfWork):
    def __init__(self, engine: Engine, clock: Clock) -> None:
        super().__init__(engine)
        self._clock = clock

    def __enter__(self) -> Self:
        self._open()
        return self

    def add(self, record: ImportRecord) -> None:
        self._c.execute(e.imports.insert().values(id=record.id, **import_values(record)))

    def get(self, import_id: str) -> ImportRecord | None:
        row = self._c.execute(sa.select(e.imports).where(e.imports.c.id == import_id)).first()
        return import_from_row(row._mapping) if row else None

    def update(self, record: ImportRecord) -> None:
        table = e.imports
        self._c.execute(
            table.update().where(table.c.id == record.id).values(**import_values(record))
        )

    def recent(self, limit: int, offset: int) -> list[ImportRecord]:
        c = e.imports.c
        query = sa.select(e.imports).order_by(c.created_at.desc(), c.id).limit(limit).offset(offset)
        return [import_from_row(row._mapping) for row in self._c.execute(query)]

    def find_by_sha256(self, sha256: str) -> list[ImportRecord]:
        c = e.imports.c
        query = sa.select(e.imports).where(
            c.sha256 == sha256, c.status == ImportStatus.SUCCEEDED.value
        )
        return [
            import_from_row(row._mapping) for row in self._c.execute(query.order_by(c.created_at))
        ]

    def add_results(self, import_id: str, results: Sequence[RowResult]) -> None:
        rows = [
            {
                "import_id": import_id, "line_no": r.line, "status": r.status.value,
                "entity_key": r.key, "field": r.field, "reason": (r.reason or "")[:1000] or None,
                "before": _json(r.before), "after": _json(r.after),
            }
            for r in results
        ]  # fmt: skip
        if rows:
            upsert_rows(self._c, e.import_rows, rows)

    def results(
        self, import_id: str, status: RowStatus | None, limit: int, offset: int
    ) -> list[RowResult]:
        c = e.import_rows.c
        query = sa.select(e.import_rows).where(c.import_id == import_id)
        if status is not None:
            query = query.where(c.status == status.value)
        rows = self._c.execute(query.order_by(c.line_no).limit(limit).offset(offset))
        return [_result(row._mapping) for row in rows]

    def changes_before(self, import_id: str, line: int | None, limit: int) -> list[RowResult]:
        c = e.import_rows.c
        query = sa.select(e.import_rows).where(c.import_id == import_id, c.status.in_(CHANGES))
        if line is not None:
            query = query.where(c.line_no < line)
        rows = self._c.execute(query.order_by(c.line_no.desc()).limit(limit))
        return [_result(row._mapping) for row in rows]

    def well_ids_by_api(self) -> dict[str, str]:
        c = t.wells.c
        query = sa.select(c.api_number, c.id).where(
            c.api_number.is_not(None), c.deleted_at.is_(None)
        )
        return {str(row.api_number): str(row.id) for row in self._c.execute(query)}

    def current(
        self, entity: Entity, rows: Sequence[Mapping[str, Any]]
    ) -> dict[str, dict[str, Any]]:
        if not rows:
            return {}
        if entity is not Entity.PRODUCTION:
            found = existing_by(
                self._c, TABLES[entity], KEYS[entity], (r[KEYS[entity]] for r in rows)
            )
            return {key_label(entity, row): row for row in found.values()}
        keyed = [typed(t.production_daily, r) for r in rows]
        days = [r["production_date"] for r in keyed]
        wells = sorted({str(r["well_id"]) for r in keyed})
        c = t.production_daily.c
        stored: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wells), 1000):
            query = sa.select(t.production_daily).where(
                c.well_id.in_(wells[start : start + 1000]),
                c.production_date.between(min(days), max(days)),
            )
            for row in self._c.execute(query):
                record = {k: str(v) if k == "well_id" else v for k, v in row._mapping.items()}
                stored[key_label(entity, record)] = record
        wanted = {key_label(entity, r) for r in keyed}
        return {label: row for label, row in stored.items() if label in wanted}

    def write(self, entity: Entity, rows: Sequence[Mapping[str, Any]], actor: str) -> int:
        return load_rows(self._c, entity, rows, actor, self._clock(), origin="imported")

    def remove(self, entity: Entity, row: Mapping[str, Any]) -> None:
        if entity is Entity.PRODUCTION:
            c = t.production_daily.c
            match = sa.and_(
                c.well_id == str(row["well_id"]), c.production_date == row["production_date"]
            )
            self._c.execute(t.production_daily.delete().where(match))
            return
        table = TABLES[entity]
        try:
            with self._c.begin_nested():
                self._c.execute(table.delete().where(table.c.id == str(row["id"])))
        except IntegrityError:  # something refers to it now: keep it, out of sight
            gone = (
                {"deleted_at": utc(self._clock())}
                if entity is Entity.WELLS
                else {"status": "REMOVED"}
            )
            self._c.execute(table.update().where(table.c.id == str(row["id"])).values(**gone))

    def restore(self, entity: Entity, row: Mapping[str, Any]) -> None:
        table = t.production_daily if entity is Entity.PRODUCTION else TABLES[entity]
        upsert_rows(self._c, table, [typed(table, row)])

    def audit(self, entry: AuditEntry) -> None:
        SqlAuditLog(self._c).record(entry)


def _result(row: sa.RowMapping) -> RowResult:
    return RowResult(
        line=row["line_no"],
        status=RowStatus(row["status"]),
        key=row["entity_key"],
        field=row["field"],
        reason=row["reason"],
        before=json.loads(row["before"]) if row["before"] else None,
        after=json.loads(row["after"]) if row["after"] else None,
    )


class SqlImportStore:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def unit_of_work(self) -> SqlImportUnitOfWork:
        return SqlImportUnitOfWork(self._engine, self._clock)


class SqlImportStores:
    def __init__(self, engines: TenantEngineCache, clock: Clock = utc_now) -> None:
        self._engines = engines
        self._clock = clock

    def for_tenant(self, tenant: Tenant) -> SqlImportStore:
        return SqlImportStore(self._engines.engine_for(tenant), self._clock)
