"""Gap backfill against a real asyncua server that historizes its tags (HistorySQLite):
a cut link and a server restart leave no hole, and nothing arrives twice.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict

import httpx
import pytest

from edge_gateway.logs import AsyncuaNoise
from shared.adapters.local.sqlite_queue import SqliteQueue
from shared.core.scada.model.contract import DecodedBatch
from tests.integration.gateway_history_support import (
    Historian,
    Proxy,
    historian_config,
    node_of,
)
from tests.integration.test_gateway_support import (
    RunningGateway,
    free_port,
    read_batches,
    settings_for,
    wait_for,
    write_config,
)

TAGS = 6


@pytest.fixture
def historian(tmp_path):
    server = Historian(free_port(), TAGS, tmp_path / "history.sqlite")
    server.start()
    server.start_ticking()
    yield server
    server.close()


@pytest.fixture
def proxy(historian):
    front = Proxy(free_port(), historian.port)
    front.open()
    yield front
    front.close()


def _gateway(tmp_path, proxy, **settings) -> RunningGateway:
    endpoint = f"opc.tcp://127.0.0.1:{proxy.port}/wellos/historian"
    config_file = write_config(tmp_path / "gateway.json", historian_config(endpoint, TAGS))
    state = settings_for(tmp_path / "state", config_file, **settings)
    return RunningGateway(state, SqliteQueue(state.queue_path))


def _received(batches: list[DecodedBatch]) -> dict[str, list[tuple[int, float, bool]]]:
    found: dict[str, list[tuple[int, float, bool]]] = defaultdict(list)
    for batch in batches:
        for reading in batch.readings:
            found[node_of(reading.tag_id)].append(
                (reading.source_ts_us, reading.value, batch.envelope.historical)
            )
    return found


def _assert_gap_filled_once(historian, batches, cut_at: float, back_at: float) -> int:
    """Every value the server produced between the gateway's first and last reading of a
    tag arrived exactly once; the ones from the outage came flagged historical."""
    produced = historian.produced()
    received = _received(batches)
    gap_values = 0
    for node, readings in received.items():
        times = [t for t, _, _ in readings]
        assert len(times) == len(set(times)), f"{node}: a value arrived twice"
        truth = [(t, v) for t, v in produced[node] if min(times) <= t <= max(times)]
        assert sorted((t, v) for t, v, _ in readings) == truth, f"{node}: values missing"
        in_gap = [r for r in readings if cut_at * 1e6 < r[0] < back_at * 1e6 - 500_000]
        assert in_gap and all(historical for _, _, historical in in_gap), node
        gap_values += len(in_gap)
    assert len(received) == TAGS
    return gap_values


def test_a_cut_link_is_backfilled_from_history_exactly_once(historian, proxy, tmp_path):
    # GIVEN a gateway reading a historizing server through a link that can be cut
    with _gateway(tmp_path, proxy) as gateway:
        wait_for(lambda: gateway.metrics.readings_received >= 10 * TAGS, 20, "live values")
        connection = next(iter(gateway.metrics.connections.values()))
        # WHEN the link is down for 3 s while the server keeps producing
        cut_at = time.time()
        proxy.cut()
        wait_for(lambda: connection.state != "connected", 10, "the loss to be noticed")
        time.sleep(3)
        proxy.open()
        back_at = time.time()
        # THEN the session comes back and the gap is read from the server's history
        wait_for(lambda: connection.backfilled > 0, 20, "a backfill")
        wait_for(lambda: connection.backfill_state == "idle", 20, "the backfill to finish")
        time.sleep(1)
        historian.stop_ticking()
        published = gateway.metrics.readings_published
        wait_for(lambda: gateway.service.buffer.batch_count == 0, 10, "everything sent")
        page = httpx.get(f"http://127.0.0.1:{gateway.service.ops.port}/metrics", timeout=5).text
    assert published > 0
    gap = _assert_gap_filled_once(historian, read_batches(tmp_path / "state" / "queue.db"),
                                  cut_at, back_at)  # fmt: skip
    assert gap >= 20 * TAGS  # ~3 s at 10 Hz per tag
    assert connection.outages == 1 and connection.last_outage_s > 2.5
    labels = f'{{connection="hist",id="{connection.connection_id}"}}'
    assert f"connection_backfilled_readings_total{labels} {connection.backfilled}" in page
    assert 'connection_backfill_state{connection="hist"' in page


def test_history_survives_a_server_restart_and_fills_the_gap(historian, proxy, tmp_path):
    # GIVEN a gateway reading a historizing server (history in a SQLite file)
    with _gateway(tmp_path, proxy) as gateway:
        wait_for(lambda: gateway.metrics.readings_received >= 10 * TAGS, 20, "live values")
        connection = next(iter(gateway.metrics.connections.values()))
        # WHEN the link drops, the server goes on for 2 s, then is stopped for 3 s and restarted
        cut_at = time.time()
        proxy.cut()
        time.sleep(2)
        historian.stop_ticking()
        historian.stop()
        time.sleep(3)
        historian.start()
        historian.start_ticking()
        proxy.open()
        back_at = time.time()
        # THEN what the server historized before it stopped arrives, flagged historical
        wait_for(lambda: connection.backfilled >= 10 * TAGS, 30, "a backfill")
        wait_for(lambda: connection.backfill_state == "idle", 20, "the backfill to finish")
        time.sleep(1)
        historian.stop_ticking()
        wait_for(lambda: gateway.service.buffer.batch_count == 0, 10, "everything sent")
    _assert_gap_filled_once(historian, read_batches(tmp_path / "state" / "queue.db"),
                            cut_at, back_at)  # fmt: skip


def test_backfill_can_be_turned_off_per_connection(historian, proxy, tmp_path):
    gateway = _gateway(tmp_path, proxy, connections={"hist": {"backfill": False}})
    with gateway:
        wait_for(lambda: gateway.metrics.readings_received >= 5 * TAGS, 20, "live values")
        connection = next(iter(gateway.metrics.connections.values()))
        proxy.cut()
        time.sleep(2)
        proxy.open()
        wait_for(lambda: connection.sessions >= 2, 15, "a new session")
        wait_for(lambda: connection.backfill_state == "disabled", 10, "backfill off")
        time.sleep(1)
    assert connection.backfilled == 0 and gateway.metrics.readings_backfilled == 0


def test_a_connection_loss_logs_one_line_and_no_asyncua_traceback(historian, proxy, tmp_path):
    # GIVEN the gateway's log filter on a handler that records what would be printed
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append  # type: ignore[method-assign]
    handler.addFilter(AsyncuaNoise())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with _gateway(tmp_path, proxy) as gateway:
            wait_for(lambda: gateway.metrics.readings_received >= 5 * TAGS, 20, "live values")
            connection = next(iter(gateway.metrics.connections.values()))
            records.clear()
            # WHEN the link is lost for a few reconnect attempts
            proxy.cut()
            wait_for(lambda: connection.reconnects >= 3, 20, "reconnect attempts")
            proxy.open()
            wait_for(lambda: connection.state == "connected", 20, "back")
    finally:
        root.removeHandler(handler)
    # THEN one warning of ours says so; asyncua's errors and tracebacks are not printed
    warnings = [r for r in records if r.levelno >= logging.WARNING]
    ours = [r.getMessage() for r in warnings if r.name.startswith("edge_gateway")]
    assert any("session lost" in m for m in ours), ours
    assert len([m for m in ours if "hist" in m]) <= 2, ours  # the loss, then "cannot connect"
    assert not [r for r in warnings if r.name.startswith("asyncua") and r.levelno >= logging.ERROR]
    assert not [r for r in warnings if r.exc_info]


def test_values_produced_while_the_gateway_was_stopped_are_backfilled_at_start(
    historian, proxy, tmp_path
):
    # GIVEN a gateway that ran, was stopped, and whose server went on producing for 3 s
    with _gateway(tmp_path, proxy) as gateway:
        wait_for(lambda: gateway.metrics.readings_published >= 10 * TAGS, 20, "live values")
    stopped_at = time.time()
    time.sleep(3)
    # WHEN it starts again with the same state directory
    with _gateway(tmp_path, proxy) as gateway:
        wait_for(lambda: bool(gateway.metrics.connections), 20, "the connection's metrics")
        connection = next(iter(gateway.metrics.connections.values()))
        wait_for(lambda: connection.backfilled >= 20 * TAGS, 20, "the downtime backfilled")
        wait_for(lambda: connection.backfill_state == "idle", 20, "the backfill to finish")
        historian.stop_ticking()
        wait_for(lambda: gateway.service.buffer.batch_count == 0, 10, "everything sent")
    # THEN its own downtime is filled from the server's history, nothing twice
    _assert_gap_filled_once(historian, read_batches(tmp_path / "state" / "queue.db"),
                            stopped_at, stopped_at + 3)  # fmt: skip
