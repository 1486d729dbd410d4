"""What the database refuses of a request's data is a 409/422, never a 500 (real servers).

The services check values before they write; `database_refusal` is the net under
them: the API maps a constraint (SQLSTATE class 23) to 409 and an unstorable value
(class 22) to 422, and anything else stays a server error.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from shared.adapters.sql.engines import PoolSettings, create_engine
from shared.adapters.sql.unit_of_work import database_refusal
from shared.adapters.sql.urls import normalize_url

STATEMENTS = {
    "duplicate key": ("INSERT INTO child (id, parent_id, n) VALUES (1, 1, 1)", "conflict"),
    "missing parent": ("INSERT INTO child (id, parent_id, n) VALUES (2, 99, 1)", "conflict"),
    "check constraint": ("INSERT INTO child (id, parent_id, n) VALUES (3, 1, -5)", "conflict"),
    "integer overflow": ("SELECT CAST(100000000000000 AS INTEGER)", "invalid"),
    "NUL in text": ("SELECT id FROM child WHERE CAST(id AS TEXT) = :text", "invalid"),
    "no such table": ("SELECT * FROM no_such_table", None),
}
SCHEMA = [
    "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
    "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL "
    "REFERENCES parent (id), n INTEGER NOT NULL CHECK (n >= 0))",
    "INSERT INTO parent (id) VALUES (1)",
    "INSERT INTO child (id, parent_id, n) VALUES (1, 1, 1)",
]


def refusal_of(engine: sa.Engine, statement: str) -> str | None:
    with engine.connect() as connection, pytest.raises(sa.exc.DBAPIError) as raised:
        connection.execute(sa.text(statement), {"text": "a\x00b"} if ":text" in statement else {})
    return database_refusal(raised.value)


@pytest.fixture
def pg_engine(fresh_pg_database: str) -> Iterator[sa.Engine]:
    engine = create_engine(fresh_pg_database, PoolSettings(pool_size=1, max_overflow=0))
    with engine.begin() as connection:
        for statement in SCHEMA:
            connection.execute(sa.text(statement))
    yield engine
    engine.dispose()


@pytest.fixture
def mysql_engine(mysql_server_url: str) -> Iterator[sa.Engine]:
    name = f"wt_refusals_{uuid.uuid4().hex[:8]}"
    server = normalize_url(mysql_server_url)
    admin = sa.create_engine(server, poolclass=NullPool)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE DATABASE `{name}`"))
    engine = create_engine(server.set(database=name), PoolSettings(pool_size=1, max_overflow=0))
    with engine.begin() as connection:
        connection.execute(sa.text("SET SESSION sql_mode = 'STRICT_ALL_TABLES'"))
        for statement in SCHEMA:
            connection.execute(sa.text(statement))
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
    admin.dispose()


@pytest.mark.parametrize("case", list(STATEMENTS))
def test_postgres_refusals_are_told_from_failures(pg_engine, case):
    statement, expected = STATEMENTS[case]
    assert refusal_of(pg_engine, statement) == expected


@pytest.mark.mysql
@pytest.mark.parametrize("case", ["duplicate key", "missing parent", "no such table"])
def test_mariadb_refusals_are_told_from_failures(mysql_engine, case):
    statement, expected = STATEMENTS[case]
    assert refusal_of(mysql_engine, statement) == expected
