"""The operator's source database: read-only connections, reflection, keyset chunks.

Safety rules, all enforced here:
- names come from the configuration but reach SQL only as `sa.table`/`sa.column`
  objects, after reflection confirmed them, and the dialect quotes them;
- values are always bound parameters;
- the session is read-only where the database can say so (PostgreSQL and
  MySQL/MariaDB: `SET SESSION ... READ ONLY` on connect), and this module only
  ever executes `Select` statements (`_read` refuses anything else);
- errors leave as SourceUnavailableError naming the step and the driver's
  error type, never the URL.

SQL Server has no read-only session setting (ApplicationIntent=ReadOnly only
routes to a readable secondary) and Oracle's `SET TRANSACTION READ ONLY` holds
for one transaction: there the guarantee is this module's SELECT-only rule, and
the operator should give WellOS a login with read rights only (db_datareader;
SELECT grants). `test-connection` reports `read_only: false` for them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from shared.adapters.sql.drivers import (
    install_pg8000_decoders,
    pg8000_connect_args,
    split_sslmode,
)
from shared.adapters.sql.urls import normalize_url
from shared.core.errors import InputError
from shared.core.etl.errors import SourceSchemaError, SourceUnavailableError
from shared.core.etl.ports import (
    ColumnKind,
    ExtractRequest,
    SourceColumn,
    SourceInfo,
    SourceTable,
)

CONNECT_TIMEOUT_S = 15
READ_ONLY_SQL = {
    "postgresql": "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
    "mysql": "SET SESSION TRANSACTION READ ONLY",
}
READ_ONLY_CHECKS = {
    "postgresql": ("SHOW transaction_read_only",),
    # MySQL 8 and MariaDB 11.1+ name it transaction_read_only; older servers tx_read_only.
    "mysql": ("SELECT @@SESSION.transaction_read_only", "SELECT @@SESSION.tx_read_only"),
}
ROW_VALUE_DIALECTS = frozenset({"postgresql"})  # MariaDB scans the table for row values


def parse_source_url(url: str) -> URL:
    try:
        return normalize_url(url)
    except (ArgumentError, ValueError) as exc:
        raise InputError("connection_url", "is not a valid SQLAlchemy database URL") from exc


def _connect_args(url: URL, sslmode: str | None) -> dict[str, Any]:
    backend, driver = url.get_backend_name(), url.get_driver_name()
    if driver == "pg8000":
        return {**pg8000_connect_args(url, sslmode), "timeout": CONNECT_TIMEOUT_S}
    if backend == "mysql" and driver == "pymysql":
        return {"connect_timeout": CONNECT_TIMEOUT_S, "conv": _pymysql_conversions()}
    return {}


def _fast(parse: Callable[[str], Any], fallback: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def convert(raw: Any) -> Any:
        text = raw.decode("ascii") if isinstance(raw, bytes | bytearray) else raw
        try:
            return parse(text)
        except ValueError:  # zero dates and the like: the driver's own answer
            return fallback(raw)

    return convert


@functools.cache
def _pymysql_conversions() -> dict[Any, Any]:
    """pymysql's decoders with C-speed date/time parsing (its own are regex-based)."""
    from pymysql import converters
    from pymysql.constants import FIELD_TYPE

    table = dict(converters.conversions)
    fast_datetime = _fast(datetime.fromisoformat, converters.convert_datetime)
    table[FIELD_TYPE.DATETIME] = fast_datetime
    table[FIELD_TYPE.TIMESTAMP] = fast_datetime
    table[FIELD_TYPE.DATE] = _fast(date.fromisoformat, converters.convert_date)
    return table


def source_engine(url: str) -> sa.Engine:
    parsed, sslmode = split_sslmode(parse_source_url(url))
    try:
        engine = sa.create_engine(
            parsed, poolclass=NullPool, connect_args=_connect_args(parsed, sslmode)
        )
    except (ArgumentError, ImportError) as exc:
        raise InputError("connection_url", f"no driver for {parsed.drivername}") from exc
    if parsed.get_driver_name() == "pg8000":
        install_pg8000_decoders(engine)
    statement = READ_ONLY_SQL.get(engine.dialect.name)
    if statement is not None:

        @sa.event.listens_for(engine, "connect")
        def _read_only(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute(statement)
            cursor.close()
            dbapi_connection.commit()

    return engine


def _failure(step: str, exc: BaseException) -> SourceUnavailableError:
    original = getattr(exc, "orig", None) or exc
    return SourceUnavailableError(f"source database: {step} failed ({type(original).__name__})")


class SqlSourceConnector:
    """Opens read-only sessions on source databases named by SQLAlchemy URLs."""

    @contextmanager
    def open(self, url: str) -> Iterator[SqlSourceSession]:
        engine = source_engine(url)
        try:
            try:
                connection = engine.connect()
            except SQLAlchemyError as exc:
                raise _failure("connect", exc) from None
            try:
                yield SqlSourceSession(connection)
            finally:
                try:
                    connection.close()
                except SQLAlchemyError:
                    connection.invalidate()
        finally:
            engine.dispose()


def column_kind(column_type: Any) -> ColumnKind:
    if isinstance(column_type, sa.DateTime):
        return ColumnKind.TEMPORAL
    if isinstance(column_type, sa.Date):
        return ColumnKind.DATE
    if isinstance(column_type, sa.Integer | sa.Numeric | sa.Float):
        return ColumnKind.NUMERIC
    if isinstance(column_type, sa.String):
        return ColumnKind.TEXT
    return ColumnKind.OTHER


class SqlSourceSession:
    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._tables: dict[tuple[str | None, str], SourceTable | None] = {}

    def info(self) -> SourceInfo:
        dialect = self._c.dialect
        version = ".".join(str(part) for part in (dialect.server_version_info or ()))
        return SourceInfo(dialect.name, version, self._read_only(dialect.name))

    def _read_only(self, dialect: str) -> bool:
        for check in READ_ONLY_CHECKS.get(dialect, ()):
            try:
                value = self._c.exec_driver_sql(check).scalar()
            except SQLAlchemyError:
                self._c.rollback()
                continue
            self._c.rollback()
            return str(value).lower() in ("on", "1", "true")
        return False

    def describe(self, schema: str | None, table: str) -> SourceTable | None:
        key = (schema, table)
        if key not in self._tables:
            with self._translated("reflection"):
                self._tables[key] = self._reflect(schema, table)
                self._c.rollback()
        return self._tables[key]

    def _reflect(self, schema: str | None, table: str) -> SourceTable | None:
        inspector = sa.inspect(self._c)
        names = set(inspector.get_table_names(schema=schema))
        names.update(inspector.get_view_names(schema=schema))
        if table not in names:
            return None
        columns = {
            str(column["name"]): SourceColumn(
                str(column["name"]),
                column_kind(column["type"]),
                bool(column.get("nullable", True)),
                str(column["type"]),
            )
            for column in inspector.get_columns(table, schema=schema)
        }
        return SourceTable(schema, table, columns)

    def _table(self, request: ExtractRequest) -> sa.TableClause:
        """The table as a quoted clause, with only columns reflection confirmed."""
        described = self.describe(request.schema, request.table)
        if described is None:
            raise SourceSchemaError("source_table", f"table {request.table!r} is gone")
        wanted = dict.fromkeys([*request.columns, *request.order, *request.not_null])
        for name in wanted:
            if name not in described.columns:
                raise SourceSchemaError("column", f"column {name!r} is gone")
        return sa.table(request.table, *[sa.column(name) for name in wanted], schema=request.schema)

    def _filters(
        self, table: sa.TableClause, request: ExtractRequest
    ) -> list[sa.ColumnElement[bool]]:
        names = [*request.not_null, *([request.cursor] if request.cursor else [])]
        where: list[sa.ColumnElement[bool]] = [
            table.c[name].is_not(None) for name in dict.fromkeys(names)
        ]
        if request.cursor is not None and request.since is not None:
            where.append(table.c[request.cursor] >= request.since)
        return where

    def chunks(self, request: ExtractRequest) -> Iterator[list[tuple[Any, ...]]]:
        table = self._table(request)
        base = sa.select(*[table.c[name] for name in request.columns]).where(
            *self._filters(table, request)
        )
        order = [table.c[name] for name in request.order]
        positions = [request.columns.index(name) for name in request.order]
        after: tuple[Any, ...] | None = None
        while True:
            query = base if after is None else base.where(self._after(order, after))
            rows = self._read(query.order_by(*order).limit(request.chunk_rows), request.table)
            if not rows:
                return
            yield rows
            if len(rows) < request.chunk_rows:
                return
            after = tuple(rows[-1][index] for index in positions)

    def _after(self, order: Sequence[sa.ColumnClause[Any]], after: tuple[Any, ...]) -> Any:
        """Rows after `after` in `order`: a row-value comparison, else its expansion."""
        if self._c.dialect.name in ROW_VALUE_DIALECTS:
            return sa.tuple_(*order) > sa.tuple_(*[sa.literal(v) for v in after])
        clauses = []
        for index, column in enumerate(order):
            equal = [order[i] == after[i] for i in range(index)]
            clauses.append(sa.and_(*equal, column > after[index]))
        return sa.or_(*clauses)

    def rows_with_nulls(self, request: ExtractRequest, limit: int) -> list[tuple[Any, ...]]:
        table = self._table(request)
        names = [*request.not_null, *([request.cursor] if request.cursor else [])]
        if not names:
            return []
        null = sa.or_(*[table.c[name].is_(None) for name in dict.fromkeys(names)])
        query = sa.select(*[table.c[name] for name in request.columns]).where(null)
        if request.cursor is not None and request.since is not None:
            cursor = table.c[request.cursor]
            query = query.where(sa.or_(cursor >= request.since, cursor.is_(None)))
        return self._read(query.limit(limit), request.table)

    def count(self, request: ExtractRequest) -> int:
        table = self._table(request)
        query = sa.select(sa.func.count()).select_from(table).where(*self._filters(table, request))
        rows = self._read(query, request.table)
        return int(rows[0][0])

    def _read(self, query: sa.Select[Any], table: str) -> list[tuple[Any, ...]]:
        if not isinstance(query, sa.Select):  # never anything but a SELECT on a source
            raise TypeError("source sessions only read")
        with self._translated(f"reading {table!r}"):
            return [tuple(row) for row in self._c.execute(query)]

    @contextmanager
    def _translated(self, step: str) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as exc:
            raise _failure(step, exc) from None
