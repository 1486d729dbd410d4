"""A tenant whose own database is MariaDB (tier 2): provisioned by the CLI, served by the API."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner

from functions.api.app import create_app
from functions.cli.main import app as cli
from shared.adapters.sql.migrate import current_revision, head_revision
from shared.adapters.sql.urls import normalize_url
from shared.bootstrap import build_platform
from shared.core.etl.ports.runs import RunStatus
from shared.settings import Settings
from tests.integration.etl_support import (
    configure,
    mysql_source,
    operator_config,
    seed_operator,
    source_networks,
)

pytestmark = pytest.mark.mysql


@pytest.fixture
def platform(settings, mysql_server_url):
    """ETL sources on the test MariaDB share its server with the tenant database: its
    addresses are allowed explicitly, as an on-premises deployment would allow them."""
    allowed = Settings(etl_allowed_networks=source_networks(mysql_server_url))
    built = build_platform(
        settings.model_copy(update={"etl_allowed_networks": allowed.etl_allowed_networks})
    )
    yield built
    built.close()


def cli_env(settings) -> dict[str, str]:
    return {
        "WELLOS_DATABASE_URL": settings.database_url.get_secret_value(),
        "WELLOS_STATE_DIR": str(settings.state_dir),
        "WELLOS_TENANT_DB_PREFIX": settings.tenant_db_prefix,
        "WELLOS_REGISTRY_CACHE_TTL_S": "0",
        "WELLOS_LOG_JSON": "false",
    }


def test_a_mariadb_tenant_is_provisioned_by_the_cli_and_served_by_the_api(
    settings, platform, mysql_database, mysql_server_url
):
    # WHEN ops create a tenant on the operator's MariaDB database
    result = CliRunner().invoke(
        cli,
        ["tenant", "create", "--slug", "mariadb-co", "--name", "Maria Oil",
         "--admin-email", "admin@maria.test", "--database-url", mysql_database, "--json"],
        env=cli_env(settings),
    )  # fmt: skip
    # THEN it is a MySQL-kind tenant with the full tenant schema (every revision) on MariaDB
    assert result.exit_code == 0, result.output
    created = json.loads(result.stdout)
    assert created["tenant"]["database_kind"] == "mysql"
    assert created["database_created"] is False
    engine = sa.create_engine(normalize_url(mysql_database), poolclass=NullPool)
    assert current_revision(engine, "tenant") == head_revision("tenant")
    assert {"etl_runs", "imports", "scada_readings"} <= set(sa.inspect(engine).get_table_names())
    engine.dispose()
    # WHEN the admin logs in and writes wells and production through the API
    with TestClient(create_app(platform), base_url="http://testserver") as client:
        login = client.post(
            "/api/v1/auth/login",
            json={"email": "admin@maria.test", "password": created["admin_password"]},
            headers={"X-WellOS-Tenant": "mariadb-co"},
        )
        headers = {
            "X-WellOS-Tenant": "mariadb-co",
            "Authorization": f"Bearer {login.json()['access_token']}",
        }
        well = client.post(
            "/api/v1/wells",
            json={"name": "Maria 1", "api_number": "42-501-20130", "well_type": "OIL"},
            headers=headers,
        )
        assert well.status_code == 201, well.text
        well_id = well.json()["id"]
        batch = {
            "rows": [
                {"well_id": well_id, "production_date": f"2024-03-0{d}", "oil_bbl": 10.0 + d}
                for d in range(1, 6)
            ]
        }
        assert (
            client.post("/api/v1/production:batch", json=batch, headers=headers).status_code == 200
        )
        # THEN they list back from MariaDB
        wells = client.get("/api/v1/wells", headers=headers).json()
        days = client.get(
            f"/api/v1/wells/{well_id}/production?from=2024-03-01&to=2024-03-31", headers=headers
        ).json()
    assert [w["name"] for w in wells["items"]] == ["Maria 1"]
    assert [d["oil_bbl"] for d in days["items"]] == [11.0, 12.0, 13.0, 14.0, 15.0]
    # AND ETL syncs into it too (bulk upsert by ON DUPLICATE KEY, the lease row as its lock)
    tenant = platform.tenants.get("mariadb-co")
    with mysql_source(mysql_server_url) as source:
        seed_operator(source, days=4)
        configure(platform, tenant, operator_config(source.url, chunk_rows=10))
        first = platform.etl.run_tenant(tenant, "manual")
        second = platform.etl.run_tenant(tenant, "manual")
    assert first.status is RunStatus.SUCCEEDED and second.status is RunStatus.SUCCEEDED
    assert first.entities["production"].written == 12
    with platform.tenant_databases.unit_of_work(tenant) as uow:
        synced = uow.production.between(well_id, date(2024, 1, 1), date(2024, 1, 31))
        renamed = uow.wells.get(well_id)
    assert [round(d.oil_bbl or 0.0, 4) for d in synced] == [
        round((10.0 + day / 10) * 6.28981, 4) for day in range(4)
    ]
    assert renamed is not None and renamed.name == "Smith 1"  # the same API number: one well
