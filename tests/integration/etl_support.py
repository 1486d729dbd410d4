"""An operator's MariaDB database with its own names, and helpers for ETL tests.

The operator's tables use names WellOS would never choose: spaces, brackets,
reserved words and Unicode (`prod data [2024]`, `select`, `Öl Menge`).

The test MariaDB runs on loopback (or a CI service's private address), which the
source-connection policy refuses by default: ETL platforms here allow its
addresses explicitly (`WELLOS_ETL_ALLOWED_NETWORKS`), as an on-premises
deployment would; `mod_platform` is such a platform, shared by a test module.
"""

from __future__ import annotations

import ipaddress
import socket
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from shared.adapters.sql.urls import connectable, normalize_url
from shared.bootstrap import Platform
from shared.core.common.actor import Actor
from shared.core.common.roles import Role
from shared.core.etl.model.config import EtlConfigInput
from shared.core.registry.model.tenants import Tenant
from tests.integration.api_support import started_platform

WELLS_DDL = """
CREATE TABLE `Well Master` (
    `WellID` INT PRIMARY KEY,
    `API Number` VARCHAR(20) NULL,
    `Well Name` VARCHAR(100) NULL,
    `Status` VARCHAR(20) NULL,
    `ModifiedAt` DATETIME(6) NOT NULL
) CHARACTER SET utf8mb4
"""
PRODUCTION_DDL = """
CREATE TABLE `prod data [2024]` (
    `RecordID` INT PRIMARY KEY,
    `API` VARCHAR(20) NULL,
    `select` VARCHAR(20) NULL,
    `Öl Menge` DECIMAL(12,3) NULL,
    `Gas m3` DECIMAL(12,3) NULL,
    `Water` DECIMAL(12,3) NULL,
    `ModifiedAt` DATETIME(6) NOT NULL,
    INDEX `ix mod` (`ModifiedAt`, `RecordID`)
) CHARACTER SET utf8mb4
"""
T0 = datetime(2024, 5, 1, 6, 0, 0)
APIS = ("42-501-20130", "42-501-20131", "42-317-00001")
STATUSES = {"Active": "PRODUCING", "Shut-In": "SHUT_IN"}


def source_networks(server_url: str) -> str:
    """`WELLOS_ETL_ALLOWED_NETWORKS` for sources on this MariaDB: loopback and its addresses."""
    host = normalize_url(server_url).host or "127.0.0.1"
    addresses = {info[4][0] for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)}
    networks = ["127.0.0.0/8", *(str(ipaddress.ip_network(a)) for a in sorted(addresses))]
    return ",".join(dict.fromkeys(networks))


@pytest.fixture(scope="module")
def mod_platform(
    pg_server_url: str, mysql_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    """A platform for the module whose ETL may reach the test MariaDB."""
    state = tmp_path_factory.mktemp("state")
    allowed = source_networks(mysql_server_url)
    with started_platform(pg_server_url, state, etl_allowed_networks=allowed) as platform:
        yield platform


@dataclass
class Source:
    url: str
    engine: sa.Engine

    def execute(self, sql: str, rows: Sequence[dict[str, Any]] | None = None) -> None:
        with self.engine.begin() as connection:
            connection.execute(sa.text(sql), list(rows) if rows else {})

    def scalar(self, sql: str) -> Any:
        with self.engine.connect() as connection:
            return connection.execute(sa.text(sql)).scalar()


@contextmanager
def mysql_source(server_url: str) -> Iterator[Source]:
    """A new database on the MariaDB server, dropped afterwards."""
    name = f"wt_src_{uuid.uuid4().hex[:10]}"
    server = normalize_url(server_url)
    admin = sa.create_engine(server, poolclass=NullPool)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    url = server.set(database=name, query={"charset": "utf8mb4"})
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        yield Source(connectable(url), engine)
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


def seed_operator(source: Source, days: int = 30) -> None:
    """Three wells and `days` days of production each, volumes in m³, dates as m/d/Y text."""
    source.execute(WELLS_DDL)
    source.execute(PRODUCTION_DDL)
    wells = [
        {"id": n, "api": api, "name": f"Smith {n}", "status": status, "at": T0}
        for n, (api, status) in enumerate(
            zip(APIS, ("Active", "Shut-In", "Active"), strict=True), 1
        )
    ]
    source.execute("INSERT INTO `Well Master` VALUES (:id, :api, :name, :status, :at)", wells)
    insert_production(source, production_rows(days))


def production_rows(days: int, start_id: int = 1, at: datetime = T0) -> list[dict[str, Any]]:
    rows = []
    record = start_id
    for day in range(days):
        for index, api in enumerate(APIS):
            date_text = (datetime(2024, 1, 1) + timedelta(days=day)).strftime("%m/%d/%Y")
            rows.append(
                {
                    "id": record, "api": api, "day": date_text, "oil": 10.0 + index + day / 10,
                    "gas": 1000.0 + day, "water": 5.5, "at": at + timedelta(seconds=record),
                }
            )  # fmt: skip
            record += 1
    return rows


def insert_production(source: Source, rows: Sequence[dict[str, Any]]) -> None:
    source.execute(
        "INSERT INTO `prod data [2024]` VALUES (:id, :api, :day, :oil, :gas, :water, :at)", rows
    )


def operator_config(url: str | None, **production: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "source_kind": "mysql",
        "entities": {
            "wells": {
                "source_table": "Well Master",
                "key_columns": ["WellID"],
                "cursor_column": "ModifiedAt",
                "column_mapping": {
                    "api_number": "API Number", "name": "Well Name", "status": "Status",
                },
                "transforms": {"status": {"type": "MAP", "mapping": STATUSES}},
            },
            "production": {
                "source_table": "prod data [2024]",
                "key_columns": ["RecordID"],
                "cursor_column": "ModifiedAt",
                "look_back_minutes": 1,
                "column_mapping": {
                    "well_api_number": "API", "production_date": "select",
                    "oil_bbl": "Öl Menge", "gas_mcf": "Gas m3", "water_bbl": "Water",
                },
                "transforms": {
                    "production_date": {"type": "DATE", "formats": ["%m/%d/%Y", "%Y-%m-%d"]},
                    "oil_bbl": {"type": "UNIT", "from_unit": "m3", "to_unit": "bbl"},
                    "gas_mcf": [{"type": "UNIT", "from_unit": "m3", "to_unit": "mcf"}],
                },
                **production,
            },
        },
    }  # fmt: skip
    if url is not None:
        config["connection_url"] = url
    return config


def admin_of(tenant: Tenant) -> Actor:
    return Actor(str(uuid.uuid4()), f"admin@{tenant.slug}.test", Role.ADMIN, tenant.id, tenant.slug)


def configure(platform: Any, tenant: Tenant, config: dict[str, Any]) -> None:
    platform.etl.put_config(tenant, admin_of(tenant), EtlConfigInput.model_validate(config))


def fingerprint(source: Source) -> dict[str, tuple[int, int]]:
    """Row count and CHECKSUM TABLE of every source table: proof nothing was written."""
    tables = [str(row[0]) for row in _rows(source, "SHOW TABLES")]
    result = {}
    for table in tables:
        quoted = "`" + table.replace("`", "``") + "`"
        count = source.scalar(f"SELECT COUNT(*) FROM {quoted}")
        checksum = _rows(source, f"CHECKSUM TABLE {quoted} EXTENDED")[0][1]
        result[table] = (int(count), int(checksum))
    return result


def _rows(source: Source, sql: str) -> list[Any]:
    with source.engine.connect() as connection:
        return list(connection.execute(sa.text(sql)))


def production_in(platform: Any, tenant: Tenant) -> list[dict[str, Any]]:
    """The tenant's production rows with their well's API number, by API and day."""
    from shared.adapters.sql import tenant_tables as t

    engine = platform.tenant_databases.engines.engine_for(tenant)
    p, w = t.production_daily, t.wells
    query = (
        sa.select(w.c.api_number, p.c.production_date, p.c.oil_bbl, p.c.gas_mcf, p.c.water_bbl)
        .join(w, w.c.id == p.c.well_id)
        .order_by(w.c.api_number, p.c.production_date)
    )
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]
