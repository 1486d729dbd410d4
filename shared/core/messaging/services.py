"""Dead letters for operators: read them, send them back to their queue, or drop them.

Replay re-sends a dead letter to its main queue (same body, id and properties,
without the dead-letter reason) and completes the dead letter only after the send
succeeded: a crash in between leaves a duplicate, never a loss (consumers are
idempotent on `message_id`). A replayed message that fails again is dead-lettered
again by the consumer or the queue, with the new reason.

Messages not chosen for a replay or purge are locked while the dead letters are
scanned and released at the end, so each one is looked at once per call.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from shared.core.messaging.errors import DeadLetterNotFoundError
from shared.core.ports.queue import (
    OutgoingMessage,
    Queue,
    ReceivedMessage,
    validate_queue_name,
)

SCAN_BATCH = 10
"""Dead letters locked per receive (SQS hands out at most 10 per call)."""
SHOW_SCAN_LIMIT = 1_000
"""How many dead letters `show` browses for one message id."""


@dataclass(frozen=True)
class Settled:
    """What one replay or purge did: the ids it moved or removed, the ids asked for but
    not found among the dead letters, and how many dead letters it looked at and left."""

    message_ids: list[str]
    missing: list[str]
    kept: int


class DeadLetters:
    def __init__(self, queue: Queue, lock_s: float = 120) -> None:
        self._queue = queue
        self._lock_s = lock_s

    def list(self, queue: str, limit: int) -> list[ReceivedMessage]:
        """Up to `limit` dead letters, unsettled; reason and description in properties."""
        return self._queue.peek_dead_letters(validate_queue_name(queue), limit)

    def show(self, queue: str, message_id: str) -> ReceivedMessage:
        for message in self.list(queue, SHOW_SCAN_LIMIT):
            if message.message_id == message_id:
                return message
        raise DeadLetterNotFoundError(queue, message_id)

    def replay(
        self, queue: str, message_ids: Collection[str] | None = None, limit: int | None = None
    ) -> Settled:
        """Send the chosen dead letters (all when `message_ids` is None) back to `queue`."""

        def resend(message: ReceivedMessage) -> None:
            self._queue.send(queue, [_original(message)])

        return self._settle(queue, message_ids, limit, resend)

    def purge(
        self, queue: str, message_ids: Collection[str] | None = None, limit: int | None = None
    ) -> Settled:
        """Delete the chosen dead letters (all when `message_ids` is None)."""
        return self._settle(queue, message_ids, limit, lambda _: None)

    def _settle(
        self,
        queue: str,
        message_ids: Collection[str] | None,
        limit: int | None,
        before_complete: Callable[[ReceivedMessage], None],
    ) -> Settled:
        validate_queue_name(queue)
        wanted = None if message_ids is None else set(message_ids)
        done: list[str] = []
        held: list[ReceivedMessage] = []
        try:
            while not _finished(done, wanted, limit):
                batch = self._queue.receive_dead_letters(queue, SCAN_BATCH, self._lock_s)
                if not batch:
                    break
                for message in batch:
                    chosen = wanted is None or message.message_id in wanted
                    if not chosen or _finished(done, wanted, limit):
                        held.append(message)
                        continue
                    held.append(message)  # released below if the send fails
                    before_complete(message)
                    self._queue.complete(queue, message)
                    held.pop()
                    done.append(message.message_id)
        finally:
            for message in held:
                self._queue.abandon(queue, message)
        missing = [] if wanted is None else sorted(wanted - set(done))
        return Settled(done, missing, len(held))


def _finished(done: list[str], wanted: set[str] | None, limit: int | None) -> bool:
    if limit is not None and len(done) >= limit:
        return True
    return wanted is not None and wanted <= set(done)


def _original(message: ReceivedMessage) -> OutgoingMessage:
    properties = {k: v for k, v in message.properties.items() if not k.startswith("dead_letter")}
    return OutgoingMessage(message.body, message.message_id, properties)
