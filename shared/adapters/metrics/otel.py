"""OpenTelemetry metrics (telemetry `azure-monitor`): counters and histograms of the
`wellos` meter, exported by the meter provider `configure_azure_monitor` installs
(Application Insights `customMetrics`, dimensions as custom dimensions).

Counts go to a counter, other units to a histogram. Instruments are made on first use,
after telemetry started; the SDK exports on its own schedule, so `flush` does nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.core.ports.metrics import Unit

METER = "wellos"
UCUM = {
    Unit.COUNT: "1",
    Unit.MILLISECONDS: "ms",
    Unit.SECONDS: "s",
    Unit.COUNT_PER_SECOND: "1/s",
}


@dataclass
class OtelMetrics:
    """`meter_provider` None: the global one (Azure Monitor's); tests give their own."""

    meter_provider: Any = None
    _instruments: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(
        self, name: str, value: float, unit: Unit, dimensions: Mapping[str, str] | None = None
    ) -> None:
        attributes = dict(dimensions or {})
        instrument = self._instrument(name, unit)
        if unit is Unit.COUNT:
            instrument.add(value, attributes)
        else:
            instrument.record(value, attributes)

    def flush(self) -> None:
        return None

    def _instrument(self, name: str, unit: Unit) -> Any:
        with self._lock:
            found = self._instruments.get(name)
            if found is None:
                from opentelemetry import metrics

                meter = metrics.get_meter(METER, meter_provider=self.meter_provider)
                if unit is Unit.COUNT:
                    found = meter.create_counter(name, unit=UCUM[unit])
                else:
                    found = meter.create_histogram(name, unit=UCUM[unit])
                self._instruments[name] = found
            return found
