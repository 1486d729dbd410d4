"""AWS Lambda: apply big field-sync batches from the `sync-jobs` SQS queue.

One record per job message (batch size 1 is enough: a job is big); Powertools'
batch utility reports a record whose job raised as a `batchItemFailures` entry,
so SQS redelivers it (and parks it in `sync-jobs-dlq` after the redrive
policy's max receives); the job resumes after its last chunk. Enable
ReportBatchItemFailures on the event-source mapping.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.api.schemas.sync import parse_batch
from functions.aws.http import lambda_settings
from shared.adapters.aws.sqs_queue import ID_ATTRIBUTE
from shared.bootstrap import Platform, build_platform

logger = Logger(service="wellos-sync-jobs")
processor = BatchProcessor(event_type=EventType.SQS)


@dataclass
class SyncJobsRuntime:
    """Built on first use and kept by the warm instance; tests put in their own."""

    platform_factory: Callable[[], Platform] = field(
        default=lambda: build_platform(lambda_settings())
    )

    @cached_property
    def platform(self) -> Platform:
        return self.platform_factory()


runtime = SyncJobsRuntime()


def body_of(record: SQSRecord) -> bytes:
    """The SQS adapter sends base64 bodies and names its message id in an attribute."""
    sent_by_adapter = ID_ATTRIBUTE in (record.message_attributes or {})
    return base64.b64decode(record.body) if sent_by_adapter else record.body.encode()


def record_handler(record: SQSRecord) -> None:
    deliveries = int(record.attributes.approximate_receive_count or 1)
    status = runtime.platform.sync_jobs.run(body_of(record), parse_batch, deliveries)
    logger.info("sync job applied", extra={"message_id": record.message_id, "status": status})


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    result: dict[str, Any] = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return result
