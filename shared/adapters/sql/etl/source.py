"""The operator's source database: read-only connections, reflection, keyset chunks.

Safety rules, all enforced here:
- every connection passes the source-connection policy first
  (shared.core.etl.model.source_policy), and connects to the address it approved
  (`source_connect`); a schema naming a WellOS database is refused before reflection;
- names come from the configuration but reach SQL only as `sa.table`/`sa.column`
  objects, after reflection confirmed them, and the dialect quotes them;
- values are always bound parameters;
- the session is read-only where the database can say so (PostgreSQL and
  MySQL/MariaDB: `SET SESSION ... READ ONLY`, the first thing on connect), and this
  module only ever executes `Select` statements (`_read` refuses anything else);
- whatever the driver raises (a protocol error from a hostile server included)
  leaves as SourceUnavailableError naming the step and the error's type, never the
  URL, and the connection is thrown away, never reused.

SQL Server has no read-only session setting (ApplicationIntent=ReadOnly only
routes to a readable secondary) and Oracle's `SET TRANSACTION READ ONLY` holds
for one transaction: there the guarantee is this module's SELECT-only rule, and
the operator should give WellOS a login with read rights only (db_datareader;
SELECT grants). `test-connection` reports `read_only: false` for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from shared.adapters.sql.etl.source_connect import source_engine
from shared.adapters.sql.etl.source_urls import parse_source_url
from shared.core.common.errors import WellOSError
from shared.core.etl.errors import SourceSchemaError, SourceUnavailableError
from shared.core.etl.model.source_policy import SourcePolicy
from shared.core.etl.ports.runs import (
    ColumnKind,
    ExtractRequest,
    SourceColumn,
    SourceInfo,
    SourceTable,
)

READ_ONLY_CHECKS = {
    "postgresql": ("SHOW transaction_read_only",),
    # MySQL 8 and MariaDB 11.1+ name it transaction_read_only; older servers tx_read_only.
    "mysql": ("SELECT @@SESSION.transaction_read_only", "SELECT @@SESSION.tx_read_only"),
}
ROW_VALUE_DIALECTS = frozenset({"postgresql"})  # MariaDB scans the table for row values


def _failure(step: str, exc: BaseException) -> SourceUnavailableError:
    original = getattr(exc, "orig", None) or exc
    return SourceUnavailableError(f"source database: {step} failed ({type(original).__name__})")


class SqlSourceConnector:
    """Opens read-only sessions on source databases named by URLs the policy approves."""

    def __init__(self, policy: SourcePolicy) -> None:
        self._policy = policy

    @contextmanager
    def open(self, url: str) -> Iterator[SqlSourceSession]:
        parsed = parse_source_url(url)
        checked = self._policy.check(parsed.target)
        engine = source_engine(parsed.url, checked)
        try:
            try:
                connection = engine.connect()
            except WellOSError:
                raise
            except Exception as exc:  # a driver, protocol or network failure, of any type
                raise _failure("connect", exc) from None
            try:
                yield SqlSourceSession(connection, self._policy.check_schema)
            except BaseException:
                connection.invalidate()  # a failed connection is never reused
                raise
            try:
                connection.close()
            except Exception:
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
    def __init__(self, connection: Connection, check_schema: Callable[[str | None], None]) -> None:
        self._c = connection
        self._check_schema = check_schema
        self._tables: dict[tuple[str | None, str], SourceTable | None] = {}

    def info(self) -> SourceInfo:
        dialect = self._c.dialect
        version = ".".join(str(part) for part in (dialect.server_version_info or ()))
        with self._translated("session check"):
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
        self._check_schema(schema)
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
        """Keyset chunks in order. While the caller works on a chunk, the next one is
        read on a worker thread (the source server's work and the transfer overlap the
        caller's mapping and writing); the connection is never used by both at once:
        the caller does not touch the session while it iterates, and leaving the loop
        waits for the read in flight."""
        table = self._table(request)
        base = sa.select(*[table.c[name] for name in request.columns]).where(
            *self._filters(table, request)
        )
        order = [table.c[name] for name in request.order]
        positions = [request.columns.index(name) for name in request.order]

        def read(after: tuple[Any, ...] | None) -> list[tuple[Any, ...]]:
            query = base if after is None else base.where(self._after(order, after))
            return self._read(query.order_by(*order).limit(request.chunk_rows), request.table)

        with ThreadPoolExecutor(1, thread_name_prefix="etl-source-read") as reader:
            rows = read(None)
            while rows:
                ahead: Future[list[tuple[Any, ...]]] | None = None
                if len(rows) == request.chunk_rows:
                    ahead = reader.submit(read, tuple(rows[-1][index] for index in positions))
                try:
                    yield rows
                finally:
                    if ahead is not None and not ahead.done():
                        wait([ahead])  # an early exit: the connection is free again
                if ahead is None:
                    return
                rows = ahead.result()

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
        except WellOSError:
            raise
        except Exception as exc:  # SQLAlchemy's errors, and whatever a hostile server provokes
            raise _failure(step, exc) from None
