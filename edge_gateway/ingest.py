"""From acquisition to disk: readings are collected in memory for at most one flush
interval, then written to the SQLite buffer in one transaction.

The in-memory list is bounded (`max_pending`): acquisition awaits `wait_for_room`
when the disk falls behind, which holds back the OPC-UA publish loop, so the
server's own bounded queues fill rather than the gateway's memory.

`marks` holds, per tag, the newest source timestamp accepted; a value that repeats it
exactly (the initial value a new subscription sends for a tag that did not change) is
counted as a duplicate and not stored again. Rows are plain tuples (`buffer.Row`),
appended by whole notification messages: nothing is allocated per change but the row.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from edge_gateway.aio import wait_event
from edge_gateway.buffer import ReadingBuffer, Row
from edge_gateway.metrics import GatewayMetrics
from shared.core.scada.model.contract import Reading

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
        self._pending: list[Row] = []
        self._history: list[Row] = []
        self.marks: dict[int, int] = buffer.marks()
        """Tag id → newest source timestamp (µs) accepted; restored from the buffer."""
        self._wake = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()
        self._closing = False
        self.written = asyncio.Event()
        """Set after each write; the cutter waits on it."""

    def add(self, reading: Reading) -> None:
        """One contract reading (polling); exact repeats of the newest value are dropped."""
        row = (reading.tag_id, reading.source_ts_us, reading.server_ts_us, reading.value,
               reading.status, None, None)  # fmt: skip
        self.add_rows([row])

    def add_rows(self, rows: Sequence[Row]) -> None:
        """Live rows of one notification message, in order."""
        marks = self.marks
        accepted = self._pending
        before = len(accepted)
        for row in rows:
            tag, moment = row[0], row[1]
            last = marks.get(tag)
            if last is None or moment > last:
                marks[tag] = moment
            elif moment == last:
                continue
            accepted.append(row)
        added = len(accepted) - before
        self._metrics.readings_received += added
        self._metrics.readings_duplicate += len(rows) - added
        if len(accepted) >= WRITE_CHUNK:
            self._wake.set()

    def add_history(self, rows: Sequence[Row]) -> None:
        """Rows read back from the server's history (already cut to the gap)."""
        marks = self.marks
        for row in rows:
            if row[1] > marks.get(row[0], -1):
                marks[row[0]] = row[1]
        self._history.extend(rows)
        self._metrics.readings_received += len(rows)
        self._metrics.readings_backfilled += len(rows)
        self._wake.set()

    @property
    def full(self) -> bool:
        return len(self._pending) + len(self._history) >= self._max_pending

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
        if not self._pending and not self._history:
            return
        chunk, self._pending = self._pending, []
        history, self._history = self._history, []
        eviction = await asyncio.to_thread(self._buffer.append_rows, chunk, history)
        self._metrics.readings_buffered += len(chunk) + len(history)
        self._room.set()
        self.written.set()
        if eviction.readings:
            log.warning(
                "buffer over its bound of %s bytes: evicted the oldest %s readings (%s batches)",
                self._buffer.max_bytes,
                eviction.readings,
                eviction.batches,
            )
