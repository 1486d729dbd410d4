"""AWS Lambda: nightly scoring (EventBridge schedule fans out; SQS records score a chunk).

``fan_out_handler`` runs on the nightly schedule; ``handler`` sits behind the
scoring queue's event-source mapping with ReportBatchItemFailures: a record
whose job fails is reported in ``batchItemFailures`` (SQS retries it, then its
redrive policy parks it), the others are deleted. ``notify_handler`` drains the
notification outbox through SES on a one-minute schedule.
"""

from __future__ import annotations

import base64
import os
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
from shared.adapters.aws.sqs_queue import ID_ATTRIBUTE
from shared.adapters.notify.console import ConsoleNotifier
from shared.bootstrap import Platform, build_platform
from shared.core.application.analytics.nightly import ScoringJob, last_night
from shared.core.application.clock import utc_now
from shared.core.ports.notifications import Notifier
from shared.core.ports.queue import Queue

logger = Logger(service="wellos-scoring")
processor = BatchProcessor(event_type=EventType.SQS)


def sqs_queue() -> Queue:
    from shared.adapters.aws.clients import aws_client
    from shared.adapters.aws.sqs_queue import SqsQueue

    return SqsQueue(aws_client("sqs"))


def default_notifier() -> Notifier:
    """SES when ``SES_SENDER`` is set, else the console."""
    sender = os.environ.get("SES_SENDER")
    if not sender:
        return ConsoleNotifier()
    from shared.adapters.aws.clients import aws_client
    from shared.adapters.notify.ses import SesNotifier

    return SesNotifier(sender, aws_client("ses"))


@dataclass
class ScoringRuntime:
    """Built on first use and kept by the warm instance; tests put in their own."""

    platform_factory: Callable[[], Platform] = field(
        default=lambda: build_platform(lambda_settings())
    )
    queue_factory: Callable[[], Queue] = sqs_queue
    notifier_factory: Callable[[], Notifier] = default_notifier

    @cached_property
    def platform(self) -> Platform:
        return self.platform_factory()

    @cached_property
    def queue(self) -> Queue:
        return self.queue_factory()

    @cached_property
    def notifier(self) -> Notifier:
        return self.notifier_factory()


runtime = ScoringRuntime()


def job_of(record: SQSRecord) -> ScoringJob:
    """The SQS adapter sends base64 bodies and names its message id in an attribute."""
    own_id = record.message_attributes.get(ID_ATTRIBUTE)
    body = base64.b64decode(record.body) if own_id else record.body.encode()
    return ScoringJob.from_body(body)


def record_handler(record: SQSRecord) -> None:
    report = runtime.platform.analytics.scoring.score_chunk(job_of(record))
    logger.info("scored", extra={"scored": report.scored, "skipped": report.skipped})


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    result: dict[str, Any] = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return result


@logger.inject_lambda_context(clear_state=True)
def fan_out_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    night = last_night(utc_now())
    jobs = runtime.platform.analytics.scoring.fan_out(runtime.queue, night)
    return {"night": night.isoformat(), "jobs": jobs}


@logger.inject_lambda_context(clear_state=True)
def notify_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    report = runtime.platform.analytics.notifications.dispatch(runtime.notifier)
    return {"sent": report.sent, "retried": report.retried, "failed": report.failed}
