"""Gateway metrics and their Prometheus text exposition (no client library needed)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

CONNECTION_STATES = ("connecting", "connected", "reconnecting", "stopped")
BACKFILL_STATES = ("idle", "waiting", "running", "failed", "unsupported", "disabled")


@dataclass
class ConnectionMetrics:
    name: str
    connection_id: str
    state: str = "connecting"
    cause: str = ""
    """Why the connection is not (fully) working: diagnosis.* causes, "" when fine."""
    acquisition: str = "subscription"
    sessions: int = 0
    reconnects: int = 0
    readings: int = 0
    last_value_at: float | None = None
    outages: int = 0
    outage_started_at: float | None = None
    """Wall time the current outage began (None while connected)."""
    last_outage_s: float = 0.0
    """Length of the last outage: lost session to first live value of the next one."""
    back_to_live_s: float = 0.0
    """Last time from the server accepting TCP again to the first live value."""
    backfill_state: str = "idle"
    backfilled: int = 0
    backfill_gaps: int = 0
    unmonitored: dict[str, int] = field(default_factory=dict)
    """Tags the server refused to monitor, by cause (e.g. node_id_unknown)."""


@dataclass
class GatewayMetrics:
    readings_received: int = 0
    readings_duplicate: int = 0
    readings_backfilled: int = 0
    readings_buffered: int = 0
    readings_published: int = 0
    batches_cut: int = 0
    batches_published: int = 0
    publish_failures: int = 0
    subscription_overflows: int = 0
    last_publish_at: float | None = None
    config_revision: int = -1
    config_from_cache: bool = False
    started_at: float = field(default_factory=time.time)
    connections: dict[str, ConnectionMetrics] = field(default_factory=dict)

    def connection(self, connection_id: str, name: str) -> ConnectionMetrics:
        found = self.connections.get(connection_id)
        if found is None:
            found = self.connections[connection_id] = ConnectionMetrics(name, connection_id)
        return found


@dataclass(frozen=True)
class BufferView:
    pending_readings: int
    batches: int
    batched_readings: int
    size_bytes: int
    max_bytes: int
    evicted_readings: int
    evicted_batches: int


def _line(name: str, kind: str, help_text: str, value: float, labels: str = "") -> Iterator[str]:
    yield f"# HELP {name} {help_text}"
    yield f"# TYPE {name} {kind}"
    yield f"{name}{labels} {value}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def render(
    metrics: GatewayMetrics, buffer: BufferView, now: Callable[[], float] = time.time
) -> str:
    p = "wellos_gateway_"
    counters: list[tuple[str, str, float]] = [
        ("readings_received_total", "Values received from OPC-UA", metrics.readings_received),
        (
            "readings_duplicate_total",
            "Values repeating the newest one of their tag (not stored)",
            metrics.readings_duplicate,
        ),
        (
            "readings_backfilled_total",
            "Values read from the server's history to fill gaps",
            metrics.readings_backfilled,
        ),
        (
            "readings_buffered_total",
            "Readings written to the disk buffer",
            metrics.readings_buffered,
        ),
        ("readings_published_total", "Readings the queue acknowledged", metrics.readings_published),
        ("batches_cut_total", "Batches cut from the buffer", metrics.batches_cut),
        ("batches_published_total", "Batches the queue acknowledged", metrics.batches_published),
        ("publish_failures_total", "Failed queue sends", metrics.publish_failures),
        ("evicted_readings_total", "Readings evicted from a full buffer", buffer.evicted_readings),
        ("evicted_batches_total", "Batches evicted from a full buffer", buffer.evicted_batches),
        ("subscription_overflows_total", "Client queue overflows", metrics.subscription_overflows),
    ]
    gauges: list[tuple[str, str, float]] = [
        ("buffer_pending_readings", "Readings not yet in a batch", buffer.pending_readings),
        ("buffer_batches", "Batches waiting for the queue", buffer.batches),
        ("buffer_readings", "Readings on disk", buffer.pending_readings + buffer.batched_readings),
        ("buffer_bytes", "Buffer size (logical bytes)", buffer.size_bytes),
        ("buffer_max_bytes", "Buffer bound", buffer.max_bytes),
        ("config_revision", "Revision of the running config", metrics.config_revision),
        (
            "config_from_cache",
            "1 when running from the cached config",
            int(metrics.config_from_cache),
        ),
        (
            "last_publish_timestamp_seconds",
            "Unix time of the last ack",
            metrics.last_publish_at or 0,
        ),
        ("uptime_seconds", "Seconds since start", round(now() - metrics.started_at, 3)),
    ]
    lines: list[str] = []
    for name, text, value in counters:
        lines.extend(_line(p + name, "counter", text, value))
    for name, text, value in gauges:
        lines.extend(_line(p + name, "gauge", text, value))
    lines.extend(_connection_lines(p, metrics, now))
    return "\n".join(lines) + "\n"


def _connection_lines(p: str, metrics: GatewayMetrics, now: Callable[[], float]) -> Iterator[str]:
    yield f"# HELP {p}connection_state 1 for the connection's current state"
    yield f"# TYPE {p}connection_state gauge"
    for conn in metrics.connections.values():
        base = f'connection="{_escape(conn.name)}",id="{conn.connection_id}"'
        for state in CONNECTION_STATES:
            yield f'{p}connection_state{{{base},state="{state}"}} {int(conn.state == state)}'
    yield f"# HELP {p}connection_cause 1 for why the connection is not (fully) working"
    yield f"# TYPE {p}connection_cause gauge"
    for conn in metrics.connections.values():
        if conn.cause:
            base = f'connection="{_escape(conn.name)}",id="{conn.connection_id}"'
            yield f'{p}connection_cause{{{base},cause="{conn.cause}"}} 1'
    yield f"# HELP {p}connection_backfill_state 1 for the connection's backfill state"
    yield f"# TYPE {p}connection_backfill_state gauge"
    for conn in metrics.connections.values():
        base = f'connection="{_escape(conn.name)}",id="{conn.connection_id}"'
        for state in BACKFILL_STATES:
            value = int(conn.backfill_state == state)
            yield f'{p}connection_backfill_state{{{base},state="{state}"}} {value}'
    yield f"# TYPE {p}connection_tags_unmonitored gauge"
    for conn in metrics.connections.values():
        base = f'connection="{_escape(conn.name)}",id="{conn.connection_id}"'
        for cause, count in conn.unmonitored.items():
            yield f'{p}connection_tags_unmonitored{{{base},cause="{cause}"}} {count}'
    for metric, attr, kind in (
        ("connection_reconnects_total", "reconnects", "counter"),
        ("connection_readings_total", "readings", "counter"),
        ("connection_last_value_timestamp_seconds", "last_value_at", "gauge"),
        ("connection_outages_total", "outages", "counter"),
        ("connection_last_outage_seconds", "last_outage_s", "gauge"),
        ("connection_back_to_live_seconds", "back_to_live_s", "gauge"),
        ("connection_backfilled_readings_total", "backfilled", "counter"),
        ("connection_backfill_gaps_total", "backfill_gaps", "counter"),
    ):
        yield f"# TYPE {p}{metric} {kind}"
        for conn in metrics.connections.values():
            base = f'connection="{_escape(conn.name)}",id="{conn.connection_id}"'
            yield f"{p}{metric}{{{base}}} {getattr(conn, attr) or 0}"
    yield f"# TYPE {p}connection_outage_seconds gauge"
    for conn in metrics.connections.values():
        base = f'connection="{_escape(conn.name)}",id="{conn.connection_id}"'
        started = conn.outage_started_at
        seconds = round(now() - started, 3) if started else 0
        yield f"{p}connection_outage_seconds{{{base}}} {seconds}"
