"""AWS Lambda: apply big field-sync batches from the `sync-jobs` SQS queue.

One record per job message (batch size 1 is enough: a job is big); Powertools'
batch utility reports a record whose job raised as a `batchItemFailures` entry,
so SQS redelivers it (and parks it in `sync-jobs-dlq` after the redrive
policy's max receives); the job resumes after its last chunk. Enable
ReportBatchItemFailures on the event-source mapping.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from functions.api.schemas.sync import parse_batch
from functions.aws.queue_worker import PlatformRuntime, body_of, sqs_batch_handler

logger = Logger(service="wellos-sync-jobs")
SyncJobsRuntime = PlatformRuntime
runtime = SyncJobsRuntime()


def record_handler(record: SQSRecord) -> None:
    deliveries = int(record.attributes.approximate_receive_count or 1)
    status = runtime.platform.sync_jobs.run(body_of(record), parse_batch, deliveries)
    logger.info("sync job applied", extra={"message_id": record.message_id, "status": status})


handler = sqs_batch_handler(logger, record_handler)
