"""Queue on Amazon SQS standard queues (boto3 client injected).

SQS specifics behind the port:

- Bodies are bytes, SQS bodies are text: the body travels base64-encoded (4/3 of
  its size counts against the 1 MiB limit). The message id and properties travel
  as String message attributes (`wellos-message-id`, one per property).
- Each queue `q` has a dead-letter queue `q-dlq`; `create_queue_with_dead_letters`
  sets the redrive policy (maxReceiveCount = max delivery count) that moves a
  message after its last allowed delivery. The adapter does the same as a safety
  net when it sees a receive count over the limit. Messages the redrive policy
  moved carry no reason; they read as `MaxDeliveryCountExceeded`.
- Standard queues do not keep order and may deliver a message twice.
- SQS cannot browse: `peek_dead_letters` receives (hiding each message for a
  moment) and makes every message visible again at once.
- Settling with a stale receipt handle may succeed silently on SQS (no LockLostError).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from shared.adapters.aws.clients import AwsError, error_code
from shared.core.common.errors import (
    LockLostError,
    MessageTooLargeError,
    QueueError,
    QueueNotFoundError,
)
from shared.core.ports.queue import (
    DEAD_LETTER_DESCRIPTION,
    DEAD_LETTER_REASON,
    MAX_DELIVERY_COUNT,
    MAX_DELIVERY_REASON,
    OutgoingMessage,
    ReceivedMessage,
    validate_outgoing,
    validate_queue_name,
)

SQS_MAX_MESSAGE_BYTES = 1_048_576
DLQ_SUFFIX = "-dlq"
ID_ATTRIBUTE = "wellos-message-id"
DEAD_LETTER_ATTRIBUTE = "wellos-dead-letter"
PEEK_HOLD_S = 5
"""How long a peeked dead letter stays hidden, so one peek does not return it twice."""
_MISSING_QUEUE = {"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"}
_STALE_RECEIPT = {"ReceiptHandleIsInvalid", "InvalidParameterValue", "MessageNotInflight"}


def create_queue_with_dead_letters(
    client: Any, name: str, max_delivery_count: int = MAX_DELIVERY_COUNT
) -> str:
    """Create `name` and `name-dlq` with the redrive policy; returns the queue URL."""
    dlq_url = client.create_queue(QueueName=validate_queue_name(name) + DLQ_SUFFIX)["QueueUrl"]
    arn = client.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])
    redrive = {
        "deadLetterTargetArn": arn["Attributes"]["QueueArn"],
        "maxReceiveCount": str(max_delivery_count),
    }
    created = client.create_queue(QueueName=name, Attributes={"RedrivePolicy": json.dumps(redrive)})
    return str(created["QueueUrl"])


@dataclass(frozen=True)
class _Receipt:
    queue_url: str
    handle: str


@dataclass(frozen=True)
class _Entry:
    message: OutgoingMessage
    body: str
    attributes: dict[str, dict[str, str]]
    size: int


class SqsQueue:
    def __init__(
        self,
        client: Any,
        max_delivery_count: int = MAX_DELIVERY_COUNT,
        max_message_bytes: int = SQS_MAX_MESSAGE_BYTES,
    ) -> None:
        self._client = client
        self._max_deliveries = max_delivery_count
        self._max_bytes = max_message_bytes
        self._urls: dict[str, str] = {}
        self._lock = threading.Lock()

    @property
    def max_message_bytes(self) -> int:
        return self._max_bytes

    @property
    def client(self) -> Any:
        """The boto3 SQS client (a Lambda handler parks event records with it)."""
        return self._client

    def send(self, queue: str, messages: Sequence[OutgoingMessage]) -> None:
        validate_queue_name(queue)
        entries = [_entry(m) for m in messages]
        for entry in entries:
            if entry.size > self._max_bytes:
                raise MessageTooLargeError(queue, entry.size, self._max_bytes)
        with self._translated(queue):
            url = self._url(queue)
            for chunk in self._chunks(entries):
                self._send_batch(queue, url, chunk)

    def _chunks(self, entries: list[_Entry]) -> Iterator[list[_Entry]]:
        """At most 10 entries and `max_message_bytes` per SendMessageBatch call."""
        chunk: list[_Entry] = []
        for entry in entries:
            if len(chunk) == 10 or sum(e.size for e in chunk) + entry.size > self._max_bytes:
                yield chunk
                chunk = []
            chunk.append(entry)
        if chunk:
            yield chunk

    def _send_batch(self, queue: str, url: str, chunk: list[_Entry]) -> None:
        request = [
            {"Id": str(i), "MessageBody": e.body, "MessageAttributes": e.attributes}
            for i, e in enumerate(chunk)
        ]
        failed = self._client.send_message_batch(QueueUrl=url, Entries=request).get("Failed", [])
        if failed:
            codes = ", ".join(sorted({str(f.get("Code")) for f in failed}))
            ids = ", ".join(chunk[int(f["Id"])].message.message_id for f in failed)
            raise QueueError(f"SQS refused messages {ids} on queue {queue}: {codes}")

    def receive(
        self, queue: str, max_messages: int, visibility_timeout_s: float, wait_s: float = 0
    ) -> list[ReceivedMessage]:
        with self._translated(queue):
            url = self._url(queue)
            raw = self._receive_raw(url, max_messages, visibility_timeout_s, wait_s)
            kept = []
            for item in raw:
                count = int(item["Attributes"]["ApproximateReceiveCount"])
                if count > self._max_deliveries:
                    detail = f"received {count} times"
                    self._bury(queue, url, _view(url, item), MAX_DELIVERY_REASON, detail)
                else:
                    kept.append(_view(url, item))
            return kept

    def receive_dead_letters(
        self, queue: str, max_messages: int, visibility_timeout_s: float = 30
    ) -> list[ReceivedMessage]:
        with self._translated(queue):
            url = self._url(validate_queue_name(queue) + DLQ_SUFFIX)
            raw = self._receive_raw(url, max_messages, visibility_timeout_s, 0)
            return [_view(url, item, dead_letter=True) for item in raw]

    def peek_dead_letters(self, queue: str, max_messages: int) -> list[ReceivedMessage]:
        """Receive for a moment, then make each visible again: SQS has no browse."""
        with self._translated(queue):
            url = self._url(validate_queue_name(queue) + DLQ_SUFFIX)
            raw = self._receive_raw(url, max_messages, PEEK_HOLD_S, 0)
            for item in raw:
                self._client.change_message_visibility(
                    QueueUrl=url, ReceiptHandle=item["ReceiptHandle"], VisibilityTimeout=0
                )
            return [replace(_view(url, item, dead_letter=True), receipt=None) for item in raw]

    def _receive_raw(
        self, url: str, max_messages: int, visibility_s: float, wait_s: float
    ) -> list[dict[str, Any]]:
        received: list[dict[str, Any]] = []
        wait = min(20, int(wait_s))
        while len(received) < max_messages:
            response = self._client.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=min(10, max_messages - len(received)),
                VisibilityTimeout=min(43_200, max(0, math.ceil(visibility_s))),
                WaitTimeSeconds=wait,
                MessageAttributeNames=["All"],
                MessageSystemAttributeNames=["ApproximateReceiveCount", "SentTimestamp"],
            )
            batch = response.get("Messages", [])
            received.extend(batch)
            if not batch:
                break
            wait = 0
        return received

    def complete(self, queue: str, message: ReceivedMessage) -> None:
        receipt = _receipt(message)
        with self._translated(queue):
            self._client.delete_message(QueueUrl=receipt.queue_url, ReceiptHandle=receipt.handle)

    def abandon(self, queue: str, message: ReceivedMessage) -> None:
        receipt = _receipt(message)
        with self._translated(queue):
            self._client.change_message_visibility(
                QueueUrl=receipt.queue_url, ReceiptHandle=receipt.handle, VisibilityTimeout=0
            )

    def dead_letter(
        self, queue: str, message: ReceivedMessage, reason: str, description: str
    ) -> None:
        with self._translated(queue):
            self._bury(queue, self._url(queue), message, reason, description)

    def _bury(
        self, queue: str, url: str, message: ReceivedMessage, reason: str, description: str
    ) -> None:
        """Copy to the dead-letter queue, then delete; a crash between leaves a duplicate."""
        receipt = _receipt(message)
        if receipt.queue_url != url:  # already a dead letter: release it, keep it there
            self._client.change_message_visibility(
                QueueUrl=receipt.queue_url, ReceiptHandle=receipt.handle, VisibilityTimeout=0
            )
            return
        properties = {
            k: v for k, v in message.properties.items() if not k.startswith("dead_letter")
        }
        entry = _entry(OutgoingMessage(message.body, message.message_id, properties))
        note = json.dumps(
            {"reason": reason, "description": description, "deliveries": message.delivery_count}
        )
        entry.attributes[DEAD_LETTER_ATTRIBUTE] = {"DataType": "String", "StringValue": note}
        self._client.send_message(
            QueueUrl=self._url(queue + DLQ_SUFFIX),
            MessageBody=entry.body,
            MessageAttributes=entry.attributes,
        )
        self._client.delete_message(QueueUrl=url, ReceiptHandle=receipt.handle)

    def _url(self, queue: str) -> str:
        with self._lock:
            cached = self._urls.get(queue)
        if cached is None:
            cached = str(self._client.get_queue_url(QueueName=queue)["QueueUrl"])
            with self._lock:
                self._urls[queue] = cached
        return cached

    @contextmanager
    def _translated(self, queue: str) -> Iterator[None]:
        try:
            yield
        except AwsError as exc:
            code = error_code(exc)
            if code in _MISSING_QUEUE:
                raise QueueNotFoundError(queue) from exc
            if code in _STALE_RECEIPT:
                raise LockLostError(f"stale receipt on queue {queue}: {code}") from exc
            raise QueueError(f"SQS failed on queue {queue}: {code or type(exc).__name__}") from exc


def _entry(message: OutgoingMessage) -> _Entry:
    validate_outgoing(message)
    values = {ID_ATTRIBUTE: message.message_id, **message.properties}
    attributes = {k: {"DataType": "String", "StringValue": v} for k, v in values.items()}
    body = base64.b64encode(message.body).decode("ascii")
    size = len(body) + sum(len(k) + len("String") + len(v.encode()) for k, v in values.items())
    return _Entry(message, body, attributes, size)


def _view(url: str, item: dict[str, Any], dead_letter: bool = False) -> ReceivedMessage:
    attributes = {
        name: str(value.get("StringValue", ""))
        for name, value in item.get("MessageAttributes", {}).items()
    }
    message_id = attributes.pop(ID_ATTRIBUTE, None)
    note = attributes.pop(DEAD_LETTER_ATTRIBUTE, None)
    body = _body(item["Body"], foreign=message_id is None)
    if dead_letter:
        info = json.loads(note) if note else {"reason": MAX_DELIVERY_REASON, "description": ""}
        attributes[DEAD_LETTER_REASON] = str(info["reason"])
        attributes[DEAD_LETTER_DESCRIPTION] = str(info["description"])
    system = item.get("Attributes", {})
    deliveries = int(system.get("ApproximateReceiveCount", 1))
    if dead_letter and note:  # the deliveries before burial, not the reads of the -dlq
        deliveries = int(json.loads(note).get("deliveries", deliveries))
    return ReceivedMessage(
        body=body,
        message_id=message_id or str(item["MessageId"]),
        properties=attributes,
        delivery_count=deliveries,
        enqueued_at=datetime.fromtimestamp(int(system.get("SentTimestamp", 0)) / 1000, UTC),
        receipt=_Receipt(url, str(item["ReceiptHandle"])),
    )


def _body(text: str, foreign: bool) -> bytes:
    """Base64 from this adapter; plain text from anything else (console, other producers)."""
    if foreign:
        return text.encode()
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise QueueError("SQS message body is not the base64 this adapter writes") from exc


def _receipt(message: ReceivedMessage) -> _Receipt:
    if not isinstance(message.receipt, _Receipt):
        raise LockLostError(f"message {message.message_id} was not received from SQS")
    return message.receipt
