"""The gateway against an OPC-UA server the project did not write: node-opcua (npm,
pinned in tests/emulators.py), 200 variables changing every 100 ms, security None and
SignAndEncrypt (Basic256Sha256, pinned server certificate). Every value, status and
source timestamp received is compared with what the server logged it produced; its
in-memory history serves a gap backfill; an untrusted certificate is named.
Skips with a message where Node.js (or the npm package) is absent.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from edge_gateway.envelope import decode_v2
from functions.local.simulator.certificates import CLIENT_URI, make_pair
from shared.adapters.local.sqlite_queue import SqliteQueue
from shared.core.scada.model.gateway_config import BatchSettings, GatewayConfig
from tests.emulators import ensure_node_opcua
from tests.integration.gateway_history_support import Proxy
from tests.integration.test_gateway_support import (
    GATEWAY,
    SECRET,
    TENANT,
    RunningGateway,
    free_port,
    read_batches,
    settings_for,
    wait_for,
    write_config,
)

VARIABLES = 200
INTERVAL_MS = 100
SAMPLING_MS = 20
"""node-opcua coalesces changes within the (revised, >= 50 ms) sampling interval."""
SERVER_URI = "urn:wellos:interop:node-opcua"
SCRIPT = Path(__file__).resolve().parents[1] / "interop" / "node_opcua_server.js"
BAD_SENSOR_FAILURE = 0x808C0000
# V001..V004: Int32, Boolean, String, UInt16 (see the server script); the rest Double
TYPE_IDS = {1: 6, 2: 1, 3: 12, 4: 5}


class NodeServer:
    def __init__(self, work: Path, modules: Path) -> None:
        self.work = work
        self.port = free_port()
        self.log = work / "produced.jsonl"
        self.pair = make_pair(work / "certs", "server", SERVER_URI)
        self.trusted = make_pair(work / "certs", "gateway", CLIENT_URI)
        self.stranger = make_pair(work / "certs", "stranger", CLIENT_URI)
        certs = work / "pki" / "trusted" / "certs"
        certs.mkdir(parents=True)
        der = x509.load_pem_x509_certificate(self.trusted.certificate.read_bytes()).public_bytes(
            serialization.Encoding.DER
        )
        (certs / "gateway.der").write_bytes(der)
        command = ["node", str(SCRIPT), str(self.port), str(VARIABLES), str(INTERVAL_MS),
                   str(self.log), str(work / "pki"), str(self.pair.certificate),
                   str(self.pair.private_key), SERVER_URI]  # fmt: skip
        env = {**os.environ, "NODE_PATH": str(modules)}
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE,
                                        stderr=(work / "node.log").open("wb"), env=env)  # fmt: skip
        self._wait_ready(120)

    def _wait_ready(self, timeout_s: float) -> None:
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.5)
            if ready:
                line = self.process.stdout.readline()
                if line.startswith(b"READY"):
                    return
                if not line and self.process.poll() is not None:
                    raise RuntimeError((self.work / "node.log").read_text()[-2000:])
        raise TimeoutError("node-opcua server not ready")

    @property
    def endpoint(self) -> str:
        return f"opc.tcp://127.0.0.1:{self.port}/wellos/node"

    def produced(self) -> dict[int, list[tuple[int, Any, int]]]:
        """Per tag id: (source µs, value, status) the server logged, in time order."""
        found: dict[int, list[tuple[int, Any, int]]] = defaultdict(list)
        for line in self.log.read_text().splitlines():
            if line.strip():
                entry = json.loads(line)
                found[int(entry["n"][1:])].append((entry["t"] * 1000, entry["v"], entry["q"]))
        return found

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture(scope="module")
def node_server(tmp_path_factory):
    modules = ensure_node_opcua()
    if modules is None:
        pytest.skip("Node.js or the node-opcua npm package not available: interop test skipped")
    server = NodeServer(tmp_path_factory.mktemp("node-opcua"), modules)
    yield server
    server.stop()


def _config(endpoint: str, **connection: Any) -> GatewayConfig:
    tags = [{"tag_id": i, "node_id": f"ns=1;s=V{i:03d}", "well_id": uuid.uuid5(GATEWAY, "w"),
             "tag_name": f"v{i:03d}", "sampling_interval_ms": SAMPLING_MS}
            for i in range(1, VARIABLES + 1)]  # fmt: skip
    return GatewayConfig.model_validate(
        {"tenant_id": TENANT, "gateway_id": GATEWAY, "revision": 1,
         "batch": BatchSettings(max_age_s=0.2),
         "connections": [{"connection_id": uuid.uuid5(GATEWAY, "node"), "name": "node",
                          "endpoint_url": endpoint, "publishing_interval_ms": INTERVAL_MS,
                          "tags": tags, **connection}]}
    )  # fmt: skip


def _secure(server: NodeServer, pair: Any) -> dict[str, Any]:
    return {
        "security_mode": "SignAndEncrypt", "security_policy": "Basic256Sha256",
        "client_certificate_pem": pair.certificate_pem(),
        "client_private_key_pem": pair.private_key_pem(),
        "server_certificate_pem": server.pair.certificate_pem(),
    }  # fmt: skip


def _run(tmp_path: Path, config: GatewayConfig, seconds: float, **settings: Any) -> Any:
    state = settings_for(tmp_path / "state", write_config(tmp_path / "g.json", config), **settings)
    with RunningGateway(state, SqliteQueue(state.queue_path)) as gateway:
        wait_for(lambda: gateway.metrics.readings_received >= VARIABLES, 60, "initial values")
        time.sleep(seconds)
        connection = next(iter(gateway.metrics.connections.values()))
        snapshot = {"state": connection.state, "reconnects": connection.reconnects}
    return snapshot, state.queue_path


def _v1_value(tag: int, value: Any) -> float | None:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    return None if isinstance(value, str) else float(value)


def _compare(produced: dict, received: dict) -> tuple[int, int]:
    """(values compared, duplicates); asserts every value in each tag's window matches."""
    compared = duplicates = 0
    for tag, readings in received.items():
        readings.sort()
        times = [t for t, _, _ in readings]
        duplicates += len(times) - len(set(times))
        truth = [p for p in produced[tag] if times[0] <= p[0] <= times[-1]]
        assert readings == truth, f"tag {tag}: {readings[:3]} != {truth[:3]}"
        compared += len(readings)
    assert len(received) == VARIABLES
    return compared, duplicates


def test_node_opcua_values_statuses_and_timestamps_arrive_bit_exact(node_server, tmp_path):
    # GIVEN the gateway on security None, sending envelope version 1 (floats)
    connection, queue = _run(tmp_path, _config(node_server.endpoint), 4.0)
    # THEN every value the server produced while subscribed arrived once, exactly
    produced = {
        tag: [(t, _v1_value(tag, v), q) for t, v, q in values]
        for tag, values in node_server.produced().items()
    }
    received: dict[int, list] = defaultdict(list)
    first_logged = min(p[0][0] for p in produced.values())
    for batch in read_batches(queue):
        for r in batch.readings:
            if r.source_ts_us >= first_logged:
                received[r.tag_id].append((r.source_ts_us, r.value, r.status))
    compared, duplicates = _compare(produced, received)
    bad = sum(1 for values in received.values() for _, _, q in values if q == BAD_SENSOR_FAILURE)
    print(f"interop none: values={compared} duplicates={duplicates} bad_status={bad} {connection}")
    assert duplicates == 0 and compared >= VARIABLES * 30 and bad > 0
    assert connection["state"] == "connected"


def test_node_opcua_sign_and_encrypt_with_typed_values(node_server, tmp_path):
    # GIVEN SignAndEncrypt with the pinned server certificate, envelope version 2
    config = _config(node_server.endpoint, **_secure(node_server, node_server.trusted))
    connection, queue = _run(tmp_path, config, 4.0, envelope_version=2)
    # THEN integers, booleans and strings keep their type, doubles their bits
    produced = node_server.produced()
    first_logged = min(p[0][0] for p in produced.values())
    received: dict[int, list] = defaultdict(list)
    inbox = SqliteQueue(queue)
    while messages := inbox.receive("ingest", 500, 300):
        for message in messages:
            for tag, t, _, vt, value, q, _ in decode_v2(message.body, SECRET.encode()):
                assert vt == TYPE_IDS.get(tag, 11), (tag, vt)
                if t >= first_logged:
                    received[tag].append((t, value, q))
            inbox.complete("ingest", message)
    compared, duplicates = _compare(produced, received)
    print(f"interop SignAndEncrypt: values={compared} duplicates={duplicates} {connection}")
    assert duplicates == 0 and compared >= VARIABLES * 30
    assert connection["state"] == "connected"


def test_a_gap_is_backfilled_from_node_opcua_history(node_server, tmp_path):
    proxy = Proxy(free_port(), node_server.port)
    proxy.open()
    endpoint = f"opc.tcp://127.0.0.1:{proxy.port}/wellos/node"
    config = _config(endpoint)
    state = settings_for(tmp_path / "state", write_config(tmp_path / "g.json", config))
    try:
        with RunningGateway(state, SqliteQueue(state.queue_path)) as gateway:
            wait_for(lambda: gateway.metrics.readings_received >= VARIABLES * 5, 60, "live")
            connection = next(iter(gateway.metrics.connections.values()))
            # WHEN the link is cut for 2 s
            proxy.cut()
            wait_for(lambda: connection.state != "connected", 15, "the loss")
            time.sleep(2)
            proxy.open()
            # THEN the gap comes back from node-opcua's history, once
            wait_for(lambda: connection.backfilled >= VARIABLES * 15, 60, "backfill")
            wait_for(lambda: connection.backfill_state == "idle", 30, "backfill done")
            time.sleep(1)
    finally:
        proxy.close()
    produced = {
        tag: [(t, _v1_value(tag, v), q) for t, v, q in values]
        for tag, values in node_server.produced().items()
    }
    received: dict[int, list] = defaultdict(list)
    historical = 0
    first_logged = min(p[0][0] for p in produced.values())
    for batch in read_batches(state.queue_path):
        historical += len(batch.readings) if batch.envelope.historical else 0
        for r in batch.readings:
            if r.source_ts_us >= first_logged:
                received[r.tag_id].append((r.source_ts_us, r.value, r.status))
    compared, duplicates = _compare(produced, received)
    print(f"interop backfill: values={compared} backfilled={historical} duplicates={duplicates}")
    assert duplicates == 0 and historical >= VARIABLES * 15


def test_node_opcua_rejecting_the_gateway_certificate_is_named(node_server, tmp_path):
    config = _config(node_server.endpoint, **_secure(node_server, node_server.stranger))
    state = settings_for(tmp_path / "state", write_config(tmp_path / "g.json", config))
    with RunningGateway(state, SqliteQueue(state.queue_path)) as gateway:
        wait_for(lambda: bool(gateway.metrics.connections), 10, "the connection")
        connection = next(iter(gateway.metrics.connections.values()))
        wait_for(lambda: connection.cause != "", 60, "a diagnosis")
        cause = connection.cause
    assert cause == "certificate_rejected", cause
