"""Metrics kept in memory and logged at DEBUG (telemetry `none`: the local host, tests)."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

from shared.core.ports.metrics import Unit

log = logging.getLogger("wellos.metrics")


@dataclass(frozen=True)
class Measurement:
    name: str
    value: float
    unit: Unit
    dimensions: Mapping[str, str]


@dataclass
class LocalMetrics:
    """Keeps the last `keep` measurements; `named(name)` reads them back."""

    keep: int = 10_000
    measurements: deque[Measurement] = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.measurements = deque(maxlen=self.keep)

    def add(
        self, name: str, value: float, unit: Unit, dimensions: Mapping[str, str] | None = None
    ) -> None:
        measurement = Measurement(name, float(value), unit, dict(dimensions or {}))
        with self._lock:
            self.measurements.append(measurement)
        log.debug("metric %s %s %s %s", name, value, unit.value, measurement.dimensions)

    def flush(self) -> None:
        return None

    def named(self, name: str) -> list[Measurement]:
        with self._lock:
            return [m for m in self.measurements if m.name == name]
