"""The ETL API: configuration (checked against the source), tools, runs, no secret leaks."""

from __future__ import annotations

import json
import uuid

import pytest
import sqlalchemy as sa

from functions.local.etl_runner import run_etl_tick
from shared.adapters.sql.registry.tables import audit_events, tenants
from shared.adapters.sql.urls import connectable
from tests.integration import api_support, etl_support
from tests.integration.api_support import invite, problem_field
from tests.integration.conftest import open_tenant
from tests.integration.etl_support import (
    fingerprint,
    mysql_source,
    operator_config,
    seed_operator,
)

pytestmark = pytest.mark.mysql
mod_platform = etl_support.mod_platform
mod_client = api_support.mod_client
CONFIG = "/api/v1/etl/config"


@pytest.fixture
def session(mod_platform, mod_client):
    return open_tenant(mod_platform, mod_client, f"etlapi-{uuid.uuid4().hex[:6]}")


@pytest.fixture
def source(mysql_server_url):
    with mysql_source(mysql_server_url) as created:
        seed_operator(created, days=5)
        yield created


def with_password(url: str, password: str) -> str:
    return connectable(sa.make_url(url).set(password=password))


def test_a_config_naming_a_missing_column_is_refused_with_its_path(session, source):
    # GIVEN a mapping to a column the source table does not have
    config = operator_config(source.url)
    config["entities"]["production"]["column_mapping"]["oil_bbl"] = "Oil Volume"
    # WHEN an admin saves it
    response = session.client.put(CONFIG, json=config, headers=session.headers)
    # THEN it is refused, naming the setting and the column
    assert response.status_code == 422, response.text
    assert problem_field(response) == "entities.production.column_mapping.oil_bbl"
    assert "'Oil Volume' does not exist in table 'prod data [2024]'" in response.json()["detail"]


def test_names_that_try_to_inject_sql_are_refused_and_map_values_stay_data(session, source):
    # GIVEN a column name carrying SQL, and a MAP value full of quotes
    before = fingerprint(source)
    config = operator_config(source.url)
    config["entities"]["wells"]["column_mapping"]["name"] = "x; DROP TABLE wells"
    response = session.client.put(CONFIG, json=config, headers=session.headers)
    # THEN the column is refused: it is not in the reflected schema
    assert response.status_code == 422
    assert problem_field(response) == "entities.wells.column_mapping.name"
    # WHEN a MAP turns a status into a value with quotes and a statement (bound, never SQL)
    config = operator_config(source.url)
    evil = "O'Brien\"; DROP TABLE `Well Master`; --"
    config["entities"]["wells"]["column_mapping"]["well_number"] = "Status"
    config["entities"]["wells"]["transforms"]["well_number"] = {
        "type": "MAP", "mapping": {"Active": evil[:50]}, "otherwise": "keep"
    }  # fmt: skip
    assert session.client.put(CONFIG, json=config, headers=session.headers).status_code == 200
    run = session.client.post("/api/v1/etl/run?mode=now", headers=session.headers)
    # THEN the value is stored as text and both databases are intact
    assert run.status_code == 200, run.text
    wells = session.client.get("/api/v1/wells", headers=session.headers).json()["items"]
    assert evil[:50] in {w["well_number"] for w in wells}
    assert fingerprint(source) == before


def test_admins_configure_managers_read_and_the_url_is_never_shown(mod_platform, session, source):
    # GIVEN a manager besides the admin, and a configuration
    manager = invite(session, "MANAGER")
    config = operator_config(source.url)
    # WHEN a manager tries to save, and an admin saves
    forbidden = session.client.put(CONFIG, json=config, headers=manager["headers"])
    saved = session.client.put(CONFIG, json=config, headers=session.headers)
    # THEN only the admin may; both read it back, with the secret reference only
    assert forbidden.status_code == 403
    assert saved.status_code == 200, saved.text
    read = session.client.get(CONFIG, headers=manager["headers"])
    assert read.status_code == 200
    body = read.json()
    assert body["connection_secret_ref"] == f"tenant-{session.slug}-etl-source-url"
    assert "connection_url" not in body and "://" not in json.dumps(body)
    assert body["interval_minutes"] == 15
    # AND the registry row and the audit trail hold no URL
    with mod_platform.master.engine.connect() as connection:
        stored = connection.execute(
            sa.select(tenants.c.etl_config).where(tenants.c.slug == session.slug)
        ).scalar_one()
        audit = connection.execute(sa.select(audit_events.c.after)).all()
    assert "://" not in json.dumps(stored) and "://" not in json.dumps([a[0] for a in audit])
    assert mod_platform.secrets.get(body["connection_secret_ref"]) == source.url
    # WHEN a wrong password is tested
    bad = with_password(source.url, "Hunter2-secret")
    tested = session.client.post(
        "/api/v1/etl/test-connection", json={"connection_url": bad}, headers=session.headers
    )
    # THEN the answer says it failed, without the password or the URL
    assert tested.status_code == 200
    assert tested.json()["ok"] is False
    assert "Hunter2" not in tested.text and "mysql+pymysql" not in tested.text


def test_test_connection_preview_run_and_run_history(mod_platform, session, source, tmp_path):
    # GIVEN a saved configuration
    config = operator_config(source.url)
    assert session.client.put(CONFIG, json=config, headers=session.headers).status_code == 200
    # WHEN the IT admin tests the connection
    tested = session.client.post("/api/v1/etl/test-connection", headers=session.headers).json()
    # THEN it is read-only and both tables are found
    assert tested["ok"] and tested["read_only"] and tested["dialect"] == "mysql"
    assert [(t["table"], t["found"], t["problem"]) for t in tested["tables"]] == [
        ("Well Master", True, None),
        ("prod data [2024]", True, None),
    ]
    # WHEN wells are previewed
    preview = session.client.post("/api/v1/etl/preview?entity=wells", headers=session.headers)
    # THEN the rows come mapped
    assert preview.status_code == 200, preview.text
    assert {r["status"] for r in preview.json()["rows"]} == {"PRODUCING", "SHUT_IN"}
    # WHEN a run is queued and the local runner's tick takes it
    queued = session.client.post("/api/v1/etl/run", headers=session.headers)
    assert queued.status_code == 202 and queued.json()["queued"] is True
    tick = run_etl_tick(mod_platform, mod_platform.queue, schedule=False)
    # THEN the run happened, and the history shows it with its counts
    assert tick.etl_runs == 1
    runs = session.client.get("/api/v1/etl/runs", headers=session.headers).json()["items"]
    assert runs[0]["status"] == "succeeded" and runs[0]["trigger"] == "manual"
    assert (runs[0]["rows_read"], runs[0]["rows_written"], runs[0]["rows_quarantined"]) == (
        18,
        18,
        0,
    )
    assert runs[0]["entities"]["production"]["written"] == 15
    # AND production previews now that the wells exist
    preview = session.client.post("/api/v1/etl/preview?entity=production", headers=session.headers)
    assert len(preview.json()["rows"]) == 15 and preview.json()["errors"] == []
