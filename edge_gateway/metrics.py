"""Gateway metrics and their Prometheus text exposition (no client library needed)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

CONNECTION_STATES = ("connecting", "connected", "reconnecting", "stopped")


@dataclass
class ConnectionMetrics:
    name: str
    connection_id: str
    state: str = "connecting"
    acquisition: str = "subscription"
    sessions: int = 0
    reconnects: int = 0
    readings: int = 0
    last_value_at: float | None = None


@dataclass
class GatewayMetrics:
    readings_received: int = 0
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
    lines.extend(_connection_lines(p, metrics))
    return "\n".join(lines) + "\n"


def _connection_lines(p: str, metrics: GatewayMetrics) -> Iterator[str]:
    yield f"# HELP {p}connection_state 1 for the connection's current state"
    yield f"# TYPE {p}connection_state gauge"
    for conn in metrics.connections.values():
        base = f'connection="{_escape(conn.name)}",id="{conn.connection_id}"'
        for state in CONNECTION_STATES:
            yield f'{p}connection_state{{{base},state="{state}"}} {int(conn.state == state)}'
    for metric, attr, kind in (
        ("connection_reconnects_total", "reconnects", "counter"),
        ("connection_readings_total", "readings", "counter"),
        ("connection_last_value_timestamp_seconds", "last_value_at", "gauge"),
    ):
        yield f"# TYPE {p}{metric} {kind}"
        for conn in metrics.connections.values():
            base = f'connection="{_escape(conn.name)}",id="{conn.connection_id}"'
            yield f"{p}{metric}{{{base}}} {getattr(conn, attr) or 0}"
