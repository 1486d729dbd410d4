"""The gateway process: config, acquisition, disk buffer, cutter, publisher, ops endpoint.

    OPC-UA sessions ──► ReadingSink ──► ReadingBuffer (SQLite WAL) ──► BatchCutter
                                                                        │
                                          Queue port ◄── Publisher ◄────┘

Shutdown (SIGTERM/SIGINT → `stop()`) stops acquisition, writes what is in memory,
cuts the rest into batches and publishes for up to `shutdown_grace_s`; whatever
is left stays on disk for the next start.
"""

from __future__ import annotations

import asyncio
import json
import logging

from edge_gateway.aio import wait_event
from edge_gateway.batching import BatchCutter, BatchLimits, Identity, limits_for
from edge_gateway.buffer import ReadingBuffer
from edge_gateway.config_source import ConfigSource, LoadedConfig
from edge_gateway.errors import ConfigError, ConfigFileError, ConfigUnavailableError
from edge_gateway.http import OpsServer
from edge_gateway.ingest import ReadingSink
from edge_gateway.metrics import BufferView, GatewayMetrics, render
from edge_gateway.opc.backfill import BackfillOptions
from edge_gateway.opc.client import ClientOptions
from edge_gateway.opc.session import AcquisitionOptions, ConnectionRunner
from edge_gateway.publishers import body_budget
from edge_gateway.publishing import Backoff, Publisher
from edge_gateway.settings import GatewaySettings
from shared.core.ports.queue import Queue
from shared.core.scada.model.gateway_config import ConnectionConfig, GatewayConfig

log = logging.getLogger(__name__)


class GatewayService:
    def __init__(self, settings: GatewaySettings, queue: Queue, source: ConfigSource) -> None:
        self.settings = settings
        self._source = source
        self._secret = settings.secret_bytes()
        self._budget = body_budget(queue, settings.queue_backend)
        self.metrics = GatewayMetrics()
        self.buffer = ReadingBuffer(
            settings.buffer_path, settings.max_buffer_bytes, settings.sqlite_synchronous
        )
        self.sink = ReadingSink(
            self.buffer, self.metrics, settings.flush_interval_s, settings.max_pending_readings
        )
        self._config: GatewayConfig | None = None
        self.cutter = BatchCutter(self.buffer, self._identity, self._limits, self._historical)
        self.publisher = Publisher(
            self.buffer,
            queue,
            lambda: self.config.queue,
            lambda: str(self.config.gateway_id),
            self.cutter,
            self.metrics,
            settings.publish_retry_max_s,
        )
        self._stopping = asyncio.Event()
        self.ready = asyncio.Event()
        self.ops: OpsServer | None = None

    @property
    def config(self) -> GatewayConfig:
        if self._config is None:
            raise ConfigError("no configuration loaded yet")
        return self._config

    def _identity(self) -> Identity:
        return Identity(
            self.config.tenant_id, self.config.gateway_id, self._secret,
            self.settings.envelope_version,
        )  # fmt: skip

    def _limits(self) -> BatchLimits:
        return limits_for(self.config.batch, self._budget)

    def _historical(self) -> bool:
        return self.publisher.degraded

    def stop(self) -> None:
        self._stopping.set()

    def _apply(self, loaded: LoadedConfig) -> None:
        config = loaded.config
        expected = self.settings.gateway_id
        if expected is not None and config.gateway_id != expected:
            raise ConfigFileError("config", "gateway_id", f"is not this gateway's id ({expected})")
        self._config = config
        self.metrics.config_revision = config.revision
        self.metrics.config_from_cache = loaded.from_cache

    async def _first_config(self) -> LoadedConfig:
        """The config to start with; an unreachable API without cache is retried (the
        box may boot before its network), a bad file or document is not."""
        backoff = Backoff(1.0, 60.0)
        while True:
            try:
                return await self._source.load()
            except ConfigUnavailableError as exc:
                delay = backoff.next()
                log.error("no configuration yet (%s); retrying in %.0f s", exc, delay)
            if await wait_event(self._stopping, delay):
                raise ConfigUnavailableError("stopped before a configuration was loaded")

    async def run(self) -> None:
        self._apply(await self._first_config())
        await self._start_ops()
        log.info(
            "gateway %s running config revision %s: %s connections, %s batches waiting on disk",
            self.config.gateway_id,
            self.config.revision,
            len(self.config.connections),
            self.buffer.batch_count,
        )
        try:
            async with asyncio.TaskGroup() as group:
                writer = group.create_task(self.sink.run())
                cutter = group.create_task(self._cut_loop())
                publisher = group.create_task(self.publisher.run())
                acquisition = group.create_task(self._acquire_loop())
                self.ready.set()
                await self._stopping.wait()
                await self._drain(acquisition, writer, cutter, publisher)
        finally:
            if self.ops is not None:
                await self.ops.stop()
            self.buffer.close()

    async def _drain(self, *tasks: asyncio.Task[None]) -> None:
        acquisition, writer, cutter, publisher = tasks
        log.info("stopping: closing OPC-UA sessions, flushing the buffer")
        await _cancel(acquisition)
        self.sink.close()
        await writer
        await _cancel(cutter)
        self.metrics.batches_cut += len(await asyncio.to_thread(self.cutter.cut_ready, True))
        try:
            async with asyncio.timeout(self.settings.shutdown_grace_s):
                await self._published_all()
        except TimeoutError:
            log.warning(
                "stopping with %s batches unsent; they stay on disk", self.buffer.batch_count
            )
        await _cancel(publisher)

    async def _published_all(self) -> None:
        while self.buffer.batch_count:
            self.publisher.wake.set()
            await asyncio.sleep(0.05)

    async def _cut_loop(self) -> None:
        while True:
            tick = min(0.5, self._limits().max_age_s / 4)
            await wait_event(self.sink.written, tick)
            self.sink.written.clear()
            batches = await asyncio.to_thread(self.cutter.cut_ready)
            if batches:
                self.metrics.batches_cut += len(batches)
                self.publisher.wake.set()

    async def _acquire_loop(self) -> None:
        while True:
            self.metrics.connections.clear()
            runners = [
                ConnectionRunner(
                    connection, self.sink, self.metrics, self._acquisition_options(connection)
                )
                for connection in self.config.connections
            ]
            connections = asyncio.create_task(_run_all(runners))
            try:
                await self._config_changed()
            finally:
                for runner in runners:
                    runner.stop()
                await _cancel(connections)

    def _acquisition_options(self, connection: ConnectionConfig) -> AcquisitionOptions:
        s = self.settings
        tuning = s.tuning(connection.name, str(connection.connection_id))
        # the site's override (WELLOS_GATEWAY_CONNECTIONS), else the connection's config,
        # else the gateway's default
        enabled = next(
            v for v in (tuning.backfill, connection.backfill, s.backfill) if v is not None
        )
        backfill = BackfillOptions(
            enabled, tuning.backfill_max_s or connection.backfill_max_s or s.backfill_max_s
        )
        client = ClientOptions(s.opc_timeout_s, s.watchdog_interval_s)
        return AcquisitionOptions(
            client, s.reconnect_initial_s, s.reconnect_max_s, s.no_data_timeout_s,
            s.reconnect_max_local_s, s.probe_interval_s, backfill, tuning.local,
        )  # fmt: skip

    async def _config_changed(self) -> None:
        """Poll the config source; return once a new revision is applied."""
        while True:
            await asyncio.sleep(self.settings.config_poll_s)
            try:
                loaded = await self._source.load()
            except ConfigError as exc:
                log.error(
                    "config reload failed, keeping revision %s: %s", self.config.revision, exc
                )
                continue
            self.metrics.config_from_cache = loaded.from_cache
            if loaded.config.revision != self.config.revision:
                log.info("config revision %s -> %s", self.config.revision, loaded.config.revision)
                self._apply(loaded)
                return

    # --- ops endpoint ------------------------------------------------------

    async def _start_ops(self) -> None:
        if not self.settings.http_enabled:
            return
        routes = {"/metrics": self._metrics_page, "/healthz": self._health_page}
        self.ops = OpsServer(routes, self.settings.http_host, self.settings.http_port)
        await self.ops.start()

    def buffer_view(self) -> BufferView:
        b = self.buffer
        return BufferView(
            b.pending_readings, b.batch_count, b.batched_readings, b.size_bytes, b.max_bytes,
            b.counters.evicted_readings, b.counters.evicted_batches,
        )  # fmt: skip

    def _metrics_page(self) -> tuple[int, str, str]:
        return 200, "text/plain; version=0.0.4", render(self.metrics, self.buffer_view())

    def _health_page(self) -> tuple[int, str, str]:
        states = {c.name: c.state for c in self.metrics.connections.values()}
        healthy = all(state == "connected" for state in states.values())
        body = {
            "status": "ok" if healthy and not self.publisher.degraded else "degraded",
            "config_revision": self.metrics.config_revision,
            "config_from_cache": self.metrics.config_from_cache,
            "connections": states,
            "batches_waiting": self.buffer.batch_count,
        }
        return (503 if self._stopping.is_set() else 200), "application/json", json.dumps(body)


async def _run_all(runners: list[ConnectionRunner]) -> None:
    async with asyncio.TaskGroup() as group:
        for runner in runners:
            group.create_task(runner.run())


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
