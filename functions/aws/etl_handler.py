"""AWS Lambda: the ETL fan-out (EventBridge schedule) and the SQS worker of `etl` and `imports`.

`schedule_handler` runs every 15 minutes (EventBridge rule) and enqueues one
run per tenant whose interval has elapsed. `handler` sits behind the SQS
event-source mappings of both queues (batch size 1 is sensible: one run can
take minutes); each record runs one job, and Powertools answers the failed
ones as `batchItemFailures`, so SQS retries only those and its redrive policy
dead-letters them. Enable ReportBatchItemFailures on the mappings.
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

from functions.aws.http import lambda_settings
from shared.adapters.aws.clients import aws_client
from shared.adapters.aws.sqs_queue import ID_ATTRIBUTE, SqsQueue
from shared.bootstrap import Platform, build_platform
from shared.core.etl.jobs import IMPORTS_QUEUE

logger = Logger(service="wellos-etl")
processor = BatchProcessor(event_type=EventType.SQS)


@dataclass
class EtlRuntime:
    """Built on first use and kept by the warm instance; tests put in their own."""

    platform_factory: Callable[[], Platform] = field(
        default=lambda: build_platform(lambda_settings())
    )
    sqs_factory: Callable[[], Any] = field(default=lambda: aws_client("sqs"))

    @cached_property
    def platform(self) -> Platform:
        return self.platform_factory()

    @cached_property
    def sqs(self) -> Any:
        return self.sqs_factory()


runtime = EtlRuntime()


def body_of(record: SQSRecord) -> bytes:
    """The SQS adapter sends base64 bodies and marks them with its message-id attribute."""
    attributes = record.raw_event.get("messageAttributes", {})
    if ID_ATTRIBUTE in attributes:
        return base64.b64decode(record.body)
    return record.body.encode()


def record_handler(record: SQSRecord) -> None:
    queue = record.event_source_arn.rsplit(":", 1)[-1]
    if queue == IMPORTS_QUEUE:
        done = runtime.platform.imports.handle_job(body_of(record))
        logger.info("import job done", extra={"import": done.id if done else None})
        return
    run = runtime.platform.etl.handle_job(body_of(record))
    logger.info("ETL job done", extra={"run": run.id if run else None})


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    result: dict[str, Any] = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return result


@logger.inject_lambda_context(clear_state=True)
def schedule_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    enqueued = runtime.platform.etl.schedule_due(SqsQueue(runtime.sqs))
    logger.info("ETL runs enqueued", extra={"tenants": enqueued})
    return {"enqueued": enqueued}
