"""Cutting buffered readings into batches: count, age, bytes; sequences; eviction."""

import uuid

import pytest

from edge_gateway.batching import BatchCutter, BatchLimits, Identity, fit
from edge_gateway.buffer import ReadingBuffer
from shared.core.scada.model.contract import Reading, parse_envelope, verify_and_decode

IDENTITY = Identity(uuid.uuid4(), uuid.uuid4(), b"secret")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def _readings(count: int, start: int = 0) -> list[Reading]:
    return [Reading(i % 50 + 1, 1_700_000_000_000_000 + i * 1000, None, i * 0.37, 0)
            for i in range(start, start + count)]  # fmt: skip


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def buffer(tmp_path, clock):
    opened = ReadingBuffer(tmp_path / "buffer.db", 10**9, "NORMAL", clock)
    yield opened
    opened.close()


def _cutter(buffer, clock, limits, historical=False):
    return BatchCutter(buffer, lambda: IDENTITY, lambda: limits, lambda: historical, clock)


def _decode(body):
    return verify_and_decode(parse_envelope(body), IDENTITY.secret)


def test_full_batches_are_cut_and_the_rest_waits_for_its_age(buffer, clock):
    cutter = _cutter(buffer, clock, BatchLimits(100, 5.0, 200_000))
    buffer.append(_readings(250))
    batches = cutter.cut_ready()
    assert [b.count for b in batches] == [100, 100] and buffer.pending_readings == 50
    clock.now += 5.0
    assert [b.count for b in cutter.cut_ready()] == [50]
    assert buffer.pending_readings == 0 and buffer.batch_count == 3


def test_sequences_grow_and_bodies_hold_the_readings_in_order(buffer, clock):
    cutter = _cutter(buffer, clock, BatchLimits(100, 5.0, 200_000), historical=True)
    buffer.append(_readings(300))
    cut = cutter.cut_ready()
    stored = buffer.unsent(10)
    assert [s.sequence for s in stored] == [0, 1, 2]
    decoded = [_decode(s.body) for s in stored]
    assert [r for d in decoded for r in d.readings] == _readings(300)
    assert all(d.envelope.historical for d in decoded)
    assert [str(d.envelope.batch_id) for d in decoded] == [str(b.batch_id) for b in cut]


def test_a_batch_over_the_byte_limit_is_split_to_fit(buffer, clock):
    cutter = _cutter(buffer, clock, BatchLimits(10_000, 5.0, 8_000))
    buffer.append(_readings(3000))
    batches = cutter.cut_ready(force=True)
    assert len(batches) > 1 and sum(b.count for b in batches) == 3000
    assert all(len(b.body) <= 8_000 for b in batches)


def test_fit_refuses_a_single_reading_that_cannot_fit():
    with pytest.raises(ValueError, match="one reading"):
        fit(IDENTITY, 0, [(1, 1_700_000_000_000_000, None, 0.5, 0, None, None)], False, 100)


def test_split_replaces_a_batch_by_two_in_the_same_place(buffer, clock):
    cutter = _cutter(buffer, clock, BatchLimits(100, 5.0, 200_000))
    buffer.append(_readings(300))
    cutter.cut_ready()
    _, second, _ = buffer.unsent(10)
    cutter.split(second)
    order = buffer.unsent(10)
    assert [b.sequence for b in order] == [0, 3, 4, 2]
    readings = [r for b in order for r in _decode(b.body).readings]
    assert readings == _readings(300)


def test_acknowledged_batches_leave_the_buffer(buffer, clock):
    cutter = _cutter(buffer, clock, BatchLimits(100, 5.0, 200_000))
    buffer.append(_readings(200))
    cutter.cut_ready()
    buffer.acknowledge(buffer.unsent(1))
    assert buffer.batch_count == 1 and buffer.batched_readings == 100


def test_over_the_bound_the_oldest_batches_are_evicted_and_counted(tmp_path, clock):
    buffer = ReadingBuffer(tmp_path / "small.db", 20_000, "NORMAL", clock)
    cutter = _cutter(buffer, clock, BatchLimits(200, 5.0, 200_000))
    for round_ in range(20):
        buffer.append(_readings(200, round_ * 200))
        cutter.cut_ready()
    assert buffer.size_bytes <= 20_000
    assert buffer.counters.evicted_batches > 0
    assert buffer.counters.evicted_readings == 200 * buffer.counters.evicted_batches
    kept = [b.sequence for b in buffer.unsent(100)]
    assert kept == list(range(20 - len(kept), 20))
    buffer.close()


def test_totals_survive_a_reopen(tmp_path, clock):
    path = tmp_path / "reopen.db"
    buffer = ReadingBuffer(path, 10**9, "FULL", clock)
    buffer.append(_readings(150))
    _cutter(buffer, clock, BatchLimits(100, 5.0, 200_000)).cut_ready()
    buffer.close()
    again = ReadingBuffer(path, 10**9, "FULL", clock)
    assert (again.pending_readings, again.batch_count, again.batched_readings) == (50, 1, 100)
    assert again.next_sequence() == 1
    again.close()
