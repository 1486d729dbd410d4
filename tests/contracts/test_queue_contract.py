"""The Queue contract: one suite, run against every adapter.

memory (the twin), sqlite (local), service-bus-double (the real ServiceBusQueue on
an in-process double of the SDK, see service_bus_double.py), sqs-moto (SqsQueue on
moto server). Every adapter here dead-letters after 3 deliveries.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from shared.adapters.aws.sqs_queue import DLQ_SUFFIX, SqsQueue, create_queue_with_dead_letters
from shared.adapters.azure.service_bus_queue import ServiceBusQueue
from shared.adapters.local.sqlite_queue import SqliteQueue
from shared.adapters.memory.queue import InMemoryQueue
from shared.core.common.errors import InputError, LockLostError, MessageTooLargeError, QueueError
from shared.core.ports.queue import (
    DEAD_LETTER_DESCRIPTION,
    DEAD_LETTER_REASON,
    MAX_DELIVERY_REASON,
    OutgoingMessage,
    Queue,
    ReceivedMessage,
)
from tests.contracts.service_bus_double import FakeServiceBus

MAX_DELIVERIES = 3
LOCK_S = 30.0


@dataclass
class QueueHarness:
    queue: Queue
    new_queue: Callable[[float], str]
    """Declares a fresh queue (lock duration matters on Service Bus only) and names it."""
    fifo: bool
    detects_stale_receipts: bool


def unique_queue_name() -> str:
    return "q" + uuid.uuid4().hex[:12]


@pytest.fixture(params=["memory", "sqlite", "service-bus-double", "sqs-moto"])
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[QueueHarness]:
    kind = request.param
    if kind == "memory":
        memory = InMemoryQueue(max_delivery_count=MAX_DELIVERIES)
        yield QueueHarness(memory, lambda _: unique_queue_name(), True, True)
    elif kind == "sqlite":
        sqlite = SqliteQueue(tmp_path / "queue.db", max_delivery_count=MAX_DELIVERIES)
        yield QueueHarness(sqlite, lambda _: unique_queue_name(), True, True)
        sqlite.close()
    elif kind == "service-bus-double":
        yield _service_bus_harness()
    else:
        yield from _sqs_harness(request.getfixturevalue("aws_client")("sqs"))


def _service_bus_harness() -> QueueHarness:
    bus = FakeServiceBus()

    def declare(lock_s: float) -> str:
        name = unique_queue_name()
        bus.create_queue(name, lock_duration_s=lock_s, max_delivery_count=MAX_DELIVERIES)
        return name

    adapter = ServiceBusQueue(bus.client(), min_wait_s=0.2)
    return QueueHarness(adapter, declare, fifo=True, detects_stale_receipts=True)


def _sqs_harness(client: Any) -> Iterator[QueueHarness]:
    created: list[str] = []

    def declare(_: float) -> str:
        name = unique_queue_name()
        created.append(create_queue_with_dead_letters(client, name, MAX_DELIVERIES))
        created.append(client.get_queue_url(QueueName=name + DLQ_SUFFIX)["QueueUrl"])
        return name

    yield QueueHarness(SqsQueue(client, max_delivery_count=MAX_DELIVERIES), declare, False, False)
    for url in created:  # moto slows down as queues pile up
        client.delete_queue(QueueUrl=url)


def message(n: int, **properties: str) -> OutgoingMessage:
    return OutgoingMessage(f"body-{n}".encode(), f"msg-{n}", properties)


def receive_n(
    queue: Queue, name: str, count: int, lock_s: float = LOCK_S, timeout_s: float = 5
) -> list[ReceivedMessage]:
    """Receive until `count` arrived: services may hand out fewer per call than asked."""
    got: list[ReceivedMessage] = []
    deadline = time.monotonic() + timeout_s
    while len(got) < count and time.monotonic() < deadline:
        got += queue.receive(name, count - len(got), lock_s, wait_s=1)
    return got


def test_a_completed_message_is_gone(harness: QueueHarness) -> None:
    # GIVEN a message with properties on a fresh queue
    name = harness.new_queue(LOCK_S)
    harness.queue.send(name, [message(1, tenant="acme", kind="readings")])
    # WHEN it is received and completed
    [got] = receive_n(harness.queue, name, 1)
    harness.queue.complete(name, got)
    # THEN body, id and properties came through, and nothing is left
    assert (got.body, got.message_id) == (b"body-1", "msg-1")
    assert dict(got.properties) == {"tenant": "acme", "kind": "readings"}
    assert got.delivery_count == 1
    assert abs(got.enqueued_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert harness.queue.receive(name, 10, LOCK_S) == []


def test_a_locked_message_is_not_handed_out_twice(harness: QueueHarness) -> None:
    name = harness.new_queue(LOCK_S)
    harness.queue.send(name, [message(1)])
    receive_n(harness.queue, name, 1)
    assert harness.queue.receive(name, 10, LOCK_S) == []


def test_an_abandoned_message_comes_back_with_delivery_count_two(harness: QueueHarness) -> None:
    name = harness.new_queue(LOCK_S)
    harness.queue.send(name, [message(1)])
    [first] = receive_n(harness.queue, name, 1)
    # WHEN it is abandoned
    harness.queue.abandon(name, first)
    # THEN it is delivered again at once, counted
    [again] = receive_n(harness.queue, name, 1)
    assert again.message_id == "msg-1"
    assert again.delivery_count == 2


def test_an_expired_lock_redelivers_and_the_old_receipt_is_stale(harness: QueueHarness) -> None:
    name = harness.new_queue(1.0)
    harness.queue.send(name, [message(1)])
    [first] = receive_n(harness.queue, name, 1, lock_s=1)
    # WHEN the lock (visibility timeout) runs out
    time.sleep(1.3)
    [again] = receive_n(harness.queue, name, 1, lock_s=LOCK_S)
    # THEN the message is delivered again and the first receipt no longer settles it
    assert (again.message_id, again.delivery_count) == ("msg-1", 2)
    if harness.detects_stale_receipts:
        with pytest.raises(LockLostError):
            harness.queue.complete(name, first)
    harness.queue.complete(name, again)


def test_a_dead_lettered_message_keeps_its_reason(harness: QueueHarness) -> None:
    name = harness.new_queue(LOCK_S)
    harness.queue.send(name, [message(1, tenant="acme")])
    [got] = receive_n(harness.queue, name, 1)
    # WHEN it is dead-lettered
    harness.queue.dead_letter(name, got, "BadPayload", "row 3: no well id")
    # THEN it left the queue for the dead letters, with reason and description
    assert harness.queue.receive(name, 10, LOCK_S) == []
    [dead] = harness.queue.receive_dead_letters(name, 10)
    assert (dead.message_id, dead.body) == ("msg-1", b"body-1")
    assert dead.properties[DEAD_LETTER_REASON] == "BadPayload"
    assert dead.properties[DEAD_LETTER_DESCRIPTION] == "row 3: no well id"
    assert dead.properties["tenant"] == "acme"
    # AND completing the dead letter (after a replay) removes it
    harness.queue.complete(name, dead)
    assert harness.queue.receive_dead_letters(name, 10) == []


def test_the_delivery_after_the_last_allowed_one_dead_letters(harness: QueueHarness) -> None:
    name = harness.new_queue(LOCK_S)
    harness.queue.send(name, [message(1)])
    # WHEN the message is delivered and abandoned MAX_DELIVERIES times
    for attempt in range(1, MAX_DELIVERIES + 1):
        [got] = receive_n(harness.queue, name, 1)
        assert got.delivery_count == attempt
        harness.queue.abandon(name, got)
    # THEN it is not delivered again but waits in the dead letters
    assert harness.queue.receive(name, 10, LOCK_S, wait_s=0) == []
    [dead] = harness.queue.receive_dead_letters(name, 10)
    assert dead.message_id == "msg-1"
    assert dead.properties[DEAD_LETTER_REASON] == MAX_DELIVERY_REASON


def test_an_oversize_message_is_refused_and_nothing_is_sent(harness: QueueHarness) -> None:
    name = harness.new_queue(LOCK_S)
    limit = harness.queue.max_message_bytes
    oversize = OutgoingMessage(b"x" * (limit + 1), "big")
    # WHEN a batch holding one oversize message is sent
    with pytest.raises(MessageTooLargeError) as refused:
        harness.queue.send(name, [message(1), oversize])
    # THEN the error names the size and the limit, and the batch was not sent
    assert refused.value.size > limit
    assert refused.value.limit == limit
    assert isinstance(refused.value, QueueError)
    assert str(limit) in str(refused.value)
    assert harness.queue.receive(name, 10, LOCK_S, wait_s=0) == []


def test_a_large_binary_message_round_trips(harness: QueueHarness) -> None:
    name = harness.new_queue(LOCK_S)
    body = bytes(range(256)) * 780  # 199,680 bytes: under every adapter's limit
    harness.queue.send(name, [OutgoingMessage(body, "large", {"tenant": "acme"})])
    [got] = receive_n(harness.queue, name, 1)
    assert got.body == body


def test_a_batch_bigger_than_one_service_call_arrives_whole(harness: QueueHarness) -> None:
    name = harness.new_queue(LOCK_S)
    sent = [message(n) for n in range(25)]  # SQS takes 10 per call
    harness.queue.send(name, sent)
    got = receive_n(harness.queue, name, 25)
    assert sorted(m.message_id for m in got) == sorted(m.message_id for m in sent)
    if harness.fifo:  # Service Bus, SQLite and memory keep order; SQS standard does not
        assert [m.message_id for m in got] == [m.message_id for m in sent]


def test_an_empty_receive_returns_promptly(harness: QueueHarness) -> None:
    name = harness.new_queue(LOCK_S)
    started = time.monotonic()
    assert harness.queue.receive(name, 10, LOCK_S, wait_s=0) == []
    assert time.monotonic() - started < 1.0
    started = time.monotonic()
    assert harness.queue.receive(name, 10, LOCK_S, wait_s=1) == []
    assert 0.5 <= time.monotonic() - started < 3.0


def test_a_message_sent_during_a_wait_is_received(harness: QueueHarness) -> None:
    name = harness.new_queue(LOCK_S)
    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(harness.queue.receive, name, 1, LOCK_S, 3)
        time.sleep(0.3)
        harness.queue.send(name, [message(1)])
        got = waiting.result(timeout=10)
    assert [m.message_id for m in got] == ["msg-1"]


def test_settling_twice_is_refused(harness: QueueHarness) -> None:
    if not harness.detects_stale_receipts:
        pytest.skip("SQS may accept a stale receipt handle silently")
    name = harness.new_queue(LOCK_S)
    harness.queue.send(name, [message(1)])
    [got] = receive_n(harness.queue, name, 1)
    harness.queue.complete(name, got)
    with pytest.raises(LockLostError):
        harness.queue.complete(name, got)
    with pytest.raises(LockLostError):
        harness.queue.abandon(name, got)


@pytest.mark.parametrize(
    "bad",
    [
        OutgoingMessage(b"x", "has space"),
        OutgoingMessage(b"x", "ok", {"bad name": "v"}),
        OutgoingMessage(b"x", "ok", {"empty": ""}),
        OutgoingMessage(b"x", "ok", {"dead_letter_reason": "spoof"}),
        OutgoingMessage(b"x", "ok", {f"p{i}": "v" for i in range(9)}),
    ],
)
def test_ids_and_properties_every_service_accepts(harness: QueueHarness, bad: Any) -> None:
    name = harness.new_queue(LOCK_S)
    with pytest.raises(InputError):
        harness.queue.send(name, [bad])
