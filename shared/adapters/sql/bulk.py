"""Bulk upsert by dialect: the one place that knows PostgreSQL from MySQL.

Each call sends one multi-row INSERT ... ON CONFLICT/ON DUPLICATE KEY statement,
so a chunk of rows costs one round trip (executemany over pg8000 costs one per row).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.dialects import mysql, postgresql


def upsert_rows(connection: Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert `rows`, replacing non-key columns of rows whose primary key exists."""
    if not rows:
        return 0
    keys = [column.name for column in table.primary_key.columns]
    updatable = [name for name in rows[0] if name not in keys]
    dialect = connection.dialect.name
    if dialect == "postgresql":
        pg_insert = postgresql.insert(table).values(list(rows))
        statement: sa.Executable = pg_insert.on_conflict_do_update(
            index_elements=keys, set_={name: pg_insert.excluded[name] for name in updatable}
        )
    elif dialect in ("mysql", "mariadb"):
        my_insert = mysql.insert(table).values(list(rows))
        statement = my_insert.on_duplicate_key_update(
            {name: my_insert.inserted[name] for name in updatable}
        )
    else:
        return _upsert_portable(connection, table, keys, rows)
    connection.execute(statement)
    return len(rows)


def _upsert_portable(
    connection: Connection, table: sa.Table, keys: list[str], rows: Sequence[Mapping[str, Any]]
) -> int:
    """Delete-then-insert fallback for dialects without an upsert clause (SQL Server)."""
    for row in rows:
        match = sa.and_(*(table.c[key] == row[key] for key in keys))
        connection.execute(table.delete().where(match))
    connection.execute(table.insert(), [dict(row) for row in rows])
    return len(rows)
