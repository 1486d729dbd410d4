"""Metrics port: named measurements with a unit and a few low-cardinality dimensions.

Adapters (shared/adapters/metrics/): Powertools EMF (CloudWatch, AWS), OpenTelemetry
(Application Insights through azure-monitor-opentelemetry, Azure) and a local one
that keeps them in memory and logs them at DEBUG. Settings `telemetry` picks one.

`add` records a value; `flush` ends a unit of work (a Lambda invocation, one API
request): the EMF adapter prints what it holds then, the others have nothing to do.
Dimension values must come from a small set (a route template, a tenant slug, a
queue name, a reason code), never an id or a raw path.

Every name below is documented in docs/operations.md ("Metrics").
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class Unit(StrEnum):
    """The units CloudWatch names (EMF takes these strings as they are)."""

    COUNT = "Count"
    MILLISECONDS = "Milliseconds"
    SECONDS = "Seconds"
    COUNT_PER_SECOND = "Count/Second"


class Metrics(Protocol):
    def add(
        self, name: str, value: float, unit: Unit, dimensions: Mapping[str, str] | None = None
    ) -> None:
        """Record one value of `name` (counts add up, other units are distributions)."""
        ...

    def flush(self) -> None:
        """Publish what this unit of work recorded (never raises)."""
        ...


class NoMetrics:
    """Records nothing: the default of services built without metrics (tests, tools)."""

    def add(
        self, name: str, value: float, unit: Unit, dimensions: Mapping[str, str] | None = None
    ) -> None:
        return None

    def flush(self) -> None:
        return None


API_REQUESTS = "api.requests"
API_CLIENT_ERRORS = "api.errors.client"
API_SERVER_ERRORS = "api.errors.server"
API_LATENCY = "api.latency"
QUEUE_LAG = "queue.lag"
DEAD_LETTERS = "queue.dead_letters"
DRAIN_READINGS = "drain.readings"
DRAIN_READINGS_RATE = "drain.readings_per_second"
SYNC_EVENTS = "sync.events"

NO_TENANT = "-"
"""The tenant dimension of a request that resolved no tenant (login pages, health, 404s)."""


def record_queue_lag(
    metrics: Metrics, queue: str, enqueued_at: datetime | None, now: datetime
) -> None:
    """How long a message waited in `queue` before a worker took it (seconds)."""
    if enqueued_at is None:
        return
    waited = max(0.0, (now - enqueued_at).total_seconds())
    metrics.add(QUEUE_LAG, waited, Unit.SECONDS, {"queue": queue})


def record_dead_letter(metrics: Metrics, queue: str, reason: str) -> None:
    """One message moved to `queue`'s dead letters, by reason code (`unknown_gateway`, ...)."""
    metrics.add(DEAD_LETTERS, 1, Unit.COUNT, {"queue": queue, "reason": reason})
