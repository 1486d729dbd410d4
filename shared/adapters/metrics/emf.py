"""CloudWatch metrics as Powertools EMF lines on stdout (telemetry `powertools`, the Lambdas).

One `EmfMetrics` per process (the platform's) buffers what an invocation records and
`flush()` (the end of a handler or of an API request) prints one EMF JSON document per
dimension set: CloudWatch Logs turns each into metrics of `POWERTOOLS_METRICS_NAMESPACE`
with exactly those dimensions (and `service`, from `POWERTOOLS_SERVICE_NAME`).
Powertools is imported on the first flush, never with the module.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

from shared.core.ports.metrics import Unit

log = logging.getLogger("wellos.metrics")

DimensionSet = tuple[tuple[str, str], ...]


@dataclass
class EmfMetrics:
    """`namespace` None: Powertools reads POWERTOOLS_METRICS_NAMESPACE (the stack sets it)."""

    namespace: str | None = None
    _pending: dict[DimensionSet, list[tuple[str, Unit, float]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(
        self, name: str, value: float, unit: Unit, dimensions: Mapping[str, str] | None = None
    ) -> None:
        key = tuple(sorted((dimensions or {}).items()))
        with self._lock:
            self._pending.setdefault(key, []).append((name, unit, float(value)))

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, {}
        if not pending:
            return
        from aws_lambda_powertools.metrics import EphemeralMetrics

        for dimensions, values in pending.items():
            document = EphemeralMetrics(namespace=self.namespace)
            try:
                for dimension, label in dimensions:
                    document.add_dimension(dimension, label)
                for name, unit, value in values:
                    document.add_metric(name=name, unit=unit.value, value=value)
                document.flush_metrics()
            except Exception as exc:  # metrics never fail the work they measure
                log.warning("metrics not published: %s", type(exc).__name__)
