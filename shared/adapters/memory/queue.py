"""In-memory Queue, the twin every Queue adapter is tested against (FIFO, thread-safe)."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from shared.core.common.errors import LockLostError, MessageTooLargeError
from shared.core.ports.queue import (
    DEAD_LETTER_DESCRIPTION,
    DEAD_LETTER_REASON,
    MAX_DELIVERY_COUNT,
    MAX_DELIVERY_REASON,
    OutgoingMessage,
    ReceivedMessage,
    plain_size,
    validate_outgoing,
    validate_queue_name,
)


@dataclass
class _Stored:
    seq: int
    message: OutgoingMessage
    enqueued_at: datetime
    visible_at: float = 0.0
    deliveries: int = 0
    lock_token: str | None = None
    dead_letter: dict[str, str] = field(default_factory=dict)


class InMemoryQueue:
    def __init__(
        self,
        max_message_bytes: int = 262_144,
        max_delivery_count: int = MAX_DELIVERY_COUNT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_bytes = max_message_bytes
        self._max_deliveries = max_delivery_count
        self._clock = clock
        self._live: dict[str, list[_Stored]] = {}
        self._dead: dict[str, list[_Stored]] = {}
        self._seq = itertools.count(1)
        self._changed = threading.Condition()

    @property
    def max_message_bytes(self) -> int:
        return self._max_bytes

    def send(self, queue: str, messages: Sequence[OutgoingMessage]) -> None:
        validate_queue_name(queue)
        for message in messages:
            validate_outgoing(message)
            if plain_size(message) > self._max_bytes:
                raise MessageTooLargeError(queue, plain_size(message), self._max_bytes)
        now = datetime.now(UTC)
        with self._changed:
            box = self._live.setdefault(queue, [])
            box.extend(_Stored(next(self._seq), m, now) for m in messages)
            self._changed.notify_all()

    def receive(
        self, queue: str, max_messages: int, visibility_timeout_s: float, wait_s: float = 0
    ) -> list[ReceivedMessage]:
        deadline = self._clock() + wait_s
        with self._changed:
            while True:
                self._expire_over_delivered(queue)
                found = self._lock(self._live.get(queue, []), max_messages, visibility_timeout_s)
                remaining = deadline - self._clock()
                if found or remaining <= 0:
                    return found
                self._changed.wait(min(remaining, 0.05))

    def receive_dead_letters(
        self, queue: str, max_messages: int, visibility_timeout_s: float = 30
    ) -> list[ReceivedMessage]:
        with self._changed:
            return self._lock(self._dead.get(queue, []), max_messages, visibility_timeout_s)

    def peek_dead_letters(self, queue: str, max_messages: int) -> list[ReceivedMessage]:
        with self._changed:
            return [_peeked(self._view(s)) for s in self._dead.get(queue, [])[:max_messages]]

    def complete(self, queue: str, message: ReceivedMessage) -> None:
        with self._changed:
            box, stored = self._locked(queue, message)
            box.remove(stored)

    def abandon(self, queue: str, message: ReceivedMessage) -> None:
        with self._changed:
            _, stored = self._locked(queue, message)
            stored.visible_at, stored.lock_token = 0.0, None
            self._changed.notify_all()

    def dead_letter(
        self, queue: str, message: ReceivedMessage, reason: str, description: str
    ) -> None:
        with self._changed:
            box, stored = self._locked(queue, message)
            box.remove(stored)
            self._bury(queue, stored, reason, description)

    def _bury(self, queue: str, stored: _Stored, reason: str, description: str) -> None:
        stored.visible_at, stored.lock_token = 0.0, None
        stored.dead_letter = {DEAD_LETTER_REASON: reason, DEAD_LETTER_DESCRIPTION: description}
        self._dead.setdefault(queue, []).append(stored)

    def _expire_over_delivered(self, queue: str) -> None:
        now = self._clock()
        box = self._live.get(queue, [])
        spent = [s for s in box if s.visible_at <= now and s.deliveries >= self._max_deliveries]
        for stored in spent:
            box.remove(stored)
            detail = f"delivered {stored.deliveries} times"
            self._bury(queue, stored, MAX_DELIVERY_REASON, detail)

    def _lock(self, box: list[_Stored], limit: int, lock_s: float) -> list[ReceivedMessage]:
        now = self._clock()
        ready = [s for s in box if s.visible_at <= now][:limit]
        for stored in ready:
            stored.deliveries += 1
            stored.visible_at = now + lock_s
            stored.lock_token = uuid.uuid4().hex
        return [self._view(s) for s in ready]

    def _view(self, stored: _Stored) -> ReceivedMessage:
        return ReceivedMessage(
            body=stored.message.body,
            message_id=stored.message.message_id,
            properties={**stored.message.properties, **stored.dead_letter},
            delivery_count=stored.deliveries,
            enqueued_at=stored.enqueued_at,
            receipt=(stored.seq, stored.lock_token),
        )

    def _locked(self, queue: str, message: ReceivedMessage) -> tuple[list[_Stored], _Stored]:
        now = self._clock()
        for box in (self._live.get(queue, []), self._dead.get(queue, [])):
            for stored in box:
                held = (stored.seq, stored.lock_token) == message.receipt
                if held and stored.visible_at > now:
                    return box, stored
        raise LockLostError(f"message {message.message_id} is no longer locked on queue {queue}")


def _peeked(message: ReceivedMessage) -> ReceivedMessage:
    return replace(message, receipt=None)
