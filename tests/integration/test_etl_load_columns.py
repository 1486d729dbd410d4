"""A production chunk mapped a column at a time loads as the same chunk of dicts would:
the same stored rows and change feed, on the initial append and on the upsert after it.
Its binary COPY stores exactly what the text COPY stores (awkward floats, zones, old
days, any text); values the binary encoder does not take go as text, and what the server
refuses is still refused. Against a migrated PostgreSQL tenant database. GIVEN / WHEN / THEN."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa

from shared.adapters.sql import tenant_tables as t
from shared.adapters.sql.binary_copy import encode_binary_columns
from shared.adapters.sql.bulk import insert_columns, insert_rows, upsert_columns
from shared.adapters.sql.etl.load import load_production
from shared.adapters.sql.provisioning import SqlTenantProvisioner
from shared.adapters.sql.urls import normalize_url
from shared.core.etl.model.column_rows import ColumnRows

NOW = datetime(2026, 11, 3, 12, tzinfo=UTC)
# fixed ids: they appear in parametrized test ids, which every xdist worker must collect alike
WELL_A, WELL_B = "6f1c2a9e-3b7d-4e21-9a55-0c8f4d2b7e11", "b2e4d6f8-1a3c-4e5f-8a7b-9c0d1e2f3a4b"
EAST = timezone(timedelta(hours=5, minutes=30))


@pytest.fixture
def engine(fresh_pg_database: str) -> Iterator[sa.Engine]:
    SqlTenantProvisioner(normalize_url(fresh_pg_database), "unused_").migrate(fresh_pg_database)
    engine = sa.create_engine(normalize_url(fresh_pg_database))
    with engine.begin() as connection:
        for well in (WELL_A, WELL_B):
            connection.execute(
                t.wells.insert().values(
                    id=well, name=well[:8], well_type="OIL", status="ACTIVE",
                    is_horizontal=False, created_at=NOW, updated_at=NOW,
                )
            )  # fmt: skip
    try:
        yield engine
    finally:
        engine.dispose()


def chunk(days: list[int], oil: float) -> list[dict[str, Any]]:
    """Mapped rows out of key order (the load sorts them): well B first, then well A."""
    return [
        {"production_date": date(2026, 10, d), "oil_bbl": oil + d, "gas_mcf": None,
         "well_id": well}
        for well in (WELL_B, WELL_A)
        for d in days
    ]  # fmt: skip


def as_columns(rows: list[dict[str, Any]]) -> ColumnRows:
    return ColumnRows({name: [row[name] for row in rows] for name in rows[0]}, len(rows))


def load_twice(engine: sa.Engine, make: Any) -> tuple[list[Any], list[Any]]:
    for days, oil in (([1, 2, 3], 10.0), ([3, 4], 20.0)):
        with engine.begin() as connection:
            assert load_production(connection, make(chunk(days, oil)), "etl", NOW) == len(days) * 2
    with engine.connect() as connection:
        production = connection.execute(
            sa.text(
                "SELECT well_id::text, production_date, oil_bbl, gas_mcf, is_estimated,"
                " updated_at, updated_by FROM production_daily ORDER BY 1, 2"
            )
        ).all()
        feed = connection.execute(
            sa.text(
                "SELECT well_id::text, entity_id, action, actor_id, data::text FROM change_log"
                " ORDER BY seq"
            )
        ).all()
        connection.execute(sa.text("TRUNCATE production_daily, change_log"))
        connection.commit()
    return [tuple(row) for row in production], [tuple(row) for row in feed]


def test_columns_load_as_dicts_do_on_append_and_upsert(engine: sa.Engine) -> None:
    # GIVEN the same two chunks (the second overlapping the first by a day), once as dicts
    by_dicts = load_twice(engine, list)
    # WHEN loaded as columns
    by_columns = load_twice(engine, as_columns)
    # THEN the stored production and the change feed are the same
    assert by_columns == by_dicts
    production, feed = by_columns
    assert len(production) == 8 and production[2][2:5] == (23.0, None, False)
    assert [entry[1] for entry in feed] == sorted(
        f"{w}/2026-10-0{a}..2026-10-0{b}" for w in (WELL_A, WELL_B) for a, b in ((1, 3),)
    ) + sorted(f"{w}/2026-10-03..2026-10-04" for w in (WELL_A, WELL_B))


def awkward_columns() -> dict[str, list[Any]]:
    """Nine rows whose values a text and a binary encoding could disagree on."""
    oil: list[Any] = [-0.0, math.inf, -math.inf, 1e308, 5e-324, 7, 2**53 + 1, None, 0.1]
    return {
        "well_id": [WELL_A.upper() if i == 4 else (WELL_A, WELL_B)[i % 2] for i in range(9)],
        "production_date": [date(1999, 12, 31), date(2000, 1, 1), date(1900, 2, 28)]
        + [date(2024, 2, 29) + timedelta(days=i) for i in range(6)],
        "oil_bbl": oil,
        "gas_mcf": [None] * 9,
        "is_estimated": [True, False] * 4 + [True],
        "notes": ["", None, "tab\there", "line\nbreak", "back\\slash", "né 油井 🛢", None, "x", "'"],
        "updated_at": [NOW, NOW.astimezone(EAST), NOW + timedelta(microseconds=1)] * 3,
        "updated_by": ["etl"] * 8 + ["ä" * 100],
    }


def stored_rows(engine: sa.Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT well_id::text, production_date, oil_bbl::text, gas_mcf, is_estimated,"
                " notes, updated_at, updated_by FROM production_daily ORDER BY 1, 2"
            )
        ).all()
        connection.execute(sa.text("TRUNCATE production_daily"))
        connection.commit()
    return [tuple(row) for row in rows]


def as_rows(columns: dict[str, list[Any]]) -> list[dict[str, Any]]:
    return [
        dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)
    ]


def test_binary_copy_stores_what_text_copy_stores(engine: sa.Engine) -> None:
    # GIVEN columns of awkward values, all of which the binary encoder takes
    columns = awkward_columns()
    assert encode_binary_columns(t.production_daily, columns) is not None
    # WHEN they are copied as text (rows) and as binary (columns), appended and upserted
    with engine.begin() as connection:
        insert_rows(connection, t.production_daily, as_rows(columns))
    by_text = stored_rows(engine)
    with engine.begin() as connection:
        insert_columns(connection, t.production_daily, columns)
    appended = stored_rows(engine)
    with engine.begin() as connection:
        upsert_columns(connection, t.production_daily, columns)
    upserted = stored_rows(engine)
    # THEN the stored rows are the same, to the last bit of every float
    assert appended == by_text and upserted == by_text
    oil = sorted(row[2] for row in by_text if row[2] is not None)
    assert oil == sorted(["-0", "Infinity", "-Infinity", "1e+308", "5e-324", "7",
                          "9.007199254740992e+15", "0.1"])  # fmt: skip
    assert {row[6] for row in by_text} == {NOW, NOW + timedelta(microseconds=1)}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("notes", "n" * 300),  # longer than the binary cells take
        ("notes", 12),  # not text: COPY writes its str
        ("oil_bbl", "12.5"),  # a numeric string: the server parses it
        ("oil_bbl", True),  # a bool in a double column: the server refuses "True"
        ("well_id", "{" + WELL_A + "}"),  # a UUID form the server reads, not canonical
        ("updated_at", datetime(2026, 1, 1, 12)),  # naive: the session's zone applies
        ("production_date", datetime(2026, 1, 1)),  # a datetime in a date column
    ],
)
def test_values_binary_does_not_take_go_as_text(engine: sa.Engine, name: str, value: Any) -> None:
    # GIVEN one value the binary encoder does not take
    columns = awkward_columns()
    columns[name][3] = value
    assert encode_binary_columns(t.production_daily, columns) is None
    # WHEN the columns are appended, and the same rows as text
    outcome: list[Any] = []
    for as_columns in (True, False):
        try:
            with engine.begin() as connection:
                if as_columns:
                    insert_columns(connection, t.production_daily, columns)
                else:
                    insert_rows(connection, t.production_daily, as_rows(columns))
            outcome.append(stored_rows(engine))
        except Exception as error:  # the raw COPY raises the driver's own errors
            outcome.append(type(getattr(error, "orig", error)).__name__)
    # THEN both store the same rows, or the server refuses both alike
    assert outcome[0] == outcome[1]
    if name == "oil_bbl" and value is True:
        assert outcome[0] == "ProgrammingError"


def test_a_bad_key_is_refused_by_the_server_as_before(engine: sa.Engine) -> None:
    # GIVEN a well id that is no UUID
    columns = awkward_columns()
    columns["well_id"][0] = "not-a-uuid"
    # WHEN the columns are appended THEN the server refuses them and nothing is stored
    with pytest.raises(Exception, match="invalid input syntax for type uuid"):
        with engine.begin() as connection:
            insert_columns(connection, t.production_daily, columns)
    assert stored_rows(engine) == []
