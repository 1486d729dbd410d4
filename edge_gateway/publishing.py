"""Sending batches from the buffer through the Queue port, oldest first.

A batch leaves the buffer only after `Queue.send` returned (the acknowledgement).
A failed send is retried with exponential backoff, the same batch id and body
each time; the drain deduplicates by batch id. While batches wait after a
failure the publisher is `degraded`, and batches cut meanwhile are flagged
historical; the backlog then replays at full speed, in order.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from edge_gateway.aio import wait_event
from edge_gateway.batching import BatchCutter
from edge_gateway.buffer import ReadingBuffer, StoredBatch
from edge_gateway.metrics import GatewayMetrics
from shared.core.common.errors import InfrastructureError, MessageTooLargeError
from shared.core.ports.queue import OutgoingMessage, Queue

log = logging.getLogger(__name__)

SEND_CHUNK = 10
"""Batches per `send` call (SQS's batch limit; Service Bus packs them by size)."""


class Backoff:
    """Exponential delays: initial, doubled up to `maximum`; `reset` after success."""

    def __init__(self, initial: float, maximum: float) -> None:
        self.initial = initial
        self.maximum = maximum
        self._next = initial

    def next(self) -> float:
        delay = self._next
        self._next = min(self._next * 2, self.maximum)
        return delay

    def reset(self) -> None:
        self._next = self.initial


def message_for(batch: StoredBatch, gateway_id: str) -> OutgoingMessage:
    properties = {
        "type": "reading-batch",
        "gateway_id": gateway_id,
        "sequence": str(batch.sequence),
    }
    return OutgoingMessage(batch.body, str(batch.batch_id), properties)


class Publisher:
    def __init__(
        self,
        buffer: ReadingBuffer,
        queue: Queue,
        queue_name: Callable[[], str],
        gateway_id: Callable[[], str],
        cutter: BatchCutter,
        metrics: GatewayMetrics,
        retry_max_s: float = 30.0,
    ) -> None:
        self._buffer = buffer
        self._queue = queue
        self._queue_name = queue_name
        self._gateway_id = gateway_id
        self._cutter = cutter
        self._metrics = metrics
        self._backoff = Backoff(min(0.5, retry_max_s), retry_max_s)
        self.wake = asyncio.Event()
        self.degraded = buffer.batch_count > 0
        """Batches wait after a failure (or from before a restart): new ones are historical."""

    async def run(self) -> None:
        """Publish forever: wait for batches, send them, back off on failure."""
        while True:
            if await self.publish_available():
                continue
            self.wake.clear()
            if self._buffer.batch_count == 0:
                self.degraded = False
                await wait_event(self.wake, 1.0)

    async def publish_available(self) -> bool:
        """Send one chunk of the oldest batches; False when nothing was sent."""
        batches = await asyncio.to_thread(self._buffer.unsent, SEND_CHUNK)
        if not batches:
            return False
        if await self._send(batches):
            self._backoff.reset()
            return True
        await asyncio.sleep(self._backoff.next())
        return True

    async def _send(self, batches: list[StoredBatch]) -> bool:
        gateway_id = self._gateway_id()
        messages = [message_for(batch, gateway_id) for batch in batches]
        try:
            await asyncio.to_thread(self._queue.send, self._queue_name(), messages)
        except MessageTooLargeError as exc:
            await self._split_largest(batches, exc)
            return True
        except (InfrastructureError, OSError) as exc:
            self._failed(exc)
            return False
        await asyncio.to_thread(self._buffer.acknowledge, batches)
        self._published(batches)
        return True

    def _failed(self, exc: Exception) -> None:
        self._buffer.release()
        self.degraded = True
        self._metrics.publish_failures += 1
        log.warning(
            "queue send failed (%s: %s); %s batches wait on disk",
            type(exc).__name__,
            exc,
            self._buffer.batch_count,
        )

    def _published(self, batches: list[StoredBatch]) -> None:
        self._metrics.batches_published += len(batches)
        self._metrics.readings_published += sum(batch.count for batch in batches)
        self._metrics.last_publish_at = time.time()

    async def _split_largest(self, batches: list[StoredBatch], exc: MessageTooLargeError) -> None:
        largest = max(batches, key=lambda batch: len(batch.body))
        log.error("queue refused batch %s as too large (%s); splitting it", largest.batch_id, exc)
        self._buffer.release()
        await asyncio.to_thread(self._cutter.split, largest)
