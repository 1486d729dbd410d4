"""pg8000 statements in one round trip: results, server errors and unconvertible values
leave the connection in step for the next statement."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, StatementError

from shared.adapters.sql.engines import PoolSettings, create_engine


@pytest.fixture
def engine(fresh_pg_database: str) -> Iterator[sa.Engine]:
    built = create_engine(fresh_pg_database, PoolSettings(pool_size=1, max_overflow=0))
    yield built
    built.dispose()


def test_pipelined_statements_answer_and_recover(engine: sa.Engine) -> None:
    # GIVEN a table with a few rows
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE t (id int PRIMARY KEY, at timestamptz)"))
        connection.execute(
            sa.text("INSERT INTO t VALUES (:id, :at)"),
            [{"id": n, "at": datetime(2024, 1, n, tzinfo=UTC)} for n in (1, 2, 3)],
        )
    with engine.connect() as connection:
        # WHEN a statement the server refuses runs (a parse error, then a unique violation)
        with pytest.raises(DBAPIError):
            connection.execute(sa.text("SELEC :x"), {"x": 1})
        connection.rollback()
        with pytest.raises(DBAPIError):
            connection.execute(sa.text("INSERT INTO t VALUES (:id, NULL)"), {"id": 1})
        connection.rollback()
        # AND a value the driver cannot convert is sent (no UTC value: year 1 at +01:00)
        unconvertible = datetime.min.replace(tzinfo=timezone(timedelta(hours=1)))
        with pytest.raises((DBAPIError, StatementError, OverflowError)):
            connection.execute(sa.text("SELECT :x"), {"x": unconvertible})
        connection.rollback()
        # THEN the next statements on the same pooled connection get their own answers
        rows = connection.execute(
            sa.text("SELECT id, at FROM t WHERE id >= :low ORDER BY id"), {"low": 2}
        ).all()
    assert [(row.id, row.at) for row in rows] == [
        (2, datetime(2024, 1, 2, tzinfo=UTC)),
        (3, datetime(2024, 1, 3, tzinfo=UTC)),
    ]
