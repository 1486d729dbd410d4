"""Bulk upsert by dialect: the one place that knows PostgreSQL from MySQL.

- PostgreSQL: COPY the rows into a session-local staging table, then one
  `INSERT … SELECT … ON CONFLICT DO UPDATE` (pg8000 spends most of a multi-row
  VALUES statement converting parameters; COPY streams text instead).
- MySQL/MariaDB: multi-row `INSERT … ON DUPLICATE KEY UPDATE`.
- Others (SQL Server): delete-then-insert per key, portable and slow.

Rows repeating a primary key keep the last occurrence (a single upsert
statement may not touch the same row twice).

`insert_rows` is the plain append (no conflict handling) with the same switch:
COPY on PostgreSQL, multi-row INSERTs elsewhere.

`insert_columns` and `upsert_columns` (rows given as columns, the ETL's production
load) copy in COPY's binary format where `binary_copy` encodes every column (no
text to build here nor to parse on the server), in text otherwise.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.dialects import mysql

from shared.adapters.sql.binary_copy import encode_binary_columns

MULTIROW_CHUNK = 500
BINARY_OPTIONS = " (FORMAT BINARY)"


def upsert_rows(connection: Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert `rows`, replacing non-key columns of rows whose primary key exists."""
    if not rows:
        return 0
    keys = [column.name for column in table.primary_key.columns]
    unique_rows = list({tuple(row[k] for k in keys): row for row in rows}.values())
    dialect = connection.dialect.name
    if dialect == "postgresql" and connection.dialect.driver in ("pg8000", "psycopg"):
        columns = list(unique_rows[0])
        payload = _encode(unique_rows, columns)
        _upsert_postgres_copy(connection, table, keys, columns, payload)
    elif dialect in ("mysql", "mariadb"):
        for start in range(0, len(unique_rows), MULTIROW_CHUNK):
            _upsert_mysql(connection, table, keys, unique_rows[start : start + MULTIROW_CHUNK])
    else:
        _upsert_portable(connection, table, keys, unique_rows)
    return len(unique_rows)


def insert_rows(connection: Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> int:
    """Append `rows` (all with the same keys); defaults fill the other columns.

    COPY writes text as is: JSON columns take JSON text on PostgreSQL, data elsewhere.
    """
    if not rows:
        return 0
    if connection.dialect.name == "postgresql" and connection.dialect.driver in (
        "pg8000",
        "psycopg",
    ):
        columns = list(rows[0])
        _copy_text(connection, _copy_into(connection, table.name, columns), _encode(rows, columns))
    else:
        for start in range(0, len(rows), MULTIROW_CHUNK):
            connection.execute(table.insert().values(list(rows[start : start + MULTIROW_CHUNK])))
    return len(rows)


def copies_on(connection: Connection) -> bool:
    """PostgreSQL through pg8000 or psycopg: the dialects `*_columns` below serve."""
    dialect = connection.dialect
    return dialect.name == "postgresql" and dialect.driver in ("pg8000", "psycopg")


def insert_columns(
    connection: Connection, table: sa.Table, columns: Mapping[str, Sequence[Any]]
) -> int:
    """`insert_rows` of rows given as columns (name -> values); only where `copies_on`.

    Binary COPY where `binary_copy` encodes every column, text otherwise (as `insert_rows`).
    """
    names = list(columns)
    options, payload = _columns_payload(table, columns)
    _copy_text(connection, _copy_into(connection, table.name, names) + options, payload)
    return len(columns[names[0]])


def upsert_columns(
    connection: Connection, table: sa.Table, columns: Mapping[str, Sequence[Any]]
) -> int:
    """`upsert_rows` of rows given as columns, unique by primary key; only where `copies_on`
    (the staging table is copied in binary, as `insert_columns` copies)."""
    keys = [column.name for column in table.primary_key.columns]
    names = list(columns)
    options, payload = _columns_payload(table, columns)
    _upsert_postgres_copy(connection, table, keys, names, payload, options)
    return len(columns[names[0]])


def _columns_payload(table: sa.Table, columns: Mapping[str, Sequence[Any]]) -> tuple[str, bytes]:
    """The COPY options and payload: binary where every column encodes so, else text."""
    binary = encode_binary_columns(table, columns)
    if binary is not None:
        return BINARY_OPTIONS, binary
    return "", encode_columns(list(columns.values()))


def _copy_into(connection: Connection, table: str, columns: Sequence[str]) -> str:
    quote = connection.dialect.identifier_preparer.quote
    return f"COPY {quote(table)} ({', '.join(quote(name) for name in columns)}) FROM STDIN"


def _upsert_postgres_copy(
    connection: Connection,
    table: sa.Table,
    keys: list[str],
    columns: list[str],
    payload: bytes,
    options: str = "",
) -> None:
    quote = connection.dialect.identifier_preparer.quote
    stage = quote(f"_stage_{table.name}")
    column_list = ", ".join(quote(name) for name in columns)
    updates = ", ".join(f"{quote(n)} = EXCLUDED.{quote(n)}" for n in columns if n not in keys)
    conflict = ", ".join(quote(k) for k in keys)
    connection.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {stage} "
        f"(LIKE {quote(table.name)} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
    )
    connection.exec_driver_sql(f"TRUNCATE {stage}")
    _copy_text(connection, f"COPY {stage} ({column_list}) FROM STDIN{options}", payload)
    action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    connection.exec_driver_sql(
        f"INSERT INTO {quote(table.name)} ({column_list}) SELECT {column_list} FROM {stage} "
        f"ON CONFLICT ({conflict}) {action}"
    )
    connection.exec_driver_sql(f"TRUNCATE {stage}")


def _copy_text(connection: Connection, statement: str, payload: bytes) -> None:
    dbapi_connection = connection.connection.dbapi_connection
    assert dbapi_connection is not None
    cursor: Any = dbapi_connection.cursor()
    try:
        if connection.dialect.driver == "pg8000":
            cursor.execute(statement, stream=io.BytesIO(payload))
        else:
            with cursor.copy(statement) as copy:
                copy.write(payload)
    finally:
        cursor.close()


def _encode(rows: Sequence[Mapping[str, Any]], columns: list[str]) -> bytes:
    """The rows in COPY's text format, a column at a time.

    A column whose values share one plain type (what a mapper's coercion produces) is
    encoded by that type's method once per distinct value; text needs escaping
    only when a value holds a backslash, tab or line break; anything else (mixed
    types, subclasses) takes `_text` a value at a time. Numbers without NULLs (most
    values of a load, nearly all distinct) are left to the line's `%` formatting,
    which writes them in C as `repr` would; each line is then one `%` in C.
    """
    try:
        getter = itemgetter(*columns)
        picked = [getter(row) for row in rows]
    except KeyError:  # a row without some column: that column is NULL in it
        picked = [tuple(row.get(name) for name in columns) for row in rows]
    if len(columns) == 1:
        picked = [(value,) for value in picked]
    return encode_columns(list(zip(*picked, strict=True)))


def encode_columns(columns: Sequence[Sequence[Any]]) -> bytes:
    """Rows given as columns (each a sequence of values, one per row) in COPY's text format."""
    encoded = [
        values if _formats_itself(values) else _column_text(list(values)) for values in columns
    ]
    line = "\t".join(["%s"] * len(columns)) + "\n"
    return "".join([line % values for values in zip(*encoded, strict=True)]).encode()


_SELF_FORMATTED = frozenset({float, int})
"""`%s` writes these exactly as COPY reads them (`str` of a float is its `repr`)."""


def _formats_itself(values: Sequence[Any]) -> bool:
    kinds = set(map(type, values))
    return kinds <= _SELF_FORMATTED and bool(kinds)


_ESCAPES = ("\\", "\t", "\n", "\r")


def _column_text(values: list[Any]) -> list[str]:
    kinds = set(map(type, values))
    kinds.discard(type(None))
    kind = kinds.pop() if len(kinds) == 1 else None
    plain = _PLAIN.get(kind) if kind is not None else None
    if plain is not None and kind is float:  # -0.0 == 0.0: no sharing of texts here
        return [NULL if value is None else plain(value) for value in values]
    if plain is not None:  # each distinct value once (a load stamps one time on every row)
        texts = {value: plain(value) for value in set(values) if value is not None}
        texts[None] = NULL
        return list(map(texts.__getitem__, values))
    if kind is str:
        joined = "\x00".join([value for value in values if value is not None])
        if not any(escape in joined for escape in _ESCAPES):
            return [NULL if value is None else value for value in values]
    return [_text(value) for value in values]


NULL = "\\N"


# Exact types first (a dict lookup); subclasses and the rest take the isinstance chain.
_PLAIN: dict[type, Callable[[Any], str]] = {
    float: float.__repr__,
    int: int.__repr__,
    date: date.isoformat,
    datetime: datetime.isoformat,
    uuid.UUID: uuid.UUID.__str__,
    bool: lambda value: "t" if value else "f",
}


def _text(value: Any) -> str:
    """A value in COPY's text format."""
    plain = _PLAIN.get(type(value))
    if plain is not None:
        return plain(value)
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float | int | uuid.UUID):
        return str(value)
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _upsert_mysql(
    connection: Connection, table: sa.Table, keys: list[str], rows: Sequence[Mapping[str, Any]]
) -> None:
    updatable = [name for name in rows[0] if name not in keys]
    statement = mysql.insert(table).values(list(rows))
    connection.execute(
        statement.on_duplicate_key_update({name: statement.inserted[name] for name in updatable})
    )


def _upsert_portable(
    connection: Connection, table: sa.Table, keys: list[str], rows: Sequence[Mapping[str, Any]]
) -> None:
    for row in rows:
        match = sa.and_(*(table.c[key] == row[key] for key in keys))
        connection.execute(table.delete().where(match))
    connection.execute(table.insert(), [dict(row) for row in rows])
