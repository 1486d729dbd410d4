"""Appending many rows at once for field sync: COPY on PostgreSQL, executemany elsewhere.

pg8000 spends most of a multi-row INSERT converting parameters; COPY streams
text instead (as bulk.py does for upserts). Values are written as the other
sync writes write them: times in UTC, JSON columns as JSON (Python None as JSON
`null`, as SQLAlchemy's JSON type stores it). A row the database refuses (a
constraint, a value out of range) raises ConflictError whichever way the rows
went, so a caller's savepoint can reject just that write.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.exc import DataError, IntegrityError

from shared.adapters.sql.bulk import _copy_text, _encode
from shared.adapters.sql.sync.values import to_json, write_value
from shared.core.common.errors import ConflictError

REFUSED_SQLSTATE_CLASSES = ("22", "23")  # data exception, integrity constraint violation


def copies(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql" and connection.dialect.driver in (
        "pg8000",
        "psycopg",
    )


def insert_rows(connection: Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (keys that are not columns of `table` are ignored)."""
    if not rows:
        return
    names = {name for row in rows for name in row}
    columns = [column for column in table.columns if column.name in names]
    try:
        if copies(connection):
            _copy(connection, table, columns, rows)
        else:
            writers = [(c.name, _writer(c)) for c in columns]
            values = [{name: write(row.get(name)) for name, write in writers} for row in rows]
            connection.execute(table.insert(), values)
    except Exception as exc:
        if refused(exc):
            raise ConflictError(f"{table.name}: the database refused a row") from exc
        raise


def _copy(
    connection: Connection,
    table: sa.Table,
    columns: list[sa.Column[Any]],
    rows: Sequence[Mapping[str, Any]],
) -> None:
    names = [column.name for column in columns]
    writers = [(c.name, _json_text if _is_json(c) else write_value) for c in columns]
    encoded = [{name: write(row.get(name)) for name, write in writers} for row in rows]
    quote = connection.dialect.identifier_preparer.quote
    statement = f"COPY {quote(table.name)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
    _copy_text(connection, statement, _encode(encoded, names))


def _is_json(column: sa.Column[Any]) -> bool:
    return isinstance(column.type, sa.JSON)


def _writer(column: sa.Column[Any]) -> Any:
    return to_json if _is_json(column) else write_value


def _json_text(value: Any) -> str:
    return json.dumps(to_json(value))


def refused(exc: BaseException) -> bool:
    """A write the database refused for its data (not a lost connection or a bug)."""
    if isinstance(exc, IntegrityError | DataError):
        return True
    for error in (exc, getattr(exc, "orig", None)):
        if error is not None and _sqlstate(error)[:2] in REFUSED_SQLSTATE_CLASSES:
            return True
    return False


def _sqlstate(error: BaseException) -> str:
    state = getattr(error, "sqlstate", None)  # psycopg
    if state:
        return str(state)
    args = getattr(error, "args", ())
    if args and isinstance(args[0], dict):  # pg8000: the server's error fields
        return str(args[0].get("C", ""))
    return ""
