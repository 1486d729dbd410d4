"""Helpers for the gateway tests (no tests here): a threaded in-process RTU, a gateway
running on its own thread, a queue that can be cut, and readers of the SQLite queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from asyncua import ua

from edge_gateway.config_source import ConfigSource, FileConfigSource
from edge_gateway.service import GatewayService
from edge_gateway.settings import GatewaySettings
from functions.local.simulator.catalog import FieldLayout, config_json
from functions.local.simulator.server import RtuOptions, RtuServer
from shared.adapters.local.sqlite_queue import SqliteQueue
from shared.core.common.errors import QueueError
from shared.core.ports.queue import OutgoingMessage, Queue
from shared.core.scada.model.contract import DecodedBatch, parse_envelope, verify_and_decode
from shared.core.scada.model.gateway_config import GatewayConfig

SECRET = "test-gateway-secret"
TENANT = uuid.UUID("00000000-0000-4000-8000-00000000a001")
GATEWAY = uuid.UUID("00000000-0000-4000-8000-00000000b001")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(predicate: Callable[[], bool], timeout: float, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class LoopThread:
    """An asyncio loop on a daemon thread; `run` executes a coroutine there."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, Any], timeout: float = 60) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


class ThreadedRtu:
    """A real asyncua Server (the simulator's RTU) in this process, on its own loop."""

    def __init__(self, layout: FieldLayout, **options: Any) -> None:
        self.layout = layout
        self.rtu = RtuServer(RtuOptions(layout, bad_rate=0.0, **options))
        self._thread = LoopThread()
        self._ticking: asyncio.Future[Any] | None = None

    def __enter__(self) -> ThreadedRtu:
        self._thread.run(self.rtu.start())
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_ticking()
        self._thread.run(self.rtu.stop())
        self._thread.close()

    @property
    def endpoint(self) -> str:
        return self.rtu.endpoint

    def write(
        self, node: str, value: float, status: int = 0, source: datetime | None = None
    ) -> None:
        data = ua.DataValue(
            ua.Variant(value, ua.VariantType.Double),
            ua.StatusCode(status),
            source or datetime.now(UTC),
            datetime.now(UTC),
        )
        self._thread.run(self.rtu.server.write_attribute_value(ua.NodeId.from_string(node), data))

    def start_ticking(self) -> None:
        self._ticking = asyncio.run_coroutine_threadsafe(self.rtu.run(), self._thread.loop)

    def stop_ticking(self) -> None:
        if self._ticking is not None:
            self._ticking.cancel()
            self._ticking = None


class CuttableQueue:
    """Our Queue port around a real adapter; while `down`, send raises QueueError."""

    def __init__(self, inner: SqliteQueue) -> None:
        self.inner = inner
        self.down = threading.Event()
        self.refused = 0

    @property
    def max_message_bytes(self) -> int:
        return self.inner.max_message_bytes

    def send(self, queue: str, messages: Sequence[OutgoingMessage]) -> None:
        if self.down.is_set():
            self.refused += 1
            raise QueueError("queue unavailable (cut by the test)")
        self.inner.send(queue, messages)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def write_config(path: Path, config: GatewayConfig) -> Path:
    path.write_text(config_json(config))
    return path


def settings_for(state: Path, config_file: Path, **overrides: Any) -> GatewaySettings:
    values: dict[str, Any] = {
        "config_file": config_file,
        "state_dir": state,
        "secret": SECRET,
        "http_port": 0,
        "flush_interval_s": 0.05,
        "config_poll_s": 0.5,
        "publish_retry_max_s": 0.4,
        "reconnect_initial_s": 0.2,
        "reconnect_max_s": 1.0,
        "watchdog_interval_s": 0.5,
        "opc_timeout_s": 2.0,
        "shutdown_grace_s": 5.0,
        **overrides,
    }
    return GatewaySettings(**values)


class RunningGateway:
    """GatewayService on its own thread and loop; `stop()` is the graceful SIGTERM path."""

    def __init__(
        self, settings: GatewaySettings, queue: Queue, source: ConfigSource | None = None
    ) -> None:
        self.settings = settings
        self._queue = queue
        self._source = source or FileConfigSource(settings.config_file or Path("missing"))
        self._thread = LoopThread()
        self.service: GatewayService = self._thread.run(self._build())
        self._task: asyncio.Future[Any] | None = None

    async def _build(self) -> GatewayService:
        return GatewayService(self.settings, self._queue, self._source)

    def __enter__(self) -> RunningGateway:
        self._task = asyncio.run_coroutine_threadsafe(self.service.run(), self._thread.loop)
        wait_for(lambda: self.service.ready.is_set() or self._task.done(), 30, "gateway ready")
        if self._task.done():
            self._task.result()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self._task is not None:
            self._thread.loop.call_soon_threadsafe(self.service.stop)
            try:
                self._task.result(30)
            except TimeoutError:
                for task in asyncio.all_tasks(self._thread.loop):
                    task.print_stack(file=sys.stderr)
                raise
            self._task = None
            self._thread.close()

    @property
    def metrics(self) -> Any:
        return self.service.metrics


def read_batches(queue_path: Path, secret: str = SECRET) -> list[DecodedBatch]:
    """Every message on the SQLite queue, in queue order, verified and decoded (consumed)."""
    queue = SqliteQueue(queue_path)
    found: list[DecodedBatch] = []
    with contextlib.closing(_Closer(queue)):
        while messages := queue.receive("ingest", 500, 300):
            for message in messages:
                found.append(verify_and_decode(parse_envelope(message.body), secret.encode()))
                queue.complete("ingest", message)
    return found


class _Closer:
    def __init__(self, queue: SqliteQueue) -> None:
        self._queue = queue

    def close(self) -> None:
        self._queue.close()


def readings_of(batches: Sequence[DecodedBatch]) -> Iterator[tuple[int, int, float | None, int]]:
    for batch in batches:
        for reading in batch.readings:
            yield reading.tag_id, reading.source_ts_us, reading.value, reading.status
