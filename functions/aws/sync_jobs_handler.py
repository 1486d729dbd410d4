"""AWS Lambda: apply big field-sync batches from the `sync-jobs` SQS queue.

One record per job message (batch size 1 is enough: a job is big); Powertools'
batch utility reports a record whose job raised as a `batchItemFailures` entry,
so SQS redelivers it (and parks it in `sync-jobs-dlq` after the redrive
policy's max receives); the job resumes after its last chunk. Enable
ReportBatchItemFailures on the event-source mapping.

`requeue_handler` runs on an EventBridge schedule (`rate(5 minutes)`): it sends
again the message of any job left queued without one for
`WELLOS_SYNC_JOB_REQUEUE_AFTER_S` (the process died between commit and send).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.api.schemas.sync import parse_batch
from functions.aws.queue_worker import PlatformRuntime, body_of, sqs_batch_handler

logger = Logger()  # POWERTOOLS_SERVICE_NAME; one per process (bootstrap/telemetry.py)
SyncJobsRuntime = PlatformRuntime
runtime = SyncJobsRuntime()


def record_handler(record: SQSRecord) -> None:
    deliveries = int(record.attributes.approximate_receive_count or 1)
    status = runtime.platform.sync_jobs.run(body_of(record), parse_batch, deliveries)
    logger.info("sync job applied", extra={"message_id": record.message_id, "status": status})


handler = sqs_batch_handler(logger, record_handler, lambda: runtime.metrics)


@logger.inject_lambda_context(clear_state=True)
def requeue_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    platform = runtime.platform
    sent = platform.sync_jobs.requeue_stale(platform.settings.sync_job_requeue_after)
    logger.info("stale sync jobs requeued", extra={"jobs": sent})
    return {"requeued": sent}
