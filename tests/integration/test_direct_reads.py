"""`direct.fetch_one`: a statement built once runs on pg8000's cursor from its second
run on, with the answer, the transaction and the errors of `Connection.execute`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from shared.adapters.sql import direct
from shared.adapters.sql.engines import PoolSettings, create_engine

ECHO = sa.select(
    sa.literal_column("count(*)"),
    sa.literal_column("string_agg(x::text, ',' ORDER BY x)"),
).select_from(
    sa.select(
        sa.func.generate_series(
            sa.bindparam("low", type_=sa.Integer), sa.bindparam("high", type_=sa.Integer)
        ).label("x")
    )
    .where(sa.literal_column("1") == sa.literal(1))
    .subquery("r")
)
DIVIDE = sa.select(sa.literal_column("1 / x::int")).select_from(
    sa.select(sa.bindparam("divisor").label("x")).subquery("r")
)
ECHO_TIME = sa.select(sa.literal_column("x::text")).select_from(
    sa.select(sa.bindparam("at").label("x")).subquery("r")
)
YEAR_ONE_EAST_OF_UTC = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1)))
ROWS = sa.select(sa.func.generate_series(1, sa.bindparam("n", type_=sa.Integer)))


@pytest.fixture
def engine(fresh_pg_database: str) -> Iterator[sa.Engine]:
    built = create_engine(fresh_pg_database, PoolSettings(pool_size=1, max_overflow=0))
    yield built
    built.dispose()


def test_every_run_answers_as_execute_and_the_later_ones_skip_sqlalchemy(engine):
    runs: list[int] = []
    with engine.connect() as connection:
        sa.event.listen(connection, "before_cursor_execute", lambda *a: runs.append(1))
        expected = tuple(connection.execute(ECHO, {"low": 2, "high": 5}).one())
        assert expected == (4, "2,3,4,5")
        answers = [tuple(direct.fetch_one(connection, ECHO, {"low": 2, "high": 5})) for _ in "abc"]
        assert answers == [expected] * 3
        assert direct.fetch_one(connection, ECHO, {"low": 7, "high": 7}) == [1, "7"]
        assert len(runs) == 2  # the execute, then the first fetch_one; then the cursor's


def test_a_read_stays_in_the_units_transaction(engine):
    with engine.connect() as connection, connection.begin():
        connection.execute(sa.text("CREATE TEMP TABLE t (x int) ON COMMIT DROP"))
        connection.execute(sa.text("INSERT INTO t VALUES (41), (42)"))
        count = sa.select(sa.literal_column("count(*)")).select_from(
            sa.select(sa.literal_column("x")).select_from(sa.table("t")).subquery("r")
        )
        for _ in range(3):
            assert tuple(direct.fetch_one(connection, count, None)) == (2,)


def test_a_server_error_is_sqlalchemys_and_the_connection_serves_on(engine):
    with engine.connect() as connection:
        for _ in range(2):
            assert tuple(direct.fetch_one(connection, DIVIDE, {"divisor": 2})) == (0,)
        with pytest.raises(DBAPIError) as raised:
            direct.fetch_one(connection, DIVIDE, {"divisor": 0})
        assert "division by zero" in str(raised.value)
        assert not raised.value.connection_invalidated
        connection.rollback()
        assert not connection.invalidated
        assert tuple(direct.fetch_one(connection, DIVIDE, {"divisor": 1})) == (1,)


def test_an_error_raised_in_the_driver_discards_the_connection(engine):
    with engine.connect() as connection:
        now = {"at": datetime.now(UTC)}
        for _ in range(2):
            direct.fetch_one(connection, ECHO_TIME, now)
        with pytest.raises(OverflowError):  # pg8000 fails converting the value
            direct.fetch_one(connection, ECHO_TIME, {"at": YEAR_ONE_EAST_OF_UTC})
        assert connection.invalidated


def test_not_exactly_one_row_is_refused(engine):
    with engine.connect() as connection:
        for n in (2, 2, 2):
            with pytest.raises(sa.exc.MultipleResultsFound):
                direct.fetch_one(connection, ROWS, {"n": n})
        with pytest.raises(sa.exc.NoResultFound):
            direct.fetch_one(connection, ROWS, {"n": 0})
