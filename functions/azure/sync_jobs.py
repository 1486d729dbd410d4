"""Azure Functions: apply big field-sync batches from the `sync-jobs` Service Bus queue.

Register in function_app.py: `app.register_functions(sync_jobs_bp)`. Service Bus
comes from `ServiceBusConnection__fullyQualifiedNamespace` (managed identity) or
the `ServiceBusConnection` connection string. The host completes the message
when the function returns and abandons it when it raises (retried, dead-lettered
after the queue's max delivery count); the job resumes after its last chunk.
A timer every 5 minutes sends again the message of any job left queued without
one (`WELLOS_SYNC_JOB_REQUEUE_AFTER_S`).
"""

from __future__ import annotations

import logging

import azure.functions as func

from functions.api.schemas.sync import parse_batch
from functions.azure.queue_worker import CONNECTION, PlatformRuntime
from shared.core.sync.services.jobs import SYNC_JOBS_QUEUE

log = logging.getLogger("wellos.sync.jobs")
SyncJobsRuntime = PlatformRuntime
runtime = SyncJobsRuntime()
sync_jobs_bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions: unannotated


@sync_jobs_bp.service_bus_queue_trigger(
    arg_name="message", queue_name=SYNC_JOBS_QUEUE, connection=CONNECTION
)
def apply_sync_job(message: func.ServiceBusMessage) -> None:
    runtime.took(SYNC_JOBS_QUEUE, message.enqueued_time_utc)
    deliveries = int(message.delivery_count or 1)
    runtime.platform.sync_jobs.run(message.get_body(), parse_batch, deliveries)


@sync_jobs_bp.timer_trigger(arg_name="timer", schedule="0 */5 * * * *", use_monitor=False)
def requeue_stale_sync_jobs(timer: func.TimerRequest) -> None:
    platform = runtime.platform
    sent = platform.sync_jobs.requeue_stale(platform.settings.sync_job_requeue_after)
    if sent:
        log.info("stale sync jobs requeued", extra={"jobs": sent})
