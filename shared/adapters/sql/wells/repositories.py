"""SQLAlchemy Core implementations of the tenant database ports.

Written once and run on PostgreSQL, MySQL/MariaDB and SQL Server; the only
dialect-specific statement (bulk upsert) lives in `bulk.py`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from shared.adapters.rows import Record
from shared.adapters.sql import tenant_tables as t
from shared.adapters.sql.audit_query import audit_filters
from shared.adapters.sql.bulk import upsert_rows
from shared.adapters.sql.direct import fetch_one
from shared.adapters.sql.identity_cache import IdentityCache
from shared.adapters.sql.json_rows import read_json_objects, read_json_page, read_records
from shared.adapters.sql.wells.well_json import WELL_COMPUTED, WELL_VALUES
from shared.core.common.errors import ConflictError, NotFoundError
from shared.core.common.json_text import JsonObjects, JsonPage
from shared.core.common.pages import Page
from shared.core.common.units_of_work import AuditEntry, AuditQuery, AuditRecord
from shared.core.wells.model.records import (
    CatalogRecord,
    Equipment,
    Facility,
    Lease,
    OilField,
    ProductionDay,
    Well,
)
from shared.core.wells.ports import WellQuery

R = TypeVar("R", bound=CatalogRecord)

PRODUCTION_CHUNK_ROWS = 5000
_API_SEPARATORS = re.compile(r"[\s\-.]")


def _record(row: sa.RowMapping) -> Record:
    return {
        key: (str(value) if isinstance(value, uuid.UUID) else value) for key, value in row.items()
    }


def _records(result: sa.Result[Any]) -> list[Record]:
    """Every row as a dict, built in C: the tables' UUID columns are `Uuid(as_uuid=False)`,
    so the values are strings already and need no per-value pass (`_record`)."""
    keys = tuple(map(str, result.keys()))
    return [dict(zip(keys, row, strict=True)) for row in result]


_TOTAL = "wellos_total_rows"
"""The window count riding on each row of a page (popped before the rows leave)."""
_TOTAL_COLUMN = sa.func.count().over().label(_TOTAL)
"""Built once: the JSON read remembers a query's layout by the columns it selects."""
_PAGES: IdentityCache[sa.Select[Any]] = IdentityCache()
"""A page's statement by its table, filters and order (the filters of every request
built once, as the live wells' `_LIVE_WELL`, find theirs here)."""
_LIVE_WELL = t.wells.c.deleted_at.is_(None)


def _now() -> datetime:
    return datetime.now(UTC)


class _TableRepository(Generic[R]):
    """One catalog table read and written as records of `kind`, whose attributes are
    the table's columns (this is the one place that knows it)."""

    entity = "record"

    def __init__(self, connection: Connection, table: sa.Table, kind: type[R], key: str) -> None:
        self._c = connection
        self._table = table
        self._kind = kind
        self._key = table.c[key]
        self._columns = frozenset(column.key for column in table.columns)

    def _of(self, row: Mapping[str, Any]) -> R:
        return self._kind(**row)

    def _values(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(changes) - self._columns)
        if unknown:
            raise ValueError(f"{self._table.name} has no attribute {unknown[0]}")
        return dict(changes)

    def _execute_write(self, statement: sa.Executable) -> sa.CursorResult[Any]:
        try:
            return self._c.execute(statement)
        except IntegrityError as exc:
            raise ConflictError(f"{self._table.name}: conflicts with existing data") from exc

    def _page(
        self, where: Sequence[sa.ColumnElement[bool]], order: Sequence[Any], limit: int, offset: int
    ) -> Page[R]:
        """One query: the page's rows, each carrying the filter's total as a window count.
        Only a page past the end (no rows to carry it) counts separately. Ordered by plain
        columns, the rows leave PostgreSQL as one JSON value (`json_rows`): a page of 50
        wells decoded value by value by pg8000 cost more than the rest of the request."""

        query = self._page_query(where, order)
        bounds = {"wellos_limit": limit, "wellos_offset": offset}
        names = [column.key for column in order if isinstance(column, sa.Column)]
        if len(names) == len(order):  # plain columns: the page arrives as one JSON value
            rows = read_records(self._c, query, names, bounds)
        else:
            rows = _records(self._c.execute(query, bounds))
        if rows:
            total = int(rows[0][_TOTAL])
            for row in rows:
                del row[_TOTAL]
        elif offset == 0:
            total = 0
        else:
            count = sa.select(sa.func.count()).select_from(self._table).where(*where)
            total = int(self._c.execute(count).scalar_one())
        return Page(items=[self._of(row) for row in rows], total=total, limit=limit, offset=offset)

    def _page_query(
        self, where: Sequence[sa.ColumnElement[bool]], order: Sequence[Any]
    ) -> sa.Select[Any]:
        """A page's statement, its rows carrying the window count `_TOTAL`, built once."""

        def build() -> sa.Select[Any]:
            return (
                sa.select(self._table, _TOTAL_COLUMN)
                .where(*where)
                .order_by(*order)
                .limit(sa.bindparam("wellos_limit"))
                .offset(sa.bindparam("wellos_offset"))
            )

        return _PAGES.get_or_build((self._table, *where, None, *order), build)

    def get(self, entity_id: str) -> R | None:
        return self._row(entity_id)

    def _row(self, entity_id: str) -> R | None:
        """The row by id, soft-deleted or not (what a write just produced)."""
        row = self._c.execute(sa.select(self._table).where(self._table.c.id == entity_id)).first()
        return self._of(_record(row._mapping)) if row else None

    def find_by_key(self, key: str) -> R | None:
        query = sa.select(self._table).where(self._key == key).limit(1)
        row = self._c.execute(query).first()
        return self._of(_record(row._mapping)) if row else None

    def add(self, record: R) -> R:
        row = {name: getattr(record, name) for name in self._columns}
        self._execute_write(self._table.insert().values(**row))
        return self._must_get(record.id)

    def update(self, entity_id: str, changes: Mapping[str, Any]) -> R:
        statement = (
            self._table.update()
            .where(self._table.c.id == entity_id)
            .values(**{**self._values(changes), "updated_at": _now()})
        )
        self._execute_write(statement)
        return self._must_get(entity_id)

    def _must_get(self, entity_id: str) -> R:
        record = self._row(entity_id)
        if record is None:
            raise NotFoundError(self._table.name, entity_id)
        return record


class SqlCatalogRepository(_TableRepository[R]):
    def list(self, filters: Mapping[str, Any], limit: int, offset: int) -> Page[R]:
        values = self._values(filters)
        where = [
            self._table.c[name] == value for name, value in values.items() if value is not None
        ]
        order = [self._table.c.created_at, self._table.c.id]
        return self._page(where, order, limit, offset)


def sql_fields(connection: Connection) -> SqlCatalogRepository[OilField]:
    return SqlCatalogRepository(connection, t.fields, OilField, "code")


def sql_leases(connection: Connection) -> SqlCatalogRepository[Lease]:
    return SqlCatalogRepository(connection, t.leases, Lease, "lease_number")


def sql_facilities(connection: Connection) -> SqlCatalogRepository[Facility]:
    return SqlCatalogRepository(connection, t.facilities, Facility, "code")


def sql_equipment(connection: Connection) -> SqlCatalogRepository[Equipment]:
    return SqlCatalogRepository(connection, t.equipment, Equipment, "tag")


class SqlWellRepository(_TableRepository[Well]):
    def __init__(self, connection: Connection) -> None:
        super().__init__(connection, t.wells, Well, "api_number")

    def list(self, query: WellQuery) -> Page[Well]:
        return self._page(_well_filters(query), _WELL_ORDER, query.limit, query.offset)

    def list_json(self, query: WellQuery) -> JsonPage | None:
        statement = self._page_query(_well_filters(query), _WELL_ORDER)
        bounds = {"wellos_limit": query.limit, "wellos_offset": query.offset}
        read = read_json_page(
            self._c,
            statement,
            ["name", "id"],
            bounds,
            _TOTAL,
            WELL_COMPUTED,
            WELL_VALUES,
            omit=frozenset({"deleted_at"}),  # live wells only: not on the wire
        )
        if read is None:
            return None
        objects, total = read
        if total is None and query.offset:  # past the end: `list` counts separately
            return None
        return JsonPage(objects, total or 0, query.limit, query.offset)

    def get(self, well_id: str) -> Well | None:
        row = self._c.execute(_WELL_BY_ID, {"well_id": well_id}).first()
        return self._of(_record(row._mapping)) if row else None

    def exists(self, well_id: str) -> bool:
        return bool(fetch_one(self._c, _WELL_EXISTS, {"well_id": well_id})[0])

    def find_by_api_number(self, api_number: str) -> Well | None:
        return self.find_by_key(api_number)


_WELL_ORDER = (t.wells.c.name, t.wells.c.id)


def _well_filters(query: WellQuery) -> list[sa.ColumnElement[bool]]:
    c = t.wells.c
    where: list[sa.ColumnElement[bool]] = [_LIVE_WELL]
    if query.status:
        where.append(c.status == query.status)
    if query.lease_id:
        where.append(c.lease_id == query.lease_id)
    if query.field_id:
        where.append(c.field_id == query.field_id)
    if query.text:
        # API numbers are stored as 14 digits; people search in the dashed display form.
        digits = _API_SEPARATORS.sub("", query.text)
        where.append(
            sa.or_(
                sa.func.lower(c.name).contains(query.text.lower(), autoescape=True),
                c.api_number.contains(digits or query.text, autoescape=True),
            )
        )
    if query.only_ids is not None:
        where.append(c.id.in_(list(query.only_ids)) if query.only_ids else sa.false())
    return where


_WELL_BY_ID = sa.select(t.wells).where(
    t.wells.c.id == sa.bindparam("well_id"), t.wells.c.deleted_at.is_(None)
)
"""Statements of every request are built once (with their parameters bound at execution):
building one and its cache key costs more than PostgreSQL's answer to it."""

_WELL_EXISTS: sa.Select[Any] = sa.select(sa.literal_column("count(*)")).select_from(
    sa.select(t.wells.c.id)
    .where(t.wells.c.id == sa.bindparam("well_id"), t.wells.c.deleted_at.is_(None))
    .subquery("r")
)

_DAYS_BETWEEN = (
    sa.select(t.production_daily)
    .where(
        t.production_daily.c.well_id == sa.bindparam("well_id"),
        t.production_daily.c.production_date >= sa.bindparam("start"),
        t.production_daily.c.production_date <= sa.bindparam("end"),
    )
    .order_by(t.production_daily.c.production_date)
)


class SqlProductionRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def get_day(self, well_id: str, production_date: date) -> ProductionDay | None:
        c = t.production_daily.c
        query = sa.select(t.production_daily).where(
            c.well_id == well_id, c.production_date == production_date
        )
        row = self._c.execute(query).first()
        return ProductionDay(**_record(row._mapping)) if row else None

    def between(self, well_id: str, start: date, end: date) -> list[ProductionDay]:
        days = {"well_id": well_id, "start": start, "end": end}
        rows = read_records(self._c, _DAYS_BETWEEN, ["production_date"], days)
        return [ProductionDay(**row) for row in rows]

    def between_json(self, well_id: str, start: date, end: date) -> JsonObjects | None:
        days = {"well_id": well_id, "start": start, "end": end}
        return read_json_objects(self._c, _DAYS_BETWEEN, ["production_date"], days)

    def upsert_days(self, days: Sequence[ProductionDay]) -> int:
        rows = [vars(day) for day in days]
        written = 0
        for start in range(0, len(rows), PRODUCTION_CHUNK_ROWS):
            chunk = rows[start : start + PRODUCTION_CHUNK_ROWS]
            written += upsert_rows(self._c, t.production_daily, chunk)
        return written


class SqlAssignmentRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def well_ids_for(self, user_id: str) -> set[str]:
        c = t.well_assignments.c
        rows = self._c.execute(sa.select(c.well_id).where(c.user_id == user_id))
        return {str(row.well_id) for row in rows}

    def assign(self, user_id: str, well_id: str, by: str, at: datetime) -> None:
        if well_id in self.well_ids_for(user_id):
            return
        self._c.execute(
            t.well_assignments.insert().values(
                user_id=user_id, well_id=well_id, assigned_by=by, assigned_at=at
            )
        )

    def unassign(self, user_id: str, well_id: str) -> None:
        c = t.well_assignments.c
        self._c.execute(
            t.well_assignments.delete().where(c.user_id == user_id, c.well_id == well_id)
        )


class SqlAuditLog:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def record(self, entry: AuditEntry) -> None:
        self._c.execute(
            t.audit_log.insert().values(
                at=entry.at,
                actor_id=entry.actor_id,
                actor_email=entry.actor_email,
                action=entry.action,
                entity=entry.entity,
                entity_id=entry.entity_id,
                before=_jsonable(entry.before),
                after=_jsonable(entry.after),
                request_id=entry.request_id,
            )
        )

    def search(self, query: AuditQuery, limit: int) -> list[AuditRecord]:
        c = t.audit_log.c
        select = sa.select(t.audit_log).where(*audit_filters(c, query))
        rows = self._c.execute(select.order_by(c.at.desc(), c.id.desc()).limit(limit))
        return [_audit_record(row._mapping) for row in rows]

    def count(self, query: AuditQuery) -> int:
        where = audit_filters(t.audit_log.c, query)
        total = sa.select(sa.func.count()).select_from(t.audit_log).where(*where)
        return int(self._c.execute(total).scalar_one())

    def list(self, entity: str | None, entity_id: str | None, limit: int) -> list[AuditRecord]:
        c = t.audit_log.c
        query = sa.select(t.audit_log).order_by(c.id.desc()).limit(limit)
        if entity:
            query = query.where(c.entity == entity)
        if entity_id:
            query = query.where(c.entity_id == entity_id)
        return [_audit_record(row._mapping) for row in self._c.execute(query)]


def _audit_record(row: sa.RowMapping) -> AuditRecord:
    """The entry, its time aware on every dialect (MySQL's DATETIME returns it naive, in UTC)."""
    at: datetime = row["at"]
    return AuditRecord(**{**row, "at": at if at.tzinfo else at.replace(tzinfo=UTC)})


def _jsonable(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {key: _json_value(value) for key, value in values.items()}


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value
