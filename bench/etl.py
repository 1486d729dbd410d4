"""ETL sync from a MariaDB source into a tenant's PostgreSQL: initial load and incremental run.

    .venv/bin/python bench/etl.py [--rows 1000000] [--chunk 20000]

Builds an operator database on MariaDB (`WELLOS_BENCH_MYSQL_URL`, default
root@127.0.0.1:3306) with 500 wells and `--rows` production rows (LOAD DATA
LOCAL INFILE from a generated CSV; multi-row INSERTs when the server refuses
it), a WellOS platform on PostgreSQL (`WELLOS_BENCH_DATABASE_URL`, default
postgres@127.0.0.1:5432) with one tenant, and an ETL configuration with a DATE
parse and a unit conversion. The source is on loopback, which the ETL connection policy
refuses unless allowed: the platform allows `WELLOS_ETL_ALLOWED_NETWORKS` (default
127.0.0.0/8). It prints:

- `extract_only_rows_per_s`: the same keyset chunks read and thrown away (the
  baseline: the source driver's speed on this machine)
- `initial_rows_per_s`: the first run, every row read, mapped and upserted
  (target: >= 25,000 rows/s on one worker)
- `incremental_s`: a run after 10,000 rows changed (target: < 5 s)

The last line is `key=value` pairs; `ratio_vs_extract_only` = initial / extract-only.
`ratio_vs_extract_only_cpu` compares this process's CPU time per row instead (the
Python side of both; it holds on a loaded machine, where the source server's and
PostgreSQL's share of the cores moves the wall-time ratio from run to run).
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from shared.adapters.sql.etl.source import SqlSourceConnector
from shared.adapters.sql.urls import connectable, normalize_url
from shared.bootstrap import Platform, build_platform, build_source_policy
from shared.core.common.actor import Actor
from shared.core.common.roles import Role
from shared.core.etl.model.config import EtlConfigInput
from shared.core.etl.model.fields import Entity
from shared.core.etl.services.runner import extract_request
from shared.core.registry.services.tenants import CreateTenant
from shared.settings import Settings

MYSQL = os.environ.get("WELLOS_BENCH_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/mysql")
# The source is on this machine: the ETL policy refuses loopback unless allowed explicitly.
ALLOWED_NETWORKS = os.environ.get("WELLOS_ETL_ALLOWED_NETWORKS", "127.0.0.0/8")
POSTGRES = os.environ.get(
    "WELLOS_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
WELLS = 500
CHANGED = 10_000
T0 = datetime(2024, 1, 1, 0, 0, 0)
EXTRACT_CPU_S = 0.0
"""This process's CPU time of the extract-only read (steady where wall time is not)."""
PRODUCTION_DDL = """
CREATE TABLE `Production Records` (
    `RecordID` INT PRIMARY KEY, `API` VARCHAR(20) NOT NULL, `ProdDate` VARCHAR(10) NOT NULL,
    `OilBbl` DECIMAL(12,3), `GasM3` DECIMAL(12,3), `WaterBbl` DECIMAL(12,3),
    `HoursOn` DECIMAL(5,2), `ModifiedAt` DATETIME(6) NOT NULL,
    INDEX `ix_modified` (`ModifiedAt`, `RecordID`)
)
"""
WELLS_DDL = """
CREATE TABLE `Well Master` (
    `WellID` INT PRIMARY KEY, `API` VARCHAR(20) NOT NULL, `Name` VARCHAR(100) NOT NULL,
    `ModifiedAt` DATETIME(6) NOT NULL
)
"""


def api(n: int) -> str:
    return f"42-501-{30000 + n:05d}"


@contextmanager
def mysql_database() -> Iterator[str]:
    name = f"wb_src_{uuid.uuid4().hex[:8]}"
    server = normalize_url(MYSQL)
    admin = sa.create_engine(server, poolclass=NullPool)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    try:
        yield connectable(server, name)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


def write_csv(path: Path, rows: int) -> None:
    days = -(-rows // WELLS)
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        record = 0
        for day in range(days):
            when = (date(2015, 1, 1) + timedelta(days=day)).strftime("%m/%d/%Y")
            for well in range(WELLS):
                record += 1
                if record > rows:
                    return
                modified = T0 + timedelta(seconds=record)
                out.writerow(
                    [record, api(well), when, 50 + well % 40, 900 + day % 300, 12.5, 24, modified]
                )


def fill_source(url: str, rows: int) -> float:
    """Create and fill the source; returns seconds taken."""
    started = time.perf_counter()
    engine = sa.create_engine(url, poolclass=NullPool, connect_args={"local_infile": True})
    wells = [{"id": n + 1, "api": api(n), "name": f"Well {n}", "at": T0} for n in range(WELLS)]
    with engine.begin() as connection:
        connection.exec_driver_sql(WELLS_DDL)
        connection.exec_driver_sql(PRODUCTION_DDL)
        connection.execute(
            sa.text("INSERT INTO `Well Master` VALUES (:id, :api, :name, :at)"), wells
        )
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "production.csv"
        write_csv(path, rows)
        with engine.begin() as connection:
            connection.exec_driver_sql(
                f"LOAD DATA LOCAL INFILE '{path}' INTO TABLE `Production Records` "
                "FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' LINES TERMINATED BY '\\r\\n'"
            )
    engine.dispose()
    return time.perf_counter() - started


def config(url: str, chunk: int) -> EtlConfigInput:
    return EtlConfigInput.model_validate(
        {
            "source_kind": "mysql",
            "connection_url": url,
            "entities": {
                "wells": {
                    "source_table": "Well Master", "key_columns": ["WellID"],
                    "cursor_column": "ModifiedAt",
                    "column_mapping": {"api_number": "API", "name": "Name"},
                },
                "production": {
                    "source_table": "Production Records", "key_columns": ["RecordID"],
                    "cursor_column": "ModifiedAt", "look_back_minutes": 0, "chunk_rows": chunk,
                    "column_mapping": {
                        "well_api_number": "API", "production_date": "ProdDate",
                        "oil_bbl": "OilBbl", "gas_mcf": "GasM3", "water_bbl": "WaterBbl",
                        "hours_on": "HoursOn",
                    },
                    "transforms": {
                        "production_date": {"type": "DATE", "formats": ["%m/%d/%Y"]},
                        "gas_mcf": {"type": "UNIT", "from_unit": "m3", "to_unit": "mcf"},
                    },
                },
            },
        }
    )  # fmt: skip


@contextmanager
def platform_on_postgres(state: Path) -> Iterator[Platform]:
    name = f"wb_m_{uuid.uuid4().hex[:8]}"
    prefix = f"wb_{uuid.uuid4().hex[:6]}_t_"
    admin = sa.create_engine(
        normalize_url(POSTGRES), poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = connectable(normalize_url(POSTGRES), name)
    settings = Settings(
        database_url=url,
        state_dir=state,
        tenant_db_prefix=prefix,
        log_json=False,
        etl_allowed_networks=ALLOWED_NETWORKS,
    )
    platform = build_platform(settings)
    try:
        platform.migrate_master()
        yield platform
    finally:
        platform.close()
        with admin.connect() as connection:
            for database in (name, f"{prefix}bench"):
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def extract_only(platform: Platform, url: str, settings: EtlConfigInput) -> tuple[int, float]:
    mapping = settings.entities[Entity.PRODUCTION]
    request = extract_request(mapping, None)
    connector = SqlSourceConnector(
        build_source_policy(platform.settings, platform.master, platform.secrets)
    )
    started, cpu = time.perf_counter(), time.process_time()
    rows = 0
    with connector.open(url) as session:
        for chunk in session.chunks(request):
            rows += len(chunk)
    global EXTRACT_CPU_S
    EXTRACT_CPU_S = time.process_time() - cpu
    return rows, time.perf_counter() - started


def change_rows(url: str, rows: int) -> None:
    """Touch CHANGED rows spread over the table: new volumes, a later ModifiedAt."""
    step = max(1, rows // CHANGED)
    engine = sa.create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "UPDATE `Production Records` SET `OilBbl` = `OilBbl` + 1, `ModifiedAt` = :at "
                "WHERE MOD(`RecordID`, :step) = 0 LIMIT :n"
            ),
            {"at": T0 + timedelta(days=4000), "step": step, "n": CHANGED},
        )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=20_000)
    args = parser.parse_args()
    with mysql_database() as url, tempfile.TemporaryDirectory() as state:
        print(f"source: {args.rows} rows loaded in {fill_source(url, args.rows):.1f} s")
        settings = config(url, args.chunk)
        with platform_on_postgres(Path(state)) as platform:
            read, extract_s = extract_only(platform, url, settings)
            rate = read / extract_s
            print(f"extract only: {read} rows in {extract_s:.1f} s ({rate:,.0f} rows/s)")
            tenant = platform.tenants.create(
                CreateTenant(slug="bench", name="Bench", admin_email="admin@bench.test")
            ).tenant
            actor = Actor("bench", "admin@bench.test", Role.ADMIN, tenant.id, tenant.slug)
            platform.etl.put_config(tenant, actor, settings)
            started, cpu = time.perf_counter(), time.process_time()
            first = platform.etl.run_tenant(tenant, "bench")
            initial_s = time.perf_counter() - started
            initial_cpu_s = time.process_time() - cpu
            written = first.entities["production"].written
            rate = written / initial_s
            print(f"initial load: {written} rows in {initial_s:.1f} s ({rate:,.0f} rows/s)")
            change_rows(url, args.rows)
            started = time.perf_counter()
            second = platform.etl.run_tenant(tenant, "bench")
            incremental_s = time.perf_counter() - started
            changed = second.entities["production"].written
            print(f"incremental: {changed} rows in {incremental_s:.2f} s")
    initial_rate = written / initial_s
    extract_rate = read / extract_s
    print(
        f"rows={written} chunk={args.chunk} initial_s={initial_s:.1f} "
        f"initial_rows_per_s={initial_rate:.0f} extract_only_rows_per_s={extract_rate:.0f} "
        f"ratio_vs_extract_only={initial_rate / extract_rate:.2f} incremental_rows={changed} "
        f"incremental_s={incremental_s:.2f} target_initial_rows_per_s=25000 "
        f"target_incremental_s=5 initial_ok={initial_rate >= 25000} "
        f"incremental_ok={incremental_s < 5} "
        f"initial_cpu_us_per_row={initial_cpu_s * 1e6 / written:.1f} "
        f"extract_cpu_us_per_row={EXTRACT_CPU_S * 1e6 / read:.1f} "
        f"ratio_vs_extract_only_cpu={EXTRACT_CPU_S / read / (initial_cpu_s / written):.2f}"
    )


if __name__ == "__main__":
    main()
