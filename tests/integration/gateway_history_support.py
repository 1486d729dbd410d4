"""Helpers for the backfill tests (no tests here): an asyncua server that historizes its
tags into a SQLite file (so history survives a restart), ticking on a 10 Hz grid, and a
TCP proxy in front of it that can cut the link (connections reset, port closed).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from asyncua import ua
from asyncua.server.history_sql import HistorySQLite
from asyncua.server.server import Server

from edge_gateway.opc.convert import micros
from shared.core.scada.model.gateway_config import BatchSettings, GatewayConfig
from tests.integration.test_gateway_support import GATEWAY, TENANT, LoopThread

NAMESPACE = "urn:wellos:test-historian"


def node_of(index: int) -> str:
    return f"ns=2;i={1000 + index}"  # HistorySQLite names tables after the id: no strings


class Historian:
    """An asyncua Server with `tags` historized Double variables, on its own loop thread.

    Every tick (1/rate s, on a grid) each variable gets a new unique value. `stop` and
    `start` again keep the history file: what was produced before a restart can still
    be read back.
    """

    def __init__(self, port: int, tags: int, history: Path, rate_hz: float = 10.0) -> None:
        self.port = port
        self.tags = tags
        self.history = history
        self.rate_hz = rate_hz
        self.thread = LoopThread()
        self.server: Server | None = None
        self._nodes: list[ua.NodeId] = []
        self._ticking: Any = None
        self.tick = 0

    @property
    def endpoint(self) -> str:
        return f"opc.tcp://127.0.0.1:{self.port}/wellos/historian"

    def start(self) -> None:
        self.thread.run(self._start())

    async def _start(self) -> None:
        server = Server()
        server.iserver.history_manager.set_storage(HistorySQLite(str(self.history)))
        await server.init()
        server.set_endpoint(self.endpoint)
        server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
        index = await server.register_namespace(NAMESPACE)
        folder = await server.nodes.objects.add_object(ua.NodeId("Hist", index), "Hist")
        variables = []
        for tag in range(1, self.tags + 1):
            node = ua.NodeId.from_string(node_of(tag))
            variables.append(await folder.add_variable(node, f"tag{tag:02d}", 0.0))
        self._nodes = [v.nodeid for v in variables]
        await server.start()
        await server.historize_node_data_change(variables, period=None)
        self.server = server

    def start_ticking(self) -> None:
        self._ticking = asyncio.run_coroutine_threadsafe(self._run(), self.thread.loop)

    def stop_ticking(self) -> None:
        if self._ticking is not None:
            self._ticking.cancel()
            self._ticking = None
            time.sleep(0.2)

    async def _run(self) -> None:
        period = 1 / self.rate_hz
        # off the whole second: asyncua's HistorySQLite cannot read back a timestamp
        # without a fraction ("12:00:02+00:00" breaks sqlite3's converter)
        first = math.ceil(time.time() / period) * period + period / 2
        step = 0
        while True:
            moment = first + step * period
            await asyncio.sleep(max(0.0, moment - time.time()))
            await self._write(moment)
            step += 1

    async def _write(self, moment: float) -> None:
        if self.server is None:
            return
        self.tick += 1
        source = datetime.fromtimestamp(moment, UTC)
        for index, node in enumerate(self._nodes):
            value = ua.Variant(self.tick * 100.0 + index, ua.VariantType.Double)
            data = ua.DataValue(value, ua.StatusCode(0), source, datetime.now(UTC))
            await self.server.write_attribute_value(node, data)

    def stop(self) -> None:
        """Stop the server (the history file stays)."""
        self.thread.run(self._stop())

    async def _stop(self) -> None:
        if self.server is not None:
            server, self.server = self.server, None
            await server.stop()

    def close(self) -> None:
        self.stop_ticking()
        self.stop()
        self.thread.close()

    def produced(self) -> dict[str, list[tuple[int, float]]]:
        """Everything in the history file, per node: (source µs, value) in time order."""
        return self.thread.run(self._produced())

    async def _produced(self) -> dict[str, list[tuple[int, float]]]:
        storage = HistorySQLite(str(self.history))
        await storage.init()
        found = {}
        try:
            for tag in range(1, self.tags + 1):
                node = ua.NodeId.from_string(node_of(tag))
                values, _ = await storage.read_node_history(
                    node, datetime(2000, 1, 1, tzinfo=UTC), datetime.now(UTC), 0
                )
                found[node_of(tag)] = sorted(
                    (micros(v.SourceTimestamp), v.Value.Value) for v in values
                )
        finally:
            await storage.stop()
        return found


class Proxy:
    """A TCP proxy on its own loop: `cut` resets every connection and closes the port."""

    def __init__(self, port: int, backend_port: int) -> None:
        self.port = port
        self.backend_port = backend_port
        self.thread = LoopThread()
        self._server: asyncio.Server | None = None
        self._transports: set[asyncio.BaseTransport] = set()

    def open(self) -> None:
        self.thread.run(self._open())

    async def _open(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            back_reader, back_writer = await asyncio.open_connection("127.0.0.1", self.backend_port)
        except OSError:
            writer.transport.abort()
            return
        self._transports |= {writer.transport, back_writer.transport}
        await asyncio.gather(_pipe(reader, back_writer), _pipe(back_reader, writer))

    def cut(self) -> None:
        self.thread.run(self._cut())

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for transport in self._transports:
            transport.abort()
        self._transports.clear()

    def close(self) -> None:
        self.cut()
        self.thread.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, asyncio.IncompleteReadError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.transport.abort()


def historian_config(endpoint: str, tags: int, name: str = "hist") -> GatewayConfig:
    return GatewayConfig.model_validate(
        {
            "tenant_id": TENANT,
            "gateway_id": GATEWAY,
            "revision": 1,
            "batch": BatchSettings(max_age_s=0.2),
            "connections": [
                {
                    "connection_id": uuid.uuid5(GATEWAY, name),
                    "name": name,
                    "endpoint_url": endpoint,
                    "publishing_interval_ms": 100,
                    "tags": [
                        {
                            "tag_id": tag,
                            "node_id": node_of(tag),
                            "well_id": uuid.uuid5(GATEWAY, f"well{tag}"),
                            "tag_name": f"tag{tag:02d}",
                            "sampling_interval_ms": 100,
                        }
                        for tag in range(1, tags + 1)
                    ],
                }
            ],
        }
    )
