"""A hot read's statement run on the DB-API cursor, its SQL compiled once.

SQLAlchemy's execution of a statement (its cache key, the compiled-cache lookup, the
execution context, the result object) cost ~0.2 ms of a request whose whole server CPU
is ~1.7 ms, for reads whose result is one row of untyped values (the JSON that
PostgreSQL wrote). `fetch_one` runs such a statement on the connection's pg8000 cursor
in the same transaction; any other driver, and a statement with parameters SQLAlchemy
renders at execution (expanding IN lists), go through `Connection.execute` as before.
A statement is compiled here on its second run only: a statement built per request
(a filter with its values inlined) would pay a compilation on every request.

A driver error comes out as SQLAlchemy's (`DBAPIError.instance`), as from `execute`;
one the server did not report (the protocol may be out of step), or a lost connection,
invalidates the connection, as the engine's `handle_error` listener does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from shared.adapters.sql.identity_cache import IdentityCache
from shared.adapters.sql.server_errors import reported_by_server


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]
    processors: Mapping[str, Callable[[Any], Any]]
    construct: Callable[[Mapping[str, Any] | None], Mapping[str, Any]]


class _Entry:
    """A statement's runs so far and, from its second, its compiled form (None: none)."""

    def __init__(self) -> None:
        self.runs = 0
        self.compiled: _Compiled | None = None


_ENTRIES: IdentityCache[_Entry] = IdentityCache()


def fetch_one(
    connection: Connection, statement: sa.Select[Any], parameters: Mapping[str, Any] | None
) -> Sequence[Any]:
    """The one row of `statement` (a statement built once), its values as the driver
    decodes them: for result columns without a SQLAlchemy type (`literal_column`)."""
    compiled = _compiled(connection, statement)
    if compiled is None:
        return tuple(connection.execute(statement, parameters).one())
    values = compiled.construct(parameters)
    processors = compiled.processors
    arguments = tuple(
        processors[name](values[name]) if name in processors else values[name]
        for name in compiled.names
    )
    dbapi_connection = connection.connection.dbapi_connection
    cursor = dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(compiled.sql, arguments)
        rows = cursor.fetchall()
    except Exception as exc:
        wrapped = _failed(connection, dbapi_connection, cursor, compiled.sql, exc)
        if wrapped is exc:
            raise
        raise wrapped from exc
    finally:
        cursor.close()
    if len(rows) != 1:
        raise sa.exc.MultipleResultsFound() if rows else sa.exc.NoResultFound()
    row: Sequence[Any] = rows[0]
    return row


def _compiled(connection: Connection, statement: sa.Select[Any]) -> _Compiled | None:
    dialect = connection.dialect
    if dialect.driver != "pg8000":
        return None
    entry = _ENTRIES.get_or_build((statement,), _Entry, dialect.driver)
    if entry.runs < 2:  # the first run goes through SQLAlchemy: it may be the only one
        entry.runs += 1  # (two threads racing here both compile the same text: harmless)
        if entry.runs < 2:
            return None
        entry.compiled = _compile(statement, dialect)
    return entry.compiled


def _compile(statement: sa.Select[Any], dialect: sa.Dialect) -> _Compiled | None:
    compiled = statement.compile(dialect=dialect)
    if not compiled.positional or compiled.positiontup is None:
        return None
    if compiled.literal_execute_params or compiled.post_compile_params:
        return None  # rendered per execution (expanding IN): SQLAlchemy's path
    processors: dict[str, Callable[[Any], Any]] = {}
    for name, process in compiled._bind_processors.items():
        if not callable(process):  # a tuple's processors: SQLAlchemy's path
            return None
        processors[name] = process
    names = tuple(compiled.positiontup)
    return _Compiled(compiled.string, names, processors, compiled.construct_params)


def _failed(
    connection: Connection, dbapi_connection: Any, cursor: Any, sql: str, error: Exception
) -> BaseException:
    """The error `execute` would raise for `error` (itself if not the driver's)."""
    dialect = connection.dialect
    dbapi = dialect.loaded_dbapi
    if not isinstance(error, dbapi.Error):
        connection.invalidate()  # raised in Python, mid-protocol maybe: never back to the pool
        return error
    if dialect.is_disconnect(error, dbapi_connection, cursor) or not reported_by_server(
        error, dbapi
    ):
        connection.invalidate()
    return DBAPIError.instance(
        sql, None, error, dbapi.Error, hide_parameters=True, dialect=dialect, ismulti=False
    )
