"""Queue port: a peek-lock message queue (Service Bus, SQS, SQLite locally).

Semantics every adapter keeps (the contract suite in tests/contracts checks them):

- `receive` locks each message it returns for a while (Service Bus: the queue's
  LockDuration; SQS and SQLite: `visibility_timeout_s`). Unsettled messages come
  back after the lock expires, with `delivery_count` one higher.
- Settle each message once, through the adapter that received it: `complete`
  deletes it, `abandon` makes it visible again at once, `dead_letter` moves it to
  the queue's dead-letter queue with a reason.
- A message is delivered at most `max_delivery_count` times (default 10); the
  next attempt moves it to the dead letters with reason `MaxDeliveryCountExceeded`
  (Service Bus does this itself; SQS through the redrive policy, the adapter as a
  safety net; memory and SQLite in the adapter).
- Dead letters can be read without settling them (`peek_dead_letters`), or
  locked (`receive_dead_letters`) and then completed (gone) or abandoned (kept);
  `shared.core.messaging` replays and purges them through these operations.
- Delivery is at least once: consumers must be idempotent on `message_id`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from shared.core.common.errors import InputError

MAX_DELIVERY_COUNT = 10
MAX_PROPERTIES = 8
"""SQS allows 10 message attributes (non-empty); adapters keep two for id and dead-letter info."""

DEAD_LETTER_REASON = "dead_letter_reason"
DEAD_LETTER_DESCRIPTION = "dead_letter_description"
MAX_DELIVERY_REASON = "MaxDeliveryCountExceeded"

_PROPERTY_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
_MESSAGE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
_QUEUE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True)
class OutgoingMessage:
    """A message to send; `message_id` is the idempotency key consumers deduplicate on."""

    body: bytes
    message_id: str
    properties: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReceivedMessage:
    """A locked message; pass it back unchanged to settle it."""

    body: bytes
    message_id: str
    properties: Mapping[str, str]
    delivery_count: int
    enqueued_at: datetime
    receipt: object = field(repr=False, compare=False)


class Queue(Protocol):
    """Named peek-lock queues of one namespace/account/database."""

    @property
    def max_message_bytes(self) -> int:
        """The service's limit for one message, properties and encoding included."""
        ...

    def send(self, queue: str, messages: Sequence[OutgoingMessage]) -> None:
        """Enqueue in order; raises MessageTooLargeError before sending anything oversize."""
        ...

    def receive(
        self, queue: str, max_messages: int, visibility_timeout_s: float, wait_s: float = 0
    ) -> list[ReceivedMessage]:
        """Lock and return up to `max_messages`, waiting up to `wait_s` for the first."""
        ...

    def complete(self, queue: str, message: ReceivedMessage) -> None:
        """Delete a processed message; LockLostError if its lock is gone."""
        ...

    def abandon(self, queue: str, message: ReceivedMessage) -> None:
        """Release the lock so the message is delivered again at once."""
        ...

    def dead_letter(
        self, queue: str, message: ReceivedMessage, reason: str, description: str
    ) -> None:
        """Move the message to the queue's dead letters."""
        ...

    def receive_dead_letters(
        self, queue: str, max_messages: int, visibility_timeout_s: float = 30
    ) -> list[ReceivedMessage]:
        """Lock dead letters (reason in properties); `complete` removes one after replay."""
        ...

    def peek_dead_letters(self, queue: str, max_messages: int) -> list[ReceivedMessage]:
        """Read up to `max_messages` dead letters without settling them (receipt `None`).

        Oldest first where the service keeps order (SQLite, Service Bus, memory); SQS
        returns an arbitrary sample, and its reads count as receives on the `-dlq`.
        """
        ...


def validate_queue_name(queue: str) -> str:
    """Names valid on every service: lower-case letters, digits, `-`; at most 63 chars."""
    if not _QUEUE_NAME.match(queue) or queue.endswith("-dlq"):
        raise InputError("queue", "use 1-63 of a-z, 0-9, '-'; the suffix -dlq is reserved")
    return queue


def validate_outgoing(message: OutgoingMessage) -> None:
    """Reject ids and properties that some service would refuse or mangle."""
    if not _MESSAGE_ID.match(message.message_id):
        raise InputError("message_id", "use 1-128 of A-Z, a-z, 0-9, '_', '.', ':', '-'")
    if len(message.properties) > MAX_PROPERTIES:
        raise InputError("properties", f"at most {MAX_PROPERTIES} properties")
    for name, value in message.properties.items():
        if not _PROPERTY_NAME.match(name) or name.startswith("dead_letter"):
            raise InputError("properties", f"invalid property name {name!r}")
        if not isinstance(value, str) or not value:
            raise InputError("properties", f"property {name} must be a non-empty string")


def plain_size(message: OutgoingMessage) -> int:
    """Size of body and properties in UTF-8, the measure of adapters that store them raw."""
    props = sum(len(k.encode()) + len(v.encode()) for k, v in message.properties.items())
    return len(message.body) + len(message.message_id.encode()) + props
