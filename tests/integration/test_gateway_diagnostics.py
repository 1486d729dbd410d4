"""Each way a real asyncua server can refuse the gateway is named: in one log line and as
the connection's cause in /metrics (certificate, policy, node id, sessions).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from asyncua import Client, ua
from asyncua.crypto.truststore import TrustStore
from asyncua.crypto.validator import CertificateValidator, CertificateValidatorOptions
from asyncua.server.internal_session import InternalSession
from asyncua.server.server import Server

from functions.local.simulator.certificates import CLIENT_URI, SERVER_URI, make_pair
from shared.adapters.local.sqlite_queue import SqliteQueue
from shared.core.scada.model.gateway_config import GatewayConfig
from tests.integration.test_gateway_support import (
    GATEWAY,
    TENANT,
    LoopThread,
    RunningGateway,
    free_port,
    settings_for,
    wait_for,
    write_config,
)

Setup = Callable[[Server], Any]


class PlainServer:
    """An asyncua Server with one Double variable `ns=2;i=7`, set up by `setup`."""

    def __init__(self, setup: Setup | None = None) -> None:
        self.port = free_port()
        self.endpoint = f"opc.tcp://127.0.0.1:{self.port}/wellos/diag"
        self.thread = LoopThread()
        self.server = Server()
        self.thread.run(self._start(setup))

    async def _start(self, setup: Setup | None) -> None:
        await self.server.init()
        self.server.set_endpoint(self.endpoint)
        if setup is not None:
            await setup(self.server)
        index = await self.server.register_namespace("urn:wellos:diag")
        await self.server.nodes.objects.add_variable(ua.NodeId(7, index), "v", 1.5)
        await self.server.start()

    def close(self) -> None:
        self.thread.run(self.server.stop())
        self.thread.close()


def _config(endpoint: str, node: str = "ns=2;i=7", **connection: Any) -> GatewayConfig:
    return GatewayConfig.model_validate(
        {
            "tenant_id": TENANT, "gateway_id": GATEWAY, "revision": 1,
            "connections": [{
                "connection_id": uuid.uuid5(GATEWAY, "diag"), "name": "diag",
                "endpoint_url": endpoint, "publishing_interval_ms": 100,
                "tags": [{"tag_id": 1, "node_id": node, "well_id": uuid.uuid5(GATEWAY, "w"),
                          "tag_name": "pressure", "sampling_interval_ms": 100}],
                **connection,
            }],
        }
    )  # fmt: skip


def _secure(pki: Path, server_certificate: Path) -> dict[str, Any]:
    client = make_pair(pki, "gateway", CLIENT_URI)
    return {
        "security_mode": "SignAndEncrypt",
        "security_policy": "Basic256Sha256",
        "client_certificate_pem": client.certificate_pem(),
        "client_private_key_pem": client.private_key_pem(),
        "server_certificate_pem": server_certificate.read_text(),
    }


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("edge_gateway"):
            self.lines.append(record.getMessage())


def _diagnose(tmp_path: Path, config: GatewayConfig, cause: str) -> tuple[str, list[str]]:
    """Run a gateway until its connection names `cause`; the metrics page and log lines."""
    recorder = Recorder()
    logging.getLogger().addHandler(recorder)
    settings = settings_for(tmp_path / "state", write_config(tmp_path / "g.json", config))
    try:
        with RunningGateway(settings, SqliteQueue(settings.queue_path)) as gateway:
            wait_for(lambda: bool(gateway.metrics.connections), 10, "the connection")
            connection = next(iter(gateway.metrics.connections.values()))
            wait_for(lambda: connection.cause == cause, 30, f"cause {cause}")
            port = gateway.service.ops.port
            page = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    finally:
        logging.getLogger().removeHandler(recorder)
    return page, recorder.lines


def _cause_line(cause: str) -> str:
    return f'wellos_gateway_connection_cause{{connection="diag",id="{uuid.uuid5(GATEWAY, "diag")}",cause="{cause}"}} 1'  # noqa: E501


def test_a_server_that_does_not_trust_the_gateway_certificate_is_named(tmp_path):
    pki = tmp_path / "pki"
    pair = make_pair(pki, "server", f"{SERVER_URI}0")
    trusted = pki / "trusted"
    trusted.mkdir()
    stranger = make_pair(pki / "elsewhere", "stranger", "urn:someone-else")
    (trusted / "stranger.pem").write_bytes(stranger.certificate.read_bytes())

    async def distrustful(server: Server) -> None:
        await server.load_certificate(str(pair.certificate))
        await server.load_private_key(str(pair.private_key))
        server.set_security_policy([ua.SecurityPolicyType.Basic256Sha256_SignAndEncrypt])
        store = TrustStore([trusted], [])  # trusts someone else only
        await store.load()
        options = CertificateValidatorOptions.TRUSTED | CertificateValidatorOptions.PEER_CLIENT
        server.set_certificate_validator(CertificateValidator(options, store))

    server = PlainServer(distrustful)
    try:
        config = _config(server.endpoint, **_secure(pki, pair.certificate))
        page, lines = _diagnose(tmp_path, config, "certificate_rejected")
    finally:
        server.close()
    assert _cause_line("certificate_rejected") in page
    assert any("certificate_rejected" in line and "trusted" in line for line in lines), lines


def test_a_security_policy_the_server_does_not_offer_is_named(tmp_path):
    pki = tmp_path / "pki"
    pair = make_pair(pki, "server", f"{SERVER_URI}0")

    async def plain_only(server: Server) -> None:
        server.set_security_policy([ua.SecurityPolicyType.NoSecurity])

    server = PlainServer(plain_only)
    try:
        config = _config(server.endpoint, **_secure(pki, pair.certificate))
        page, lines = _diagnose(tmp_path, config, "security_policy_rejected")
    finally:
        server.close()
    assert _cause_line("security_policy_rejected") in page
    assert any("offers None/None, not Basic256Sha256/SignAndEncrypt" in line for line in lines)


def test_an_unknown_node_id_is_named_and_counted(tmp_path):
    server = PlainServer()
    try:
        page, lines = _diagnose(tmp_path, _config(server.endpoint, "ns=2;i=404"), "node_id_unknown")
    finally:
        server.close()
    assert _cause_line("node_id_unknown") in page
    assert (
        'connection_tags_unmonitored{connection="diag"' in page
        and 'cause="node_id_unknown"} 1' in page
    )
    assert any("node ns=2;i=404 does not exist on the server" in line for line in lines), lines


@pytest.fixture
def one_session_only():
    # asyncua counts sessions per process (servers of earlier tests may still hold some):
    # one more session than are open now
    before = InternalSession.max_connections
    InternalSession.max_connections = InternalSession._current_connections + 1
    yield
    InternalSession.max_connections = before


def test_a_server_out_of_sessions_is_named(tmp_path, one_session_only):
    server = PlainServer()
    other = LoopThread()
    client = Client(server.endpoint)
    try:
        other.run(client.connect())  # takes the only session
        page, lines = _diagnose(tmp_path, _config(server.endpoint), "too_many_sessions")
        other.run(client.disconnect())
    finally:
        other.close()
        server.close()
    assert _cause_line("too_many_sessions") in page
    assert any("BadMaxConnectionsReached" in line and "session limit" in line for line in lines)
