"""Faults end to end with real processes: an RTU restarted under a running gateway, and a
gateway killed with SIGKILL mid-batch and restarted (nothing lost, nothing duplicated).
"""

from __future__ import annotations

import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from functions.local.simulator.catalog import FieldLayout, gateway_config
from functions.local.simulator.field import Field, FieldOptions
from shared.adapters.local.sqlite_queue import SqliteQueue
from shared.core.scada.model.contract import DecodedBatch, parse_envelope, verify_and_decode
from shared.core.scada.model.gateway_config import BatchSettings
from tests.integration.test_gateway_support import (
    GATEWAY,
    SECRET,
    TENANT,
    RunningGateway,
    free_port,
    read_batches,
    settings_for,
    wait_for,
    write_config,
)

ROOT = Path(__file__).resolve().parents[2]
RATE_HZ = 10.0
QUICK = {"batch": BatchSettings(max_age_s=0.2), "publishing_interval_ms": 100}


@pytest.fixture
def field(tmp_path):
    layout = FieldLayout(3, 4, 1, base_port=free_port())
    running = Field(FieldOptions(layout, RATE_HZ, bad_rate=0.0, log_dir=tmp_path / "logs"))
    running.start()
    yield running
    running.stop()


def test_readings_resume_after_the_opc_server_restarts(field, tmp_path):
    config = gateway_config(
        field.options.layout, TENANT, GATEWAY, sampling_interval_ms=100, **QUICK
    )
    settings = settings_for(tmp_path / "state", write_config(tmp_path / "g.json", config))
    with RunningGateway(settings, SqliteQueue(settings.queue_path)) as gateway:
        wait_for(lambda: bool(gateway.metrics.connections), 10, "the connection to start")
        connection = next(iter(gateway.metrics.connections.values()))
        wait_for(lambda: gateway.metrics.readings_published >= 24, 20, "readings before")
        # WHEN the RTU dies without a goodbye and comes back on the same endpoint
        field.rtus[0].kill()
        wait_for(lambda: connection.state != "connected", 20, "the loss to be noticed")
        restarted_at = time.time()
        field.restart(0)
        # THEN the same gateway (no restart) rebuilds its session and readings flow again
        wait_for(lambda: connection.sessions >= 2, 30, "a new session")
        fresh = gateway.metrics.readings_published
        wait_for(lambda: gateway.metrics.readings_published >= fresh + 24, 20, "readings after")
        assert connection.state == "connected" and connection.reconnects >= 1
    after = [
        r for b in read_batches(tmp_path / "state" / "queue.db") for r in b.readings
        if r.source_ts_us > restarted_at * 1_000_000
    ]  # fmt: skip
    assert len({r.tag_id for r in after}) == 12


def test_a_frozen_rtu_is_detected_by_the_keepalive_probe_and_recovered(field, tmp_path):
    config = gateway_config(
        field.options.layout, TENANT, GATEWAY, sampling_interval_ms=100, **QUICK
    )
    settings = settings_for(tmp_path / "state", write_config(tmp_path / "g.json", config))
    with RunningGateway(settings, SqliteQueue(settings.queue_path)) as gateway:
        wait_for(lambda: bool(gateway.metrics.connections), 10, "the connection to start")
        connection = next(iter(gateway.metrics.connections.values()))
        wait_for(lambda: gateway.metrics.readings_published >= 24, 20, "readings before")
        # WHEN the RTU hangs with its socket open (SIGSTOP): no FIN, no answers
        os.kill(field.rtus[0].pid, signal.SIGSTOP)
        try:
            wait_for(lambda: connection.state != "connected", 20, "the probe to give up")
        finally:
            os.kill(field.rtus[0].pid, signal.SIGCONT)
        # THEN once it answers again a new session delivers
        wait_for(lambda: connection.sessions >= 2, 30, "a new session")
        fresh = gateway.metrics.readings_published
        wait_for(lambda: gateway.metrics.readings_published >= fresh + 24, 20, "readings after")


def _gateway_process(config_file: Path, state: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "WELLOS_GATEWAY_SECRET": SECRET,
        "WELLOS_GATEWAY_HTTP_PORT": "0",
        "WELLOS_GATEWAY_FLUSH_INTERVAL_S": "0.05",
        "WELLOS_GATEWAY_RECONNECT_MAX_S": "1",
    }
    command = [sys.executable, "-m", "edge_gateway", "--config-file", str(config_file),
               "--state-dir", str(state)]  # fmt: skip
    return subprocess.Popen(command, env=env, stderr=log.open("ab"), cwd=ROOT)


def _queued(queue_db: Path) -> int:
    if not queue_db.exists():
        return 0
    try:
        with sqlite3.connect(queue_db, timeout=30) as db:
            return int(db.execute("SELECT count(*) FROM messages").fetchone()[0])
    except sqlite3.OperationalError:  # the gateway has not created the table yet
        return 0


def _snapshot(buffer_db: Path) -> tuple[set[tuple[int, int]], dict[str, DecodedBatch]]:
    """What the killed gateway had made durable: loose readings and cut batches."""
    with sqlite3.connect(buffer_db) as db:
        loose = {(r[0], r[1]) for r in db.execute("SELECT tag_id, t FROM readings")}
        bodies = [bytes(r[0]) for r in db.execute("SELECT body FROM batches")]
    batches = [verify_and_decode(parse_envelope(body), SECRET.encode()) for body in bodies]
    return loose, {str(b.envelope.batch_id): b for b in batches}


def test_kill_9_mid_batch_loses_and_duplicates_nothing(field, tmp_path):
    # GIVEN a gateway process publishing small batches every 0.2 s
    config = gateway_config(
        field.options.layout, TENANT, GATEWAY, sampling_interval_ms=100, **QUICK
    )
    config_file = write_config(tmp_path / "g.json", config)
    state, log = tmp_path / "state", tmp_path / "gateway.log"
    queue_db = state / "queue.db"
    gateway = _gateway_process(config_file, state, log)
    durable: set[tuple[int, int]] = set()
    durable_batches: dict[str, DecodedBatch] = {}
    try:
        for expected in (4, 8):
            wait_for(lambda n=expected: _queued(queue_db) >= n, 40, "batches on the queue")
            # WHEN it is killed with SIGKILL mid-stream, then started again
            gateway.send_signal(signal.SIGKILL)
            gateway.wait(10)
            loose, batches = _snapshot(state / "buffer.db")
            durable |= loose
            durable_batches.update(batches)
            gateway = _gateway_process(config_file, state, log)
        wait_for(lambda: _queued(queue_db) >= 16, 40, "batches after the restarts")
    finally:
        gateway.send_signal(signal.SIGTERM)
        try:
            code = gateway.wait(30)
        except subprocess.TimeoutExpired:
            gateway.kill()
            gateway.wait(10)
            raise
    assert code == 0, "a graceful stop exits 0"
    # THEN duplicates on the wire carry the same batch id and identical readings
    by_id: dict[str, list[DecodedBatch]] = defaultdict(list)
    for batch in read_batches(queue_db):
        by_id[str(batch.envelope.batch_id)].append(batch)
    for copies in by_id.values():
        assert all(copy.readings == copies[0].readings for copy in copies)
    # no reading is in two different batches, and all that was on disk at the kill arrived
    union = [(r.tag_id, r.source_ts_us) for copies in by_id.values() for r in copies[0].readings]
    assert len(union) == len(set(union))
    assert durable <= set(union)
    for batch_id, batch in durable_batches.items():
        assert by_id[batch_id][0].readings == batch.readings
    # each tag's values have at most one gap per kill (the seconds the gateway was down)
    period_us = int(1_000_000 / RATE_HZ)
    per_tag: dict[int, list[int]] = defaultdict(list)
    for tag, moment in union:
        per_tag[tag].append(moment)
    for times in per_tag.values():
        times.sort()
        gaps = [b - a for a, b in itertools.pairwise(times) if b - a > period_us * 1.5]
        assert len(gaps) <= 2, gaps
    assert len(per_tag) == 12
