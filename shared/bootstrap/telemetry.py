"""Telemetry chosen from Settings: none, Azure Monitor (OpenTelemetry) or Powertools.

`start()` runs once per process, on the first platform build (never at import):
Azure Monitor's distro hooks the `wellos` loggers, requests and database calls to
Application Insights. Powertools needs no process-wide set-up: each Lambda
handler's module-level Logger/Tracer/Metrics read their POWERTOOLS_* variables.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from shared.settings import Settings, TelemetryBackend

_started: set[str] = set()
_lock = threading.Lock()


@dataclass
class Telemetry:
    kind: TelemetryBackend
    connection_string: str | None = field(default=None, repr=False)

    def start(self) -> None:
        with _lock:
            if self.kind in _started:
                return
            if self.kind == "azure-monitor":
                from azure.monitor.opentelemetry import configure_azure_monitor

                configure_azure_monitor(
                    connection_string=self.connection_string, logger_name="wellos"
                )
            _started.add(self.kind)


def build_telemetry(settings: Settings) -> Telemetry:
    secret = settings.applicationinsights_connection_string
    return Telemetry(settings.telemetry, secret.get_secret_value() if secret else None)
