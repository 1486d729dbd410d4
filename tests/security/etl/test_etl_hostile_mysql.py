"""A hostile MySQL source asks WellOS for a file (LOAD DATA LOCAL INFILE): it never gets it.

The fake server accepts any login, then answers queries with a 0xFB packet naming
a file that stands for the secrets file. Before the connection policy, PyMySQL
sent the file whenever the URL said `local_infile=1`, and without it the
driver's RuntimeError came back as a 500.
"""

from __future__ import annotations

import pytest

from functions.local.etl_runner import run_etl_tick
from shared.core.etl.model.jobs import ETL_QUEUE
from tests.integration.api_support import problem_field
from tests.integration.etl_support import mysql_source, seed_operator
from tests.security.etl.conftest import PASSWORD, source_config
from tests.security.etl.hostile import HostileMySqlServer, hostile_mysql_server

TEST_CONNECTION = "/api/v1/etl/test-connection"
CONFIG = "/api/v1/etl/config"


@pytest.fixture(autouse=True)
def empty_etl_queue(loopback_platform):
    """Each test counts its own queued runs: failed jobs of another test are taken away."""
    yield
    queue = loopback_platform.queue
    while messages := queue.receive(ETL_QUEUE, 10, 1):
        for message in messages:
            queue.complete(ETL_QUEUE, message)


@pytest.fixture
def hostile(wanted_file):
    path, _marker = wanted_file
    with hostile_mysql_server(path) as server:
        yield server


def assert_nothing_leaked(server: HostileMySqlServer, marker: str, response) -> None:
    assert server.recording.file_packets == []
    assert marker.encode() not in bytes(server.recording.received)
    assert PASSWORD not in response.text and "mysql+pymysql://" not in response.text


def test_a_file_request_gets_no_file_and_a_clean_answer(loopback, hostile, wanted_file):
    # GIVEN a hostile MySQL server on an allowed network
    _path, marker = wanted_file
    # WHEN an admin tests a connection to it
    response = loopback.client.post(
        TEST_CONNECTION, json={"connection_url": hostile.url()}, headers=loopback.headers
    )
    # THEN the server logged in the client and asked for the file at its first query,
    # which was the read-only setting (nothing runs on a session before it)
    assert hostile.recording.connections == 1
    assert hostile.recording.file_requests >= 1
    assert hostile.recording.queries[0] == b"SET SESSION TRANSACTION READ ONLY"
    # AND the answer is a clean failure, and not one byte of the file left
    assert response.status_code == 200, response.text
    assert response.json()["ok"] is False
    assert response.json()["error"].startswith("source database: connect failed")
    assert_nothing_leaked(hostile, marker, response)


@pytest.mark.parametrize(
    "option", ["local_infile=1", "local_infile=true", "charset=utf8mb4&local_infile=1"]
)
def test_local_infile_in_the_url_is_refused_before_connecting(
    loopback, hostile, wanted_file, option
):
    _path, marker = wanted_file
    # WHEN the URL asks the driver to allow file requests, for a test and for a save
    tested = loopback.client.post(
        TEST_CONNECTION,
        json={"connection_url": hostile.url(options=option)},
        headers=loopback.headers,
    )
    saved = loopback.client.put(
        CONFIG, json=source_config(hostile.url(options=option)), headers=loopback.headers
    )
    # THEN both are 422 naming the option, and nothing connected
    for response in (tested, saved):
        assert response.status_code == 422, response.text
        assert problem_field(response) == "connection_url"
        assert "'local_infile'" in response.json()["detail"]
        assert_nothing_leaked(hostile, marker, response)
    assert hostile.recording.connections == 0


def test_saving_a_hostile_source_stores_nothing_and_sends_nothing(
    loopback_platform, loopback, hostile, wanted_file
):
    _path, marker = wanted_file
    # WHEN an admin saves a configuration naming the hostile server
    response = loopback.client.put(
        CONFIG, json=source_config(hostile.url()), headers=loopback.headers
    )
    # THEN it is a source-unavailable problem; no configuration and no file
    assert response.status_code == 503, response.text
    assert response.json()["code"] == "etl_source_unavailable"
    assert_nothing_leaked(hostile, marker, response)
    assert loopback.client.get(CONFIG, headers=loopback.headers).status_code == 404


@pytest.mark.mysql
def test_a_source_that_turns_hostile_gets_nothing_from_preview_runs_or_the_worker(
    loopback_platform, loopback, hostile, wanted_file, mysql_server_url
):
    _path, marker = wanted_file
    # GIVEN a configuration saved against a real MariaDB source
    with mysql_source(mysql_server_url) as source:
        seed_operator(source, days=1)
        config = source_config(source.url)
        saved = loopback.client.put(CONFIG, json=config, headers=loopback.headers)
        assert saved.status_code == 200, saved.text
    # WHEN the stored URL now leads to the hostile server (the source was taken over)
    loopback_platform.secrets.set(saved.json()["connection_secret_ref"], hostile.url())
    preview = loopback.client.post("/api/v1/etl/preview?entity=wells", headers=loopback.headers)
    run = loopback.client.post("/api/v1/etl/run?mode=now", headers=loopback.headers)
    tested = loopback.client.post(TEST_CONNECTION, headers=loopback.headers)
    queued = loopback.client.post("/api/v1/etl/run", headers=loopback.headers)
    tick = run_etl_tick(loopback_platform, loopback_platform.queue, schedule=False)
    # THEN every path answers cleanly: 503 for preview and run, a failed report for the test
    assert (preview.status_code, run.status_code, tested.status_code) == (503, 503, 200)
    assert tested.json()["ok"] is False and queued.status_code == 202
    assert tick.failed == 1 and tick.etl_runs == 0
    for response in (preview, run, tested):
        assert_nothing_leaked(hostile, marker, response)
    assert hostile.recording.file_requests >= 4
    # AND the runs are in the history as failed, naming the step
    runs = loopback.client.get("/api/v1/etl/runs", headers=loopback.headers).json()["items"]
    assert [r["status"] for r in runs[:2]] == ["failed", "failed"]
    assert all(r["error"].startswith("source database: connect failed") for r in runs[:2])


def test_a_stored_url_with_local_infile_is_refused_at_run_time_without_retries(
    loopback_platform, loopback, hostile, wanted_file
):
    _path, marker = wanted_file
    # GIVEN a configuration stored before the policy, whose URL allows file requests
    tenant = loopback_platform.tenants.get(loopback.slug)
    ref = f"tenant-{loopback.slug}-etl-source-url"
    loopback_platform.secrets.set(ref, hostile.url(options="local_infile=1"))
    stored = {**source_config(None), "connection_secret_ref": ref}
    with loopback_platform.master.unit_of_work() as uow:
        uow.etl.save(tenant.id, stored, tenant.created_at)
        uow.commit()
    # WHEN a run is asked for now, and the worker takes a queued one
    now = loopback.client.post("/api/v1/etl/run?mode=now", headers=loopback.headers)
    loopback.client.post("/api/v1/etl/run", headers=loopback.headers)
    tick = run_etl_tick(loopback_platform, loopback_platform.queue, schedule=False)
    # THEN the run is a 422 naming the option; the queued job is done with (no retry loop)
    assert now.status_code == 422 and "'local_infile'" in now.json()["detail"]
    assert tick.failed == 0 and tick.etl_runs == 0
    assert loopback_platform.queue.receive(ETL_QUEUE, 10, 1) == []
    # AND nothing ever connected; the history says why the runs failed
    assert hostile.recording.connections == 0
    assert_nothing_leaked(hostile, marker, now)
    runs = loopback.client.get("/api/v1/etl/runs", headers=loopback.headers).json()["items"]
    assert [r["status"] for r in runs] == ["failed", "failed"]
    assert "local_infile" in runs[0]["error"] and PASSWORD not in runs[0]["error"]
