"""A production chunk mapped a column at a time loads as the same chunk of dicts would:
the same stored rows and change feed, on the initial append and on the upsert after it.
Against a migrated PostgreSQL tenant database. GIVEN / WHEN / THEN."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from shared.adapters.sql import tenant_tables as t
from shared.adapters.sql.etl.load import load_production
from shared.adapters.sql.provisioning import SqlTenantProvisioner
from shared.adapters.sql.urls import normalize_url
from shared.core.etl.model.column_rows import ColumnRows

NOW = datetime(2026, 11, 3, 12, tzinfo=UTC)
WELL_A, WELL_B = str(uuid.uuid4()), str(uuid.uuid4())


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
