"""Store-and-forward against a real asyncua server and the real SQLite queue adapter:
a queue outage replays in order flagged historical; a full buffer evicts the oldest.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from functions.local.simulator.catalog import FieldLayout, gateway_config
from shared.adapters.local.sqlite_queue import SqliteQueue
from shared.core.scada.model.gateway_config import BatchSettings
from tests.integration.test_gateway_support import (
    GATEWAY,
    TENANT,
    CuttableQueue,
    RunningGateway,
    ThreadedRtu,
    free_port,
    read_batches,
    settings_for,
    wait_for,
    write_config,
)


@pytest.fixture(scope="module")
def ticking_rtu():
    with ThreadedRtu(FieldLayout(2, 4, 1, base_port=free_port()), rate_hz=10.0) as rtu:
        rtu.start_ticking()
        yield rtu


def _start(tmp_path, rtu, **settings):
    config = gateway_config(
        rtu.layout, TENANT, GATEWAY, batch=BatchSettings(max_age_s=0.2),
        publishing_interval_ms=100, sampling_interval_ms=100,
    )  # fmt: skip
    state = settings_for(tmp_path / "state", write_config(tmp_path / "g.json", config), **settings)
    queue = CuttableQueue(SqliteQueue(state.queue_path))
    return RunningGateway(state, queue), queue


def test_queue_outage_replays_everything_in_order_flagged_historical(ticking_rtu, tmp_path):
    gateway, queue = _start(tmp_path, ticking_rtu)
    with gateway:
        wait_for(lambda: gateway.metrics.batches_published >= 3, 15, "live batches")
        # WHEN the queue is unavailable for a while
        queue.down.set()
        wait_for(lambda: gateway.service.buffer.batch_count >= 8, 15, "a backlog on disk")
        assert gateway.service.publisher.degraded
        queue.down.clear()
        # THEN the backlog drains and live publishing resumes
        wait_for(lambda: gateway.service.buffer.batch_count == 0, 15, "backlog drained")
        wait_for(lambda: not gateway.service.publisher.degraded, 15, "live again")
        published_before = gateway.metrics.batches_published
        wait_for(lambda: gateway.metrics.batches_published > published_before + 2, 15, "live")
    batches = read_batches(tmp_path / "state" / "queue.db")
    assert queue.refused > 0
    sequences = [b.envelope.sequence for b in batches]
    assert sequences == sorted(sequences) and len(set(sequences)) == len(sequences)
    flags = [b.envelope.historical for b in batches]
    assert any(flags), "batches cut during the outage are flagged historical"
    first, last = flags.index(True), len(flags) - 1 - flags[::-1].index(True)
    assert all(flags[first : last + 1]) and not flags[-1], "one historical stretch, then live"
    # every reading received arrives exactly once, and each tag's readings stay in time order
    readings = [r for b in batches for r in b.readings]
    assert len(readings) == gateway.metrics.readings_received
    assert len({(r.tag_id, r.source_ts_us) for r in readings}) == len(readings)
    per_tag = defaultdict(list)
    for reading in readings:
        per_tag[reading.tag_id].append(reading.source_ts_us)
    assert all(times == sorted(times) for times in per_tag.values())


def test_full_buffer_evicts_the_oldest_and_counts_it(ticking_rtu, tmp_path):
    gateway, queue = _start(tmp_path, ticking_rtu, max_buffer_bytes=16 * 1024)
    queue.down.set()
    with gateway:
        # WHEN the queue stays down until the bounded buffer is full
        wait_for(lambda: gateway.service.buffer.counters.evicted_batches >= 3, 30, "evictions")
        queue.down.clear()
        wait_for(lambda: gateway.service.buffer.batch_count == 0, 15, "drained")
        metrics = gateway.service._metrics_page()[2]
        evicted = gateway.service.buffer.counters.evicted_readings
        received = gateway.metrics.readings_received
        assert gateway.service.buffer.size_bytes <= 16 * 1024
    # THEN the eviction is counted (metric too) and received = published + evicted
    assert f"wellos_gateway_evicted_readings_total {evicted}" in metrics
    batches = read_batches(tmp_path / "state" / "queue.db")
    published = sum(len(b.readings) for b in batches)
    assert published + evicted == received and evicted > 0
    # the oldest went: what survived starts with the highest sequence numbers kept in order
    sequences = [b.envelope.sequence for b in batches]
    assert sequences == sorted(sequences) and sequences[0] > 0
