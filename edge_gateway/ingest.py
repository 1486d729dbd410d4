"""From acquisition to disk: readings are collected in memory for at most one flush
interval, then written to the SQLite buffer in one transaction.

The in-memory list is bounded (`max_pending`): acquisition awaits `wait_for_room`
when the disk falls behind, which in turn fills the OPC-UA client's own bounded
queue, whose overflow forces a reconnect rather than a silent drop.
"""

from __future__ import annotations

import asyncio
import logging

from edge_gateway.aio import wait_event
from edge_gateway.buffer import ReadingBuffer
from edge_gateway.metrics import GatewayMetrics
from shared.core.ingest.contract import Reading

log = logging.getLogger(__name__)

WRITE_CHUNK = 20_000


class ReadingSink:
    def __init__(
        self,
        buffer: ReadingBuffer,
        metrics: GatewayMetrics,
        flush_interval_s: float = 0.1,
        max_pending: int = 200_000,
    ) -> None:
        self._buffer = buffer
        self._metrics = metrics
        self._interval = flush_interval_s
        self._max_pending = max_pending
        self._pending: list[Reading] = []
        self._wake = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()
        self._closing = False
        self.written = asyncio.Event()
        """Set after each write; the cutter waits on it."""

    def add(self, reading: Reading) -> None:
        self._pending.append(reading)
        self._metrics.readings_received += 1
        if len(self._pending) >= WRITE_CHUNK:
            self._wake.set()

    @property
    def full(self) -> bool:
        return len(self._pending) >= self._max_pending

    async def wait_for_room(self) -> None:
        while self.full:
            self._room.clear()
            self._wake.set()
            await self._room.wait()

    async def run(self) -> None:
        """Write every flush interval (or sooner when a chunk is full) until closed."""
        while not self._closing:
            await wait_event(self._wake, self._interval)
            self._wake.clear()
            await self.flush()
        await self.flush()

    def close(self) -> None:
        """Let `run` write what it holds and return (acquisition has stopped)."""
        self._closing = True
        self._wake.set()

    async def flush(self) -> None:
        """Write everything collected so far, in one transaction."""
        if not self._pending:
            return
        chunk, self._pending = self._pending, []
        eviction = await asyncio.to_thread(self._buffer.append, chunk)
        self._metrics.readings_buffered += len(chunk)
        self._room.set()
        self.written.set()
        if eviction.readings:
            log.warning(
                "buffer over its bound of %s bytes: evicted the oldest %s readings (%s batches)",
                self._buffer.max_bytes,
                eviction.readings,
                eviction.batches,
            )
