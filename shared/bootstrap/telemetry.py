"""Telemetry chosen from Settings: none, Azure Monitor (OpenTelemetry) or Powertools.

`start()` runs once per process, on the first platform build (never at import):

- Azure Monitor's distro hooks the `wellos` loggers, requests and database calls to
  Application Insights.
- Powertools (the Lambdas): one Logger for the whole process, named by
  `POWERTOOLS_SERVICE_NAME` (the stack sets it per function; the handler modules'
  Loggers are the same one), and the `wellos` loggers write through its handler: every
  service log line is the same JSON as the handler's, with the keys the handler added
  (Lambda context, cold start, tenant, request id) and the redaction filter the API
  installed. The Tracer is made once here too: in a Lambda it patches the libraries
  X-Ray traces (botocore, httpx, ...) for every client of the process.

Metrics follow the same choice (`build_metrics`): Powertools EMF lines on the
Lambdas, OpenTelemetry instruments exported by Azure Monitor, else in memory (and
logged at DEBUG). One adapter per process, on `Telemetry.metrics`; the wiring
hands it to the services and hosts (shared/core/ports/metrics.py names them).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from shared.adapters.metrics.emf import EmfMetrics
from shared.adapters.metrics.local import LocalMetrics
from shared.adapters.metrics.otel import OtelMetrics
from shared.core.ports.metrics import Metrics
from shared.settings import Settings, TelemetryBackend

_started: set[str] = set()
_lock = threading.Lock()
SERVICE_LOGGERS = "wellos"


@dataclass
class Telemetry:
    kind: TelemetryBackend
    connection_string: str | None = field(default=None, repr=False)
    log_level: str = "INFO"
    metrics: Metrics = field(default_factory=LocalMetrics)

    def start(self) -> None:
        with _lock:
            if self.kind in _started:
                return
            if self.kind == "azure-monitor":
                from azure.monitor.opentelemetry import configure_azure_monitor

                configure_azure_monitor(
                    connection_string=self.connection_string, logger_name=SERVICE_LOGGERS
                )
            elif self.kind == "powertools":
                start_powertools(self.log_level)
            _started.add(self.kind)


def start_powertools(level: str) -> None:
    """The process's Powertools Logger takes the `wellos` loggers; the Tracer patches once."""
    from aws_lambda_powertools import Logger, Tracer
    from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers

    Tracer()  # disabled outside a Lambda (Powertools' own check); there it patches X-Ray
    process_logger = Logger(level=level.upper())
    service = logging.getLogger(SERVICE_LOGGERS)
    kept = [f for handler in service.handlers for f in handler.filters]  # secret redaction
    copy_config_to_registered_loggers(
        source_logger=process_logger, include={SERVICE_LOGGERS}, log_level=level.upper()
    )
    for handler in service.handlers:
        for kept_filter in kept:
            if kept_filter not in handler.filters:
                handler.addFilter(kept_filter)


def build_metrics(kind: TelemetryBackend) -> Metrics:
    """The SDKs load on first use (the adapters import them inside), never here."""
    if kind == "powertools":
        return EmfMetrics()
    if kind == "azure-monitor":
        return OtelMetrics()
    return LocalMetrics()


def build_telemetry(settings: Settings) -> Telemetry:
    secret = settings.applicationinsights_connection_string
    return Telemetry(
        settings.telemetry,
        secret.get_secret_value() if secret else None,
        settings.log_level,
        build_metrics(settings.telemetry),
    )
