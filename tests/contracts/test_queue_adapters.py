"""Adapter-specific queue behaviour beyond the shared contract.

SQS: the adapter's own max-delivery check (queues without a redrive policy).
SQLite: one file shared by threads and processes (the local runner and the edge gateway).
Service Bus double: the SDK behaviour the adapter relies on, with the SDK's exceptions.
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from azure.servicebus import ServiceBusMessage, ServiceBusSubQueue
from azure.servicebus.exceptions import (
    MessageAlreadySettled,
    MessageLockLostError,
    MessageSizeExceededError,
    MessagingEntityNotFoundError,
    ServiceBusError,
)

from shared.adapters.aws.sqs_queue import DLQ_SUFFIX, SqsQueue
from shared.adapters.local.sqlite_queue import SqliteQueue
from shared.core.ports.queue import DEAD_LETTER_DESCRIPTION, DEAD_LETTER_REASON, MAX_DELIVERY_REASON
from tests.contracts.service_bus_double import FakeServiceBus
from tests.contracts.test_queue_contract import LOCK_S, message, receive_n, unique_queue_name

# --- SQS: the adapter's own max-delivery check, for queues without a redrive policy ---


def test_sqs_adapter_dead_letters_over_delivered_messages_itself(aws_client: Any) -> None:
    # GIVEN a queue and its -dlq, but no redrive policy
    client = aws_client("sqs")
    name = unique_queue_name()
    urls = [client.create_queue(QueueName=n)["QueueUrl"] for n in (name, name + DLQ_SUFFIX)]
    queue = SqsQueue(client, max_delivery_count=2)
    queue.send(name, [message(1)])
    # WHEN the message is delivered twice and abandoned each time
    for _ in range(2):
        [got] = receive_n(queue, name, 1)
        queue.abandon(name, got)
    # THEN the third receive moves it to the dead letters instead of handing it out
    assert queue.receive(name, 10, LOCK_S) == []
    [dead] = queue.receive_dead_letters(name, 10)
    assert dead.properties[DEAD_LETTER_REASON] == MAX_DELIVERY_REASON
    assert dead.properties[DEAD_LETTER_DESCRIPTION] == "received 3 times"
    for url in urls:
        client.delete_queue(QueueUrl=url)


# --- SQLite: one file shared by threads and processes (local runner + edge gateway) ---


def _drain(path: Path, out: Any) -> None:
    """Receive and complete until the queue stays empty; report the ids handled."""
    queue = SqliteQueue(path)
    handled: list[str] = []
    with ThreadPoolExecutor(3) as pool:
        for ids in pool.map(lambda _: _drain_thread(queue), range(3)):
            handled += ids
    queue.close()
    out.put(handled)


def _drain_thread(queue: SqliteQueue) -> list[str]:
    handled: list[str] = []
    while got := queue.receive("shared", 5, 60, wait_s=0.3):
        for item in got:
            queue.complete("shared", item)
            handled.append(item.message_id)
    return handled


def test_sqlite_processes_and_threads_never_share_a_message(tmp_path: Path) -> None:
    # GIVEN 400 messages in one SQLite file
    path = tmp_path / "shared.db"
    producer = SqliteQueue(path)
    producer.send("shared", [message(n) for n in range(400)])
    # WHEN two processes with three threads each drain it
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    workers = [context.Process(target=_drain, args=(path, out)) for _ in range(2)]
    for worker in workers:
        worker.start()
    handled = out.get(timeout=60) + out.get(timeout=60)
    for worker in workers:
        worker.join(timeout=10)
    # THEN every message was handled exactly once
    assert sorted(handled) == sorted(f"msg-{n}" for n in range(400))
    assert producer.receive("shared", 10, 60) == []
    producer.close()


# --- the Service Bus double: the SDK behaviour the adapter relies on, raised as the SDK does ---


def _double(lock_s: float = 30) -> tuple[Any, Any, Any]:
    bus = FakeServiceBus()
    bus.create_queue("ingest", lock_duration_s=lock_s, max_delivery_count=2)
    client = bus.client()
    client.get_queue_sender("ingest").send_messages(ServiceBusMessage(b"x", message_id="m1"))
    return bus, client, client.get_queue_receiver("ingest")


def test_double_refuses_settling_twice_and_through_another_receiver() -> None:
    _, client, receiver = _double()
    [got] = receiver.receive_messages(max_message_count=5, max_wait_time=1)
    assert got.delivery_count == 0  # AMQP header: earlier deliveries
    with pytest.raises(ServiceBusError):
        client.get_queue_receiver("ingest").complete_message(got)
    receiver.complete_message(got)
    with pytest.raises(MessageAlreadySettled):
        receiver.abandon_message(got)


def test_double_loses_the_lock_after_lock_duration_and_dead_letters_at_the_max() -> None:
    _, client, receiver = _double(lock_s=0.2)
    [first] = receiver.receive_messages(max_wait_time=1)
    time.sleep(0.3)
    with pytest.raises(MessageLockLostError):
        receiver.complete_message(first)
    [second] = receiver.receive_messages(max_wait_time=1)
    assert second.delivery_count == 1
    receiver.abandon_message(second)  # the second of two allowed deliveries
    assert receiver.receive_messages(max_wait_time=0.1) == []
    dead_letters = client.get_queue_receiver("ingest", sub_queue=ServiceBusSubQueue.DEAD_LETTER)
    [dead] = dead_letters.receive_messages(max_wait_time=1)
    assert dead.dead_letter_reason == "MaxDeliveryCountExceeded"


def test_double_validates_like_the_sdk() -> None:
    _, client, receiver = _double()
    with pytest.raises(ValueError):
        receiver.receive_messages(max_wait_time=0)
    with pytest.raises(MessageSizeExceededError):
        client.get_queue_sender("ingest").send_messages(ServiceBusMessage(b"x" * 262_144))
    with pytest.raises(MessagingEntityNotFoundError):
        client.get_queue_sender("missing").send_messages(ServiceBusMessage(b"x"))
    receiver.close()
    with pytest.raises(ValueError):
        receiver.receive_messages(max_wait_time=1)


def test_double_peeks_like_the_sdk_without_locking_or_settling() -> None:
    _, client, receiver = _double()
    client.get_queue_sender("ingest").send_messages(ServiceBusMessage(b"y", message_id="m2"))
    # WHEN the queue is browsed from the start, then without a sequence number
    first = receiver.peek_messages(max_message_count=1, sequence_number=1)
    after = receiver.peek_messages(max_message_count=5)
    # THEN a browse without one continues after the last message peeked, as the SDK does
    assert [m.message_id for m in first] == ["m1"]
    assert [m.message_id for m in after] == ["m2"]
    assert receiver.peek_messages(max_message_count=5) == []
    # AND peeked messages were not locked (both still receivable) and cannot be settled
    with pytest.raises(ValueError, match="peeked"):
        receiver.complete_message(first[0])
    got = receiver.receive_messages(max_message_count=5, max_wait_time=1)
    assert [m.message_id for m in got] == ["m1", "m2"]
