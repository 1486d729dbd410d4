"""Azure Functions: the ETL fan-out timer and the Service Bus triggers of `etl` and `imports`.

Register in function_app.py: `app.register_functions(etl_bp)`. The timer enqueues
one run per tenant whose interval has elapsed (every 15 minutes); each queue
trigger runs one job. A job that fails raises: Service Bus redelivers it, then
dead-letters it after the queue's MaxDeliveryCount. Connection: the app setting
`ServiceBusConnection` (or `ServiceBusConnection__fullyQualifiedNamespace`).
"""

from __future__ import annotations

import logging

import azure.functions as func

from functions.azure.queue_worker import CONNECTION, QueueRuntime
from shared.core.etl.model.jobs import ETL_QUEUE, IMPORTS_QUEUE

log = logging.getLogger("wellos.etl")
EtlRuntime = QueueRuntime
runtime = EtlRuntime()
etl_bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions: unannotated


@etl_bp.timer_trigger(arg_name="timer", schedule="0 */15 * * * *", use_monitor=True)
def schedule_etl(timer: func.TimerRequest) -> None:
    enqueued = runtime.platform.etl.schedule_due(runtime.queue)
    log.info("ETL runs enqueued", extra={"tenants": enqueued, "late": timer.past_due})


@etl_bp.service_bus_queue_trigger(arg_name="message", queue_name=ETL_QUEUE, connection=CONNECTION)
def run_etl(message: func.ServiceBusMessage) -> None:
    runtime.took(ETL_QUEUE, message.enqueued_time_utc)
    run = runtime.platform.etl.handle_job(message.get_body())
    log.info("ETL job done", extra={"run": run.id if run else None, "status": _status(run)})


@etl_bp.service_bus_queue_trigger(
    arg_name="message", queue_name=IMPORTS_QUEUE, connection=CONNECTION
)
def run_import(message: func.ServiceBusMessage) -> None:
    runtime.took(IMPORTS_QUEUE, message.enqueued_time_utc)
    record = runtime.platform.imports.handle_job(message.get_body())
    log.info("import job done", extra={"import": record.id if record else None})


def _status(run: object) -> str:
    status = getattr(run, "status", None)
    return str(getattr(status, "value", "skipped"))
