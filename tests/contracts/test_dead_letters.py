"""Dead-letter operations (peek, replay, purge) on every queue adapter.

The same harness as the queue contract: memory, the local SQLite queue, the real
ServiceBusQueue on the SDK double, and SqsQueue on moto server.
"""

from __future__ import annotations

import pytest

from shared.core.common.errors import LockLostError
from shared.core.messaging.errors import DeadLetterNotFoundError
from shared.core.messaging.services import DeadLetters
from shared.core.ports.queue import DEAD_LETTER_DESCRIPTION, DEAD_LETTER_REASON
from tests.contracts import test_queue_contract as contract
from tests.contracts.test_queue_contract import (
    LOCK_S,
    MAX_DELIVERIES,
    QueueHarness,
    message,
    receive_n,
)

harness = contract.harness  # the contract's fixture: every adapter


def bury(h: QueueHarness, name: str, count: int, reason: str = "BadPayload") -> None:
    """Send `count` messages and dead-letter each, as a failing consumer would."""
    h.queue.send(name, [message(n, tenant="acme") for n in range(1, count + 1)])
    for got in receive_n(h.queue, name, count):
        h.queue.dead_letter(name, got, reason, f"{got.message_id} has no well id")


def test_peeking_shows_reason_and_deliveries_and_settles_nothing(harness: QueueHarness) -> None:
    name = harness.new_queue(LOCK_S)
    bury(harness, name, 3)
    # WHEN the dead letters are listed twice
    first = DeadLetters(harness.queue).list(name, 10)
    second = DeadLetters(harness.queue).list(name, 10)
    # THEN both show every message with its reason, description and delivery count
    assert sorted(m.message_id for m in first) == ["msg-1", "msg-2", "msg-3"]
    assert sorted(m.message_id for m in second) == ["msg-1", "msg-2", "msg-3"]
    one = next(m for m in first if m.message_id == "msg-1")
    assert one.body == b"body-1"
    assert one.properties[DEAD_LETTER_REASON] == "BadPayload"
    assert one.properties[DEAD_LETTER_DESCRIPTION] == "msg-1 has no well id"
    assert one.properties["tenant"] == "acme"
    assert one.delivery_count == 1
    # AND a peeked message cannot be settled, nor did peeking send anything back
    with pytest.raises(LockLostError):
        harness.queue.complete(name, one)
    assert harness.queue.receive(name, 10, LOCK_S, wait_s=0) == []


def test_list_is_bounded_by_the_limit(harness: QueueHarness) -> None:
    name = harness.new_queue(LOCK_S)
    bury(harness, name, 5)
    assert len(DeadLetters(harness.queue).list(name, 2)) == 2


def test_show_finds_one_dead_letter_by_id(harness: QueueHarness) -> None:
    name = harness.new_queue(LOCK_S)
    bury(harness, name, 2)
    shown = DeadLetters(harness.queue).show(name, "msg-2")
    assert (shown.message_id, shown.body) == ("msg-2", b"body-2")
    with pytest.raises(DeadLetterNotFoundError):
        DeadLetters(harness.queue).show(name, "msg-9")


def test_replay_sends_the_message_back_and_removes_the_dead_letter(
    harness: QueueHarness,
) -> None:
    name = harness.new_queue(LOCK_S)
    bury(harness, name, 1)
    # WHEN it is replayed
    settled = DeadLetters(harness.queue).replay(name, ["msg-1"])
    # THEN the main queue delivers it again, same body, id and properties, no reason
    assert (settled.message_ids, settled.missing) == (["msg-1"], [])
    [again] = receive_n(harness.queue, name, 1)
    assert (again.message_id, again.body) == ("msg-1", b"body-1")
    assert dict(again.properties) == {"tenant": "acme"}
    assert DeadLetters(harness.queue).list(name, 10) == []


def test_a_replayed_message_that_fails_again_is_dead_lettered_again(
    harness: QueueHarness,
) -> None:
    name = harness.new_queue(LOCK_S)
    bury(harness, name, 1, reason="DatabaseDown")
    DeadLetters(harness.queue).replay(name)
    # WHEN the consumer fails on it again, with a new reason
    [again] = receive_n(harness.queue, name, 1)
    harness.queue.dead_letter(name, again, "StillBroken", "well 42 is unknown")
    # THEN it waits in the dead letters once more, with the new reason: never lost
    [dead] = DeadLetters(harness.queue).list(name, 10)
    assert dead.message_id == "msg-1"
    assert dead.properties[DEAD_LETTER_REASON] == "StillBroken"
    assert dead.properties[DEAD_LETTER_DESCRIPTION] == "well 42 is unknown"


def test_a_replayed_message_abandoned_until_the_limit_returns_to_the_dead_letters(
    harness: QueueHarness,
) -> None:
    name = harness.new_queue(LOCK_S)
    bury(harness, name, 1)
    DeadLetters(harness.queue).replay(name)
    # WHEN every delivery of the replayed message is abandoned (a consumer that crashes)
    for _ in range(MAX_DELIVERIES):
        [got] = receive_n(harness.queue, name, 1)
        harness.queue.abandon(name, got)
    assert harness.queue.receive(name, 10, LOCK_S, wait_s=0) == []
    # THEN the queue dead-letters it again
    [dead] = DeadLetters(harness.queue).list(name, 10)
    assert dead.message_id == "msg-1"
    assert dead.properties[DEAD_LETTER_REASON] == "MaxDeliveryCountExceeded"


def test_replay_of_chosen_ids_keeps_the_others_available(harness: QueueHarness) -> None:
    name = harness.new_queue(LOCK_S)
    bury(harness, name, 3)
    # WHEN one of three is replayed, and an id that is not there is asked for
    settled = DeadLetters(harness.queue).replay(name, ["msg-2", "msg-7"])
    # THEN that one is back on the queue, the missing id is reported
    assert (settled.message_ids, settled.missing) == (["msg-2"], ["msg-7"])
    [back] = receive_n(harness.queue, name, 1)
    assert back.message_id == "msg-2"
    # AND the other two are released at once: still listed, still replayable
    left = DeadLetters(harness.queue).list(name, 10)
    assert sorted(m.message_id for m in left) == ["msg-1", "msg-3"]
    assert sorted(DeadLetters(harness.queue).replay(name).message_ids) == ["msg-1", "msg-3"]


def test_replay_all_honours_the_limit(harness: QueueHarness) -> None:
    name = harness.new_queue(LOCK_S)
    bury(harness, name, 4)
    settled = DeadLetters(harness.queue).replay(name, limit=3)
    assert len(settled.message_ids) == 3
    assert len(DeadLetters(harness.queue).list(name, 10)) == 1


def test_purge_deletes_the_chosen_dead_letters(harness: QueueHarness) -> None:
    name = harness.new_queue(LOCK_S)
    bury(harness, name, 3)
    assert DeadLetters(harness.queue).purge(name, ["msg-1"]).message_ids == ["msg-1"]
    assert sorted(m.message_id for m in DeadLetters(harness.queue).list(name, 10)) == [
        "msg-2",
        "msg-3",
    ]
    assert len(DeadLetters(harness.queue).purge(name).message_ids) == 2
    assert DeadLetters(harness.queue).list(name, 10) == []
    assert harness.queue.receive(name, 10, LOCK_S, wait_s=0) == []
