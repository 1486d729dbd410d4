"""Queue on Azure Service Bus queues (azure-servicebus, AMQP, PEEK_LOCK).

Service Bus specifics behind the port:

- Locks last the queue's LockDuration (infra: 60 s here, at most 5 min); the
  port's `visibility_timeout_s` is ignored. A message settled after its lock
  expired raises LockLostError and comes back with a higher delivery count.
  Keep processing well under LockDuration.
- Service Bus moves a message to the `$DeadLetterQueue` sub-queue by itself once
  it has been delivered MaxDeliveryCount times (reason `MaxDeliveryCountExceeded`).
- The SDK settles a message only through the receiver that received it, so the
  adapter keeps one receiver per queue (and one per dead-letter sub-queue) and
  settles through it; the receipt carries the SDK message.
- The AMQP header counts earlier deliveries (Service Bus writes DeliveryCount - 1,
  as the .NET and Java SDKs document); the port counts this delivery too, hence +1.
- `peek_dead_letters` browses from sequence number 1 each time (the SDK would
  otherwise continue after the last message the receiver peeked).
- Receivers and senders are not thread-safe: calls on one queue are serialised.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from azure.servicebus import (
    ServiceBusClient,
    ServiceBusMessage,
    ServiceBusMessageBatch,
    ServiceBusReceivedMessage,
    ServiceBusReceiveMode,
    ServiceBusSubQueue,
)
from azure.servicebus.exceptions import (
    MessageAlreadySettled,
    MessageLockLostError,
    MessageSizeExceededError,
    MessagingEntityNotFoundError,
    ServiceBusError,
)

from shared.core.common.errors import (
    LockLostError,
    MessageTooLargeError,
    QueueError,
    QueueNotFoundError,
)
from shared.core.ports.queue import (
    DEAD_LETTER_DESCRIPTION,
    DEAD_LETTER_REASON,
    OutgoingMessage,
    ReceivedMessage,
    plain_size,
    validate_outgoing,
    validate_queue_name,
)

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential
    from azure.servicebus import ServiceBusReceiver, ServiceBusSender

STANDARD_TIER_MAX_MESSAGE_BYTES = 262_144
_SERVICE_PROPERTIES = {"DeadLetterReason", "DeadLetterErrorDescription"}


def service_bus_client(
    *,
    connection_string: str | None = None,
    fully_qualified_namespace: str | None = None,
    credential: TokenCredential | None = None,
) -> ServiceBusClient:
    """A client from a connection string, or a namespace and (default) Entra ID identity."""
    if connection_string:
        return ServiceBusClient.from_connection_string(connection_string)
    if fully_qualified_namespace:
        if credential is None:
            from azure.identity import DefaultAzureCredential

            credential = DefaultAzureCredential()
        return ServiceBusClient(fully_qualified_namespace, credential)
    raise ValueError("Service Bus needs a connection string or a fully qualified namespace")


@dataclass(frozen=True)
class _Receipt:
    message: ServiceBusReceivedMessage
    dead_letter: bool


class ServiceBusQueue:
    def __init__(
        self,
        client: ServiceBusClient,
        max_message_bytes: int = STANDARD_TIER_MAX_MESSAGE_BYTES,
        min_wait_s: float = 1.0,
    ) -> None:
        self._client = client
        self._max_bytes = max_message_bytes
        self._min_wait_s = min_wait_s
        self._senders: dict[str, ServiceBusSender] = {}
        self._receivers: dict[tuple[str, bool], ServiceBusReceiver] = {}
        self._locks: dict[tuple[str, object], threading.Lock] = {}
        self._guard = threading.Lock()

    @property
    def max_message_bytes(self) -> int:
        return self._max_bytes

    def close(self) -> None:
        """Close the adapter's senders and receivers (the injected client stays open)."""
        with self._guard:
            handlers = [*self._senders.values(), *self._receivers.values()]
            self._senders.clear()
            self._receivers.clear()
        for handler in handlers:
            handler.close()

    def send(self, queue: str, messages: Sequence[OutgoingMessage]) -> None:
        validate_queue_name(queue)
        for message in messages:
            validate_outgoing(message)
        with self._serial(queue, "sender"), self._translated(queue):
            sender = self._sender(queue)
            for batch in self._pack(queue, sender, messages):
                sender.send_messages(batch)

    def _pack(
        self, queue: str, sender: ServiceBusSender, messages: Sequence[OutgoingMessage]
    ) -> list[ServiceBusMessageBatch]:
        """All batches, built before any is sent, so an oversize message sends nothing."""
        batches = [sender.create_message_batch(max_size_in_bytes=self._max_bytes)]
        for message in messages:
            outgoing = outgoing_message(message)
            if _added(batches[-1], outgoing):
                continue
            batches.append(sender.create_message_batch(max_size_in_bytes=self._max_bytes))
            if not _added(batches[-1], outgoing):
                raise MessageTooLargeError(queue, plain_size(message), self._max_bytes)
        return [batch for batch in batches if len(batch)]

    def receive(
        self, queue: str, max_messages: int, visibility_timeout_s: float, wait_s: float = 0
    ) -> list[ReceivedMessage]:
        return self._receive(queue, False, max_messages, wait_s)

    def receive_dead_letters(
        self, queue: str, max_messages: int, visibility_timeout_s: float = 30
    ) -> list[ReceivedMessage]:
        return self._receive(queue, True, max_messages, 0)

    def peek_dead_letters(self, queue: str, max_messages: int) -> list[ReceivedMessage]:
        """Browse the `$DeadLetterQueue` from its first message (no lock, no delivery)."""
        with self._serial(queue, True), self._translated(queue):
            receiver = self._receiver(queue, True)
            peeked = receiver.peek_messages(max_message_count=max_messages, sequence_number=1)
        return [replace(received_message(m, True), receipt=None) for m in peeked]

    def _receive(
        self, queue: str, dead_letter: bool, max_messages: int, wait_s: float
    ) -> list[ReceivedMessage]:
        wait = max(wait_s, self._min_wait_s)
        with self._serial(queue, dead_letter), self._translated(queue):
            receiver = self._receiver(queue, dead_letter)
            received = receiver.receive_messages(max_message_count=max_messages, max_wait_time=wait)
        return [received_message(message, dead_letter) for message in received]

    def complete(self, queue: str, message: ReceivedMessage) -> None:
        receipt = _receipt(message)
        with self._serial(queue, receipt.dead_letter), self._translated(queue):
            self._receiver(queue, receipt.dead_letter).complete_message(receipt.message)

    def abandon(self, queue: str, message: ReceivedMessage) -> None:
        receipt = _receipt(message)
        with self._serial(queue, receipt.dead_letter), self._translated(queue):
            self._receiver(queue, receipt.dead_letter).abandon_message(receipt.message)

    def dead_letter(
        self, queue: str, message: ReceivedMessage, reason: str, description: str
    ) -> None:
        receipt = _receipt(message)
        with self._serial(queue, receipt.dead_letter), self._translated(queue):
            receiver = self._receiver(queue, receipt.dead_letter)
            receiver.dead_letter_message(
                receipt.message, reason=reason, error_description=description
            )

    def _sender(self, queue: str) -> ServiceBusSender:
        with self._guard:
            if queue not in self._senders:
                self._senders[queue] = self._client.get_queue_sender(queue)
            return self._senders[queue]

    def _receiver(self, queue: str, dead_letter: bool) -> ServiceBusReceiver:
        with self._guard:
            if (queue, dead_letter) not in self._receivers:
                self._receivers[(queue, dead_letter)] = self._client.get_queue_receiver(
                    queue,
                    receive_mode=ServiceBusReceiveMode.PEEK_LOCK,
                    sub_queue=ServiceBusSubQueue.DEAD_LETTER if dead_letter else None,
                    prefetch_count=0,
                )
            return self._receivers[(queue, dead_letter)]

    @contextmanager
    def _serial(self, queue: str, handler: object) -> Iterator[None]:
        """One call at a time per sender / receiver: SDK handlers are not thread-safe."""
        with self._guard:
            lock = self._locks.setdefault((queue, handler), threading.Lock())
        with lock:
            yield

    @contextmanager
    def _translated(self, queue: str) -> Iterator[None]:
        """SDK errors to port errors; messages name the queue and the error type only."""
        try:
            yield
        except (MessageAlreadySettled, MessageLockLostError) as exc:
            raise LockLostError(f"lock lost on queue {queue}: {type(exc).__name__}") from exc
        except MessagingEntityNotFoundError as exc:
            raise QueueNotFoundError(queue) from exc
        except ServiceBusError as exc:
            raise QueueError(f"Service Bus failed on queue {queue}: {type(exc).__name__}") from exc


def outgoing_message(message: OutgoingMessage) -> ServiceBusMessage:
    """The SDK message for a port message: raw bytes body, id, properties."""
    properties: dict[str | bytes, Any] = {k: v for k, v in message.properties.items()}
    return ServiceBusMessage(
        message.body,
        message_id=message.message_id,
        application_properties=properties,
        content_type="application/octet-stream",
    )


def _added(batch: ServiceBusMessageBatch, message: ServiceBusMessage) -> bool:
    try:
        batch.add_message(message)
    except MessageSizeExceededError:
        return False
    return True


def received_message(message: ServiceBusReceivedMessage, dead_letter: bool) -> ReceivedMessage:
    """The port message for an SDK message; the receipt carries the SDK message."""
    body = message.body
    data = body if isinstance(body, bytes) else b"".join(body)
    properties = {
        _text(name): _text(value)
        for name, value in (message.application_properties or {}).items()
        if _text(name) not in _SERVICE_PROPERTIES
    }
    if dead_letter:
        properties[DEAD_LETTER_REASON] = message.dead_letter_reason or ""
        properties[DEAD_LETTER_DESCRIPTION] = message.dead_letter_error_description or ""
    return ReceivedMessage(
        body=data,
        message_id=str(message.message_id or message.sequence_number),
        properties=properties,
        delivery_count=(message.delivery_count or 0) + 1,
        enqueued_at=message.enqueued_time_utc or datetime.now(UTC),
        receipt=_Receipt(message, dead_letter),
    )


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _receipt(message: ReceivedMessage) -> _Receipt:
    if not isinstance(message.receipt, _Receipt):
        raise LockLostError(f"message {message.message_id} was not received from Service Bus")
    return message.receipt
