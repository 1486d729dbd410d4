"""What the SQS-triggered Lambda handlers share: a warm runtime, the body decoder, the batch answer.

A handler module keeps a module-level `runtime` (tests put in their own), a
per-record handler and `handler = sqs_batch_handler(logger, record_handler)`.
Powertools' `process_partial_response` answers the records whose handler raised
as `batchItemFailures`, so SQS retries only those and its redrive policy
dead-letters them; the event-source mappings need ReportBatchItemFailures.
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
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.aws.http import lambda_settings
from shared.adapters.aws.clients import aws_client
from shared.adapters.aws.sqs_queue import ID_ATTRIBUTE
from shared.bootstrap import Platform, build_platform

RecordHandler = Callable[[SQSRecord], None]
BatchHandler = Callable[[dict[str, Any], LambdaContext], PartialItemFailureResponse]


@dataclass
class PlatformRuntime:
    """Built on first use and kept by the warm instance; tests put in their own."""

    platform_factory: Callable[[], Platform] = field(
        default=lambda: build_platform(lambda_settings())
    )

    @cached_property
    def platform(self) -> Platform:
        return self.platform_factory()


@dataclass
class SqsRuntime(PlatformRuntime):
    """The platform and an SQS client, for handlers that enqueue or dead-letter themselves."""

    sqs_factory: Callable[[], Any] = field(default=lambda: aws_client("sqs"))

    @cached_property
    def sqs(self) -> Any:
        return self.sqs_factory()


def body_of(record: SQSRecord) -> bytes:
    """The SQS adapter sends base64 bodies and marks them with its message-id attribute."""
    if ID_ATTRIBUTE in (record.raw_event.get("messageAttributes") or {}):
        return base64.b64decode(record.body)
    return record.body.encode()


def partial_response(
    event: dict[str, Any], context: LambdaContext, record_handler: RecordHandler
) -> PartialItemFailureResponse:
    """Run `record_handler` on each record; the ones that raised come back as batch failures."""
    processor = BatchProcessor(event_type=EventType.SQS)
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )


def sqs_batch_handler(logger: Logger, record_handler: RecordHandler) -> BatchHandler:
    """The Lambda handler of an SQS event-source mapping: one `record_handler` call a record."""

    @logger.inject_lambda_context(clear_state=True)
    def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        return partial_response(event, context, record_handler)

    return handler
