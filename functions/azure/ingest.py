"""Azure Functions: drain the ingest queue every 5 s; create reading partitions daily.

Register in function_app.py: `app.register_functions(ingest_bp)`. Service Bus
comes from `ServiceBusConnection__fullyQualifiedNamespace` (managed identity)
or the `ServiceBusConnection` connection string; the adapter settles messages.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import azure.functions as func

from functions.azure.http import serverless_settings
from shared.adapters.azure.service_bus_queue import ServiceBusQueue, service_bus_client
from shared.bootstrap import Platform, build_platform
from shared.core.ingest.deliveries import INGEST_QUEUE
from shared.core.ports.queue import Queue

log = logging.getLogger("wellos.ingest")
MAX_MESSAGES = 100  # 1M readings at most: well inside the 60 s message lock


def service_bus_queue() -> Queue:
    namespace = os.environ.get("ServiceBusConnection__fullyQualifiedNamespace")
    connection_string = os.environ.get("ServiceBusConnection")
    client = service_bus_client(
        connection_string=connection_string, fully_qualified_namespace=namespace
    )
    return ServiceBusQueue(client)


@dataclass
class IngestRuntime:
    """Built on first use and kept by the warm instance; tests put in their own."""

    platform_factory: Callable[[], Platform] = field(
        default=lambda: build_platform(serverless_settings())
    )
    queue_factory: Callable[[], Queue] = service_bus_queue

    @cached_property
    def platform(self) -> Platform:
        return self.platform_factory()

    @cached_property
    def queue(self) -> Queue:
        return self.queue_factory()


runtime = IngestRuntime()
ingest_bp = func.Blueprint()


@ingest_bp.timer_trigger(arg_name="timer", schedule="*/5 * * * * *", use_monitor=False)
def drain_ingest(timer: func.TimerRequest) -> None:
    report = runtime.platform.scada.drain.drain(runtime.queue, INGEST_QUEUE, MAX_MESSAGES)
    if report.received:
        log.info("ingest drained", extra={"drain": report.summary(), "late": timer.past_due})


@ingest_bp.timer_trigger(arg_name="timer", schedule="0 17 3 * * *")
def maintain_reading_partitions(timer: func.TimerRequest) -> None:
    runs = runtime.platform.scada.partitions.ensure_all()
    failed = [run.slug for run in runs if not run.ok]
    log.info("reading partitions ensured", extra={"tenants": len(runs), "failed": failed})
    if failed:
        raise RuntimeError(f"reading partitions failed for {', '.join(failed)}")
