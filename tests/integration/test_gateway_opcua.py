"""The gateway against a real in-process asyncua server: values, deadband, polling, security."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from edge_gateway.opc.convert import micros
from functions.local.simulator.catalog import FieldLayout, gateway_config, node_id
from functions.local.simulator.certificates import CLIENT_URI, make_pair
from shared.adapters.local.sqlite_queue import SqliteQueue
from shared.core.scada.model.gateway_config import BatchSettings
from tests.integration.test_gateway_support import (
    GATEWAY,
    TENANT,
    RunningGateway,
    ThreadedRtu,
    free_port,
    read_batches,
    readings_of,
    settings_for,
    wait_for,
    write_config,
)

BAD_SENSOR_FAILURE = 0x808C0000
UNCERTAIN_LAST_USABLE = 0x40900000
FAST = {"publishing_interval_ms": 100, "sampling_interval_ms": 100}
QUICK_BATCHES = BatchSettings(max_age_s=0.2)


@pytest.fixture(scope="module")
def rtu():
    with ThreadedRtu(FieldLayout(2, 3, 1, base_port=free_port())) as server:
        yield server


def _gateway(tmp_path: Path, config, **settings) -> RunningGateway:
    config_file = write_config(tmp_path / "gateway.json", config)
    state = settings_for(tmp_path / "state", config_file, **settings)
    return RunningGateway(state, SqliteQueue(state.queue_path))


def _tag_id(config, node: str) -> int:
    return next(t.tag_id for c in config.connections for t in c.tags if t.node_id == node)


def test_values_arrive_with_source_and_server_timestamps_and_status(rtu, tmp_path):
    # GIVEN a gateway subscribed to the RTU
    config = gateway_config(rtu.layout, TENANT, GATEWAY, batch=QUICK_BATCHES, **FAST)
    pressure, current = node_id(1, "tubing_pressure"), node_id(2, "flow_rate")
    source = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    with _gateway(tmp_path, config) as gateway:
        wait_for(lambda: gateway.metrics.readings_received >= 6, 15, "initial values")
        # WHEN the RTU reports good, bad and uncertain values
        rtu.write(pressure, 451.5, 0, source)
        rtu.write(pressure, 452.5, BAD_SENSOR_FAILURE, source + timedelta(seconds=1))
        rtu.write(current, 41.25, UNCERTAIN_LAST_USABLE, source + timedelta(seconds=2))
        wait_for(lambda: gateway.metrics.readings_published >= 9, 15, "three values published")
    # THEN each reading keeps the source timestamp, a server timestamp and the status code
    batches = read_batches(tmp_path / "state" / "queue.db")
    readings = [r for b in batches for r in b.readings]
    by_key = {(r.tag_id, r.source_ts_us): r for r in readings}
    good = by_key[(_tag_id(config, pressure), micros(source))]
    assert (good.value, good.status) == (451.5, 0)
    assert good.server_ts_us is not None and good.server_ts_us > good.source_ts_us
    bad = by_key[(_tag_id(config, pressure), micros(source + timedelta(seconds=1)))]
    assert bad.status == BAD_SENSOR_FAILURE and bad.value in (None, 452.5)  # asyncua drops it
    uncertain = by_key[(_tag_id(config, current), micros(source + timedelta(seconds=2)))]
    assert (uncertain.value, uncertain.status) == (41.25, UNCERTAIN_LAST_USABLE)
    assert {b.envelope.tenant_id for b in batches} == {TENANT}
    assert all(not b.envelope.historical for b in batches)


def test_absolute_deadband_suppresses_small_changes(rtu, tmp_path):
    # GIVEN a deadband of 1.0 on Well01.casing_pressure and none on Well01.flow_rate
    config = gateway_config(rtu.layout, TENANT, GATEWAY, batch=QUICK_BATCHES, **FAST)
    banded, plain = node_id(1, "casing_pressure"), node_id(1, "flow_rate")
    for tag in config.connections[0].tags:
        if tag.node_id == banded:
            tag.deadband_type, tag.deadband_value = "absolute", 1.0
    start = datetime.now(UTC) + timedelta(hours=1)
    values = [10.0, 10.3, 10.6, 12.0, 12.5, 14.0]
    with _gateway(tmp_path, config) as gateway:
        wait_for(lambda: gateway.metrics.readings_received >= 6, 15, "initial values")
        # WHEN both tags move by the same steps, one per sampling interval
        for step, value in enumerate(values):
            moment = start + timedelta(seconds=step)
            rtu.write(banded, value, 0, moment)
            rtu.write(plain, value, 0, moment)
            time.sleep(0.12)
        wait_for(lambda: gateway.metrics.readings_published >= 6 + 9, 15, "changes published")
    # THEN only moves beyond the deadband are reported for the banded tag
    later = [r for r in readings_of(read_batches(tmp_path / "state" / "queue.db"))]
    later = [r for r in later if r[1] >= micros(start)]
    assert [v for tag, _, v, _ in later if tag == _tag_id(config, banded)] == [10.0, 12.0, 14.0]
    assert [v for tag, _, v, _ in later if tag == _tag_id(config, plain)] == values


def test_polling_acquisition_reads_changes(rtu, tmp_path):
    # GIVEN a connection configured for polling
    config = gateway_config(
        rtu.layout, TENANT, GATEWAY, batch=QUICK_BATCHES,
        connection={"acquisition": "polling", "polling_interval_ms": 100},
    )  # fmt: skip
    node = node_id(2, "casing_pressure")
    moment = datetime.now(UTC) + timedelta(hours=2)
    with _gateway(tmp_path, config) as gateway:
        wait_for(lambda: gateway.metrics.readings_received >= 6, 15, "first poll")
        # WHEN a value changes twice
        rtu.write(node, 0.31, 0, moment)
        time.sleep(0.3)
        rtu.write(node, 0.95, BAD_SENSOR_FAILURE, moment + timedelta(seconds=1))
        wait_for(lambda: gateway.metrics.readings_published >= 8, 15, "polled changes")
        connection = next(iter(gateway.metrics.connections.values()))
        assert connection.acquisition == "polling"
    # THEN the latest value is read with its timestamp and status, unchanged tags are not repeated
    readings = list(readings_of(read_batches(tmp_path / "state" / "queue.db")))
    tag = _tag_id(config, node)
    assert (tag, micros(moment), 0.31, 0) in readings
    bad = [r for r in readings if r[:2] == (tag, micros(moment + timedelta(seconds=1)))]
    assert [r[3] for r in bad] == [BAD_SENSOR_FAILURE]
    assert len({(r[0], r[1]) for r in readings}) == len(readings)


def test_sign_and_encrypt_with_generated_certificates(tmp_path):
    # GIVEN an RTU that offers only Basic256Sha256 endpoints, and a client certificate
    pki = tmp_path / "pki"
    layout = FieldLayout(1, 2, 1, base_port=free_port())
    client = make_pair(pki, "gateway-client", CLIENT_URI)
    secure = {
        "security_mode": "SignAndEncrypt",
        "security_policy": "Basic256Sha256",
        "client_certificate_pem": client.certificate_pem(),
        "client_private_key_pem": client.private_key_pem(),
        "server_certificate_pem": None,
    }
    with ThreadedRtu(layout, certificates=pki, secure_only=True, rate_hz=5.0) as rtu:
        secure["server_certificate_pem"] = (pki / "rtu0.cert.pem").read_text()
        config = gateway_config(layout, TENANT, GATEWAY, batch=QUICK_BATCHES, connection=secure)
        rtu.start_ticking()
        # WHEN the gateway connects with SignAndEncrypt
        with _gateway(tmp_path, config) as gateway:
            wait_for(lambda: gateway.metrics.readings_published >= 10, 20, "secure readings")
            assert next(iter(gateway.metrics.connections.values())).state == "connected"
    # THEN readings were delivered
    assert sum(len(b.readings) for b in read_batches(tmp_path / "state" / "queue.db")) >= 10


def test_a_session_that_delivers_nothing_is_rebuilt(rtu, tmp_path):
    # GIVEN an RTU whose values never change after the initial ones
    config = gateway_config(rtu.layout, TENANT, GATEWAY, batch=QUICK_BATCHES, **FAST)
    # WHEN no value arrives for longer than no_data_timeout_s
    with _gateway(tmp_path, config, no_data_timeout_s=1.0) as gateway:
        wait_for(lambda: bool(gateway.metrics.connections), 10, "the connection")
        connection = next(iter(gateway.metrics.connections.values()))
        # THEN the session is dropped and a new one subscribes again (initial values anew)
        wait_for(lambda: connection.sessions >= 2 and connection.reconnects >= 1, 15, "rebuild")
        wait_for(lambda: gateway.metrics.readings_duplicate >= 6, 15, "values of session 2")
        wait_for(lambda: gateway.metrics.readings_published >= 6, 15, "first values published")
        # the repeated initial values are recognised as the same readings and not sent twice
        assert gateway.metrics.readings_received == 6
    assert len(list(readings_of(read_batches(tmp_path / "state" / "queue.db")))) == 6


def test_metrics_and_health_are_served_over_http(rtu, tmp_path):
    config = gateway_config(rtu.layout, TENANT, GATEWAY, batch=QUICK_BATCHES, **FAST)
    with _gateway(tmp_path, config) as gateway:
        wait_for(lambda: gateway.metrics.readings_published >= 6, 15, "initial values")
        base = f"http://127.0.0.1:{gateway.service.ops.port}"
        metrics = httpx.get(f"{base}/metrics", timeout=5)
        health = httpx.get(f"{base}/healthz", timeout=5)
        missing = httpx.get(f"{base}/nope", timeout=5)
    assert metrics.status_code == 200 and metrics.headers["content-type"].startswith("text/plain")
    assert "wellos_gateway_readings_published_total" in metrics.text
    assert 'state="connected"} 1' in metrics.text
    assert health.status_code == 200 and health.json()["connections"] == {"rtu0": "connected"}
    assert missing.status_code == 404
