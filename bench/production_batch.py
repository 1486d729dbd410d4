"""Production bulk upsert: WellOS's COPY-staged upsert vs SQLAlchemy executemany.

    .venv/bin/python bench/production_batch.py [--rows 20000]

Writes rows into `production_daily` (fresh tenant schema, same indexes) three
ways and prints rows/s:
- `copy_upsert`: the repository's upsert (COPY into a staging table, one INSERT ... SELECT
  ... ON CONFLICT), as the production batch endpoint uses it
- `re-upsert`: the same rows again (every row an update)
- `executemany`: the same upsert statement through executemany (one round trip per row
  over pg8000) — the baseline the issue measured at ~1.2k rows/s.
Uses WELLOS_BENCH_DATABASE_URL or the PostgreSQL on 127.0.0.1:5432.
"""

from __future__ import annotations

import argparse
import os
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.pool import NullPool

from shared.adapters.sql import tenant_tables as t
from shared.adapters.sql.migrate import upgrade
from shared.adapters.sql.urls import normalize_url
from shared.adapters.sql.wells.repositories import SqlProductionRepository

SERVER = os.environ.get(
    "WELLOS_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def make_rows(well_ids: list[str], days: int) -> list[dict[str, Any]]:
    start = date.today() - timedelta(days=days + 1)
    now = datetime.now(UTC)
    return [
        {
            "well_id": well_id,
            "production_date": start + timedelta(days=d),
            "oil_bbl": 100.0 - d * 0.01,
            "gas_mcf": 250.0,
            "water_bbl": 40.0,
            "condensate_bbl": None,
            "hours_on": 24.0,
            "choke_64ths": 32.0,
            "tubing_pressure_psi": 180.0,
            "casing_pressure_psi": 320.0,
            "line_pressure_psi": 90.0,
            "temperature_f": 98.0,
            "bsw_pct": 28.0,
            "gor_scf_bbl": 2500.0,
            "is_estimated": False,
            "notes": None,
            "updated_at": now,
            "updated_by": "bench@wellos.test",
        }
        for well_id in well_ids
        for d in range(days)
    ]


def timed(label: str, action: Any, rows: int) -> float:
    started = time.perf_counter()
    action()
    rate = rows / (time.perf_counter() - started)
    print(f"{label:<12} {rows:>7} rows  {rate:>10,.0f} rows/s", flush=True)
    return rate


def fresh_tenant_db(admin: sa.Engine, name: str) -> sa.Engine:
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine = sa.create_engine(normalize_url(SERVER).set(database=name), poolclass=NullPool)
    upgrade(engine, "tenant")
    return engine


def seed_wells(engine: sa.Engine, count: int) -> list[str]:
    now = datetime.now(UTC)
    ids = [str(uuid.uuid4()) for _ in range(count)]
    rows = [
        {
            "id": i,
            "name": f"W{n}",
            "well_type": "OIL",
            "status": "PRODUCING",
            "is_horizontal": False,
            "created_at": now,
            "updated_at": now,
        }
        for n, i in enumerate(ids)
    ]
    with engine.begin() as connection:
        connection.execute(t.wells.insert(), rows)
    return ids


def executemany_upsert(engine: sa.Engine, rows: list[dict[str, Any]]) -> None:
    statement = postgresql.insert(t.production_daily)
    statement = statement.on_conflict_do_update(
        index_elements=["well_id", "production_date"],
        set_={"oil_bbl": statement.excluded.oil_bbl, "gas_mcf": statement.excluded.gas_mcf},
    )
    with engine.begin() as connection:
        connection.execute(statement, rows)


def copy_upsert(engine: sa.Engine, rows: list[dict[str, Any]]) -> None:
    with engine.begin() as connection:
        SqlProductionRepository(connection).upsert_days(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000, help="rows for the fast paths")
    parser.add_argument("--baseline-rows", type=int, default=2_000, help="rows for executemany")
    args = parser.parse_args()
    admin = sa.create_engine(
        normalize_url(SERVER), poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    names = [f"wellos_bench_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    try:
        fast, slow = (fresh_tenant_db(admin, name) for name in names)
        days = 500
        fast_rows = make_rows(seed_wells(fast, max(1, args.rows // days)), days)
        slow_rows = make_rows(seed_wells(slow, max(1, args.baseline_rows // days)), days)
        copy = timed("copy_upsert", lambda: copy_upsert(fast, fast_rows), len(fast_rows))
        rewrite = timed("re-upsert", lambda: copy_upsert(fast, fast_rows), len(fast_rows))
        baseline = timed("executemany", lambda: executemany_upsert(slow, slow_rows), len(slow_rows))
        fast.dispose()
        slow.dispose()
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    print(
        f"copy_upsert_rows_per_s={copy:.0f} reupsert_rows_per_s={rewrite:.0f} "
        f"executemany_rows_per_s={baseline:.0f} "
        f"ratio_copy_upsert_vs_executemany={copy / baseline:.1f}"
    )


if __name__ == "__main__":
    main()
