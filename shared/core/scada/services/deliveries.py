"""What the drain works on (messages with settle callbacks) and what it reports.

The timer path receives messages through the Queue port and settles them there
(`QueueSettlement`); the AWS event path gets records in the Lambda event and
settles them by answering `batchItemFailures`. Both hand `Delivery` objects to
the same `DrainService.process`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from shared.core.ports.queue import Queue, ReceivedMessage

INGEST_QUEUE = "ingest"
"""The queue gateways publish reading batches to (GatewayConfig.queue's default)."""


class Settlement(Protocol):
    def complete(self) -> None: ...

    def abandon(self) -> None: ...

    def dead_letter(self, reason: str, description: str) -> None: ...


@dataclass(frozen=True)
class Delivery:
    message_id: str
    body: bytes
    settlement: Settlement
    delivery_count: int = 1
    enqueued_at: datetime | None = None
    """When the queue took the message (its lag is measured from here); None: unknown."""


@dataclass(frozen=True)
class QueueSettlement:
    """Settles a message through the adapter that received it."""

    queue: Queue
    queue_name: str
    message: ReceivedMessage

    def complete(self) -> None:
        self.queue.complete(self.queue_name, self.message)

    def abandon(self) -> None:
        self.queue.abandon(self.queue_name, self.message)

    def dead_letter(self, reason: str, description: str) -> None:
        self.queue.dead_letter(self.queue_name, self.message, reason, description)


def deliveries_from(
    queue: Queue, queue_name: str, messages: list[ReceivedMessage]
) -> list[Delivery]:
    return [
        Delivery(
            m.message_id,
            m.body,
            QueueSettlement(queue, queue_name, m),
            m.delivery_count,
            m.enqueued_at,
        )
        for m in messages
    ]


@dataclass(frozen=True)
class DeadLettered:
    message_id: str
    reason: str
    description: str


@dataclass
class DrainReport:
    """What one drain did; `dead_lettered` carries each reason."""

    received: int = 0
    tenants: int = 0
    batches_written: int = 0
    readings_written: int = 0
    duplicates: int = 0
    abandoned: int = 0
    dead_lettered: list[DeadLettered] = field(default_factory=list)
    settle_errors: int = 0

    def add(self, other: DrainReport) -> None:
        self.received += other.received
        self.tenants += other.tenants
        self.batches_written += other.batches_written
        self.readings_written += other.readings_written
        self.duplicates += other.duplicates
        self.abandoned += other.abandoned
        self.dead_lettered.extend(other.dead_lettered)
        self.settle_errors += other.settle_errors

    def summary(self) -> dict[str, Any]:
        """Counts for a log line (no message bodies, no secrets)."""
        reasons: dict[str, int] = {}
        for item in self.dead_lettered:
            reasons[item.reason] = reasons.get(item.reason, 0) + 1
        return {
            "received": self.received,
            "tenants": self.tenants,
            "batches_written": self.batches_written,
            "readings_written": self.readings_written,
            "duplicates": self.duplicates,
            "abandoned": self.abandoned,
            "dead_lettered": len(self.dead_lettered),
            "dead_letter_reasons": reasons,
            "settle_errors": self.settle_errors,
        }
