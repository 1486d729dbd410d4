"""An in-process double of the azure-servicebus surface ServiceBusQueue uses.

There is no Service Bus emulator here, so this stands in for the namespace. It is
built from the SDK's own pieces wherever they work offline, so the adapter meets
real objects and real exceptions:

- senders take real `ServiceBusMessageBatch`es (the SDK's size accounting raises
  the real `MessageSizeExceededError`); each message goes through the SDK's AMQP
  encoder and decoder, as it would over the wire;
- receivers return real `ServiceBusReceivedMessage`s with broker annotations
  (sequence number, enqueued time, locked-until), a lock token, and the AMQP
  header delivery count Service Bus sends (earlier deliveries, i.e. DeliveryCount - 1);
- settlement follows the SDK's checks: TypeError for foreign objects,
  `MessageAlreadySettled`, `MessageLockLostError` after the lock expired, ValueError
  on a closed handler; settling through another receiver raises `ServiceBusError`
  (stricter than the service, which may accept it through the management link);
- `peek_messages` browses without locking from a sequence number (0: after the
  last message this receiver peeked, as the SDK does) and returns peeked messages
  that cannot be settled;
- a queue has LockDuration and MaxDeliveryCount; expired locks return messages, and
  the delivery after the last allowed one goes to the `$DeadLetterQueue` with
  reason `MaxDeliveryCountExceeded`, like the service.
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from azure.servicebus import (
    ServiceBusMessage,
    ServiceBusMessageBatch,
    ServiceBusReceivedMessage,
    ServiceBusReceiveMode,
    ServiceBusSubQueue,
)
from azure.servicebus._pyamqp._decode import decode_payload
from azure.servicebus._pyamqp._encode import encode_payload
from azure.servicebus._pyamqp.message import Header, Message
from azure.servicebus._pyamqp.types import TYPE, VALUE, AMQPTypes
from azure.servicebus._transport._pyamqp_transport import PyamqpTransport
from azure.servicebus.exceptions import (
    MessageAlreadySettled,
    MessageLockLostError,
    MessageSizeExceededError,
    MessagingEntityNotFoundError,
    ServiceBusError,
)

STANDARD_MAX_MESSAGE_BYTES = 262_144
MAX_DELIVERY_DESCRIPTION = "Message could not be consumed after {} delivery attempts."


def _wire(message: Message) -> Message:
    """Encode and decode, so every field has the type a real receiver sees."""
    return decode_payload(memoryview(encode_payload(bytearray(), message)))


@dataclass
class _Stored:
    seq: int
    amqp: Message
    enqueued_ms: int
    deliveries: int = 0
    locked_until: float = 0.0
    lock_token: uuid.UUID | None = None
    holder: object | None = None
    dead_letter: dict[str | bytes, Any] = field(default_factory=dict)


@dataclass
class _Entity:
    name: str
    lock_duration_s: float
    max_delivery_count: int
    active: list[_Stored] = field(default_factory=list)
    dead: list[_Stored] = field(default_factory=list)


class FakeServiceBus:
    """One namespace: declare queues (as infra would), then hand out clients."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.changed = threading.Condition()
        self.entities: dict[str, _Entity] = {}
        self._seq = itertools.count(1)

    def create_queue(
        self, name: str, lock_duration_s: float = 60, max_delivery_count: int = 10
    ) -> None:
        with self.changed:
            self.entities[name] = _Entity(name, lock_duration_s, max_delivery_count)

    def client(self) -> FakeServiceBusClient:
        return FakeServiceBusClient(self)

    def entity(self, name: str) -> _Entity:
        if name not in self.entities:
            raise MessagingEntityNotFoundError(
                message=f"The messaging entity '{name}' was not found."
            )
        return self.entities[name]

    def enqueue(self, queue: str, messages: Iterable[ServiceBusMessage]) -> None:
        with self.changed:
            entity = self.entity(queue)
            now_ms = int(self.clock() * 1000)
            for message in messages:
                amqp = _wire(decode_payload(memoryview(PyamqpTransport.encode_message(message))))
                entity.active.append(_Stored(next(self._seq), amqp, now_ms))
            self.changed.notify_all()

    def release_expired(self, entity: _Entity) -> None:
        now = self.clock()
        held = [s for s in [*entity.active, *entity.dead] if s.lock_token]
        for stored in [s for s in held if s.locked_until <= now]:
            self.unlock(entity, stored)

    def unlock(self, entity: _Entity, stored: _Stored) -> None:
        stored.lock_token, stored.holder, stored.locked_until = None, None, 0.0
        if stored in entity.active and stored.deliveries >= entity.max_delivery_count:
            description = MAX_DELIVERY_DESCRIPTION.format(stored.deliveries)
            self.bury(entity, stored, "MaxDeliveryCountExceeded", description)
        self.changed.notify_all()

    def bury(self, entity: _Entity, stored: _Stored, reason: str, description: str) -> None:
        entity.active.remove(stored)
        stored.lock_token, stored.holder = None, None
        stored.dead_letter = {
            b"DeadLetterReason": reason.encode(),
            b"DeadLetterErrorDescription": description.encode(),
        }
        entity.dead.append(stored)


class FakeServiceBusClient:
    def __init__(self, bus: FakeServiceBus) -> None:
        self._bus = bus

    def get_queue_sender(self, queue_name: str, **_: Any) -> FakeSender:
        return FakeSender(self._bus, queue_name)

    def get_queue_receiver(
        self,
        queue_name: str,
        *,
        sub_queue: ServiceBusSubQueue | str | None = None,
        receive_mode: ServiceBusReceiveMode | str = ServiceBusReceiveMode.PEEK_LOCK,
        max_wait_time: float | None = None,
        **_: Any,
    ) -> FakeReceiver:
        if receive_mode != ServiceBusReceiveMode.PEEK_LOCK:
            raise NotImplementedError("the double implements PEEK_LOCK only")
        dead = sub_queue in (ServiceBusSubQueue.DEAD_LETTER, "deadletter")
        return FakeReceiver(self._bus, queue_name, dead, max_wait_time)


class _Handler:
    def __init__(self) -> None:
        self._running = True

    def _check_live(self) -> None:
        if not self._running:
            raise ValueError(
                "The handler has already been shutdown. "
                "Please use ServiceBusClient to create a new instance."
            )

    def close(self) -> None:
        self._running = False


class FakeSender(_Handler):
    def __init__(self, bus: FakeServiceBus, queue: str) -> None:
        super().__init__()
        self._bus = bus
        self.entity_name = queue

    def create_message_batch(self, max_size_in_bytes: int | None = None) -> ServiceBusMessageBatch:
        self._check_live()
        self._bus.entity(self.entity_name)  # the SDK opens the link here
        if max_size_in_bytes and max_size_in_bytes > STANDARD_MAX_MESSAGE_BYTES:
            raise ValueError(
                f"Max message size: {max_size_in_bytes} is too large, "
                f"acceptable max batch size is: {STANDARD_MAX_MESSAGE_BYTES} bytes."
            )
        return ServiceBusMessageBatch(max_size_in_bytes or STANDARD_MAX_MESSAGE_BYTES)

    def send_messages(
        self, message: ServiceBusMessage | ServiceBusMessageBatch | list[ServiceBusMessage]
    ) -> None:
        self._check_live()
        if isinstance(message, ServiceBusMessageBatch):
            self._bus.enqueue(self.entity_name, message._messages)
            return
        batch = self.create_message_batch()
        for single in message if isinstance(message, list) else [message]:
            try:
                batch.add_message(single)
            except MessageSizeExceededError:
                raise MessageSizeExceededError(
                    message="Message content is larger than the service bus frame size."
                ) from None
        self._bus.enqueue(self.entity_name, batch._messages)


class FakeReceiver(_Handler):
    session = None  # not a session receiver, like the SDK's receiver on a plain queue

    def __init__(
        self, bus: FakeServiceBus, queue: str, dead_letter: bool, max_wait_time: float | None
    ) -> None:
        super().__init__()
        self._bus = bus
        self.entity_name = queue
        self._dead_letter = dead_letter
        self._max_wait_time = max_wait_time
        self._last_peeked = 0

    def receive_messages(
        self, max_message_count: int | None = 1, max_wait_time: float | None = None
    ) -> list[ServiceBusReceivedMessage]:
        self._check_live()
        if max_wait_time is not None and max_wait_time <= 0:
            raise ValueError("The max_wait_time must be greater than 0.")
        if max_message_count is not None and max_message_count <= 0:
            raise ValueError("The max_message_count must be greater than 0")
        wait = max_wait_time or self._max_wait_time or 60.0
        deadline = time.monotonic() + wait
        with self._bus.changed:
            while True:
                entity = self._bus.entity(self.entity_name)
                self._bus.release_expired(entity)
                found = self._lock(entity, max_message_count or 1)
                if found or time.monotonic() >= deadline:
                    return found
                self._bus.changed.wait(min(deadline - time.monotonic(), 0.05))

    def peek_messages(
        self, max_message_count: int = 1, *, sequence_number: int = 0, timeout: float | None = None
    ) -> list[ServiceBusReceivedMessage]:
        """Browse without locking, from `sequence_number` (0: after the last one peeked)."""
        self._check_live()
        if timeout is not None and timeout <= 0:
            raise ValueError("The timeout must be greater than 0.")
        if int(max_message_count) < 0:
            raise ValueError("max_message_count must be 1 or greater.")
        start = sequence_number or self._last_peeked + 1
        with self._bus.changed:
            entity = self._bus.entity(self.entity_name)
            self._bus.release_expired(entity)
            box = entity.dead if self._dead_letter else entity.active
            ready = sorted((s for s in box if s.seq >= start), key=lambda s: s.seq)
            peeked = [self._delivered(s, peeked=True) for s in ready[:max_message_count]]
        if peeked:
            self._last_peeked = peeked[-1].sequence_number or self._last_peeked
        return peeked

    def _lock(self, entity: _Entity, count: int) -> list[ServiceBusReceivedMessage]:
        box = entity.dead if self._dead_letter else entity.active
        ready = [s for s in box if s.lock_token is None][:count]
        now = self._bus.clock()
        for stored in ready:
            stored.deliveries += 1
            stored.lock_token = uuid.uuid4()
            stored.locked_until = now + entity.lock_duration_s
            stored.holder = self
        return [self._delivered(s) for s in ready]

    def _delivered(self, stored: _Stored, peeked: bool = False) -> ServiceBusReceivedMessage:
        annotations: dict[str | bytes, Any] = {
            b"x-opt-sequence-number": {TYPE: AMQPTypes.long, VALUE: stored.seq},
            b"x-opt-enqueued-time": {TYPE: AMQPTypes.timestamp, VALUE: stored.enqueued_ms},
        }
        if not peeked:  # a peeked message carries no lock
            annotations[b"x-opt-locked-until"] = {
                TYPE: AMQPTypes.timestamp,
                VALUE: int(stored.locked_until * 1000),
            }
        properties: dict[str | bytes, Any] = dict(stored.amqp.application_properties or {})
        properties.update(stored.dead_letter)
        amqp = stored.amqp._replace(
            header=Header(durable=True, delivery_count=max(stored.deliveries - 1, 0)),
            message_annotations=annotations,
            application_properties=properties,
        )
        if peeked:
            return ServiceBusReceivedMessage(
                _wire(amqp),
                receive_mode=ServiceBusReceiveMode.PEEK_LOCK,
                receiver=self,
                is_peeked_message=True,
            )
        return ServiceBusReceivedMessage(
            _wire(amqp),
            receive_mode=ServiceBusReceiveMode.PEEK_LOCK,
            receiver=self,
            lock_token=stored.lock_token,
        )

    def complete_message(self, message: ServiceBusReceivedMessage) -> None:
        self._settle(message, "complete", lambda entity, stored: self._remove(entity, stored))

    def abandon_message(self, message: ServiceBusReceivedMessage) -> None:
        self._settle(message, "abandon", self._bus.unlock)

    def dead_letter_message(
        self,
        message: ServiceBusReceivedMessage,
        reason: str | None = None,
        error_description: str | None = None,
    ) -> None:
        def bury(entity: _Entity, stored: _Stored) -> None:
            if stored in entity.dead:  # dead-lettering a dead letter keeps it there
                self._bus.unlock(entity, stored)
                return
            self._bus.bury(entity, stored, reason or "", error_description or "")

        self._settle(message, "dead-letter", bury)

    def _remove(self, entity: _Entity, stored: _Stored) -> None:
        (entity.dead if stored in entity.dead else entity.active).remove(stored)

    def _settle(
        self,
        message: ServiceBusReceivedMessage,
        action: str,
        outcome: Callable[[_Entity, _Stored], None],
    ) -> None:
        self._check_live()
        if not isinstance(message, ServiceBusReceivedMessage):
            raise TypeError("Parameter 'message' must be of type ServiceBusReceivedMessage")
        if message._is_peeked_message:
            raise ValueError(
                f"The operation {action} is not supported for peeked messages."
                "Only messages received using receive methods in PEEK_LOCK mode can be settled."
            )
        if message._settled:
            raise MessageAlreadySettled(action=action)
        if message._lock_expired:
            raise MessageLockLostError(message="The lock on the message lock has expired.")
        with self._bus.changed:
            entity = self._bus.entity(self.entity_name)
            stored = self._held(entity, message)
            outcome(entity, stored)
            self._bus.changed.notify_all()
        message._settled = True

    def _held(self, entity: _Entity, message: ServiceBusReceivedMessage) -> _Stored:
        for stored in [*entity.active, *entity.dead]:
            if stored.lock_token == message.lock_token:
                if stored.holder is not self:
                    raise ServiceBusError("The message was received by another receiver link.")
                return stored
        raise MessageLockLostError(message="The lock supplied is invalid.")
