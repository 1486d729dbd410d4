"""Azure Functions: drain the ingest queue every 5 s; create reading partitions daily.

Register in function_app.py: `app.register_functions(ingest_bp)`. Service Bus
comes from `ServiceBusConnection__fullyQualifiedNamespace` (managed identity)
or the `ServiceBusConnection` connection string; the adapter settles messages.
"""

from __future__ import annotations

import logging

import azure.functions as func

from functions.azure.queue_worker import QueueRuntime
from shared.core.scada.services.deliveries import INGEST_QUEUE

log = logging.getLogger("wellos.ingest")
MAX_MESSAGES = 100  # 1M readings at most: well inside the 60 s message lock
IngestRuntime = QueueRuntime
runtime = IngestRuntime()
ingest_bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions: unannotated


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
