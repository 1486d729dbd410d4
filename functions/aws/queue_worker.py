"""What the SQS-triggered Lambda handlers share: a warm runtime, the body decoder, the batch answer.

A handler module keeps a module-level `runtime` (tests put in their own), a
per-record handler and `handler = sqs_batch_handler(logger, record_handler)`.
Powertools' `process_partial_response` answers the records whose handler raised
as `batchItemFailures`, so SQS retries only those and its redrive policy
dead-letters them; the event-source mappings need ReportBatchItemFailures.

Each handler ends by recording every record's queue lag (SQS `SentTimestamp` to the
invocation's start) and flushing the platform's metrics: the EMF lines of the
invocation go to stdout, where CloudWatch Logs turns them into metrics.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
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

from shared.adapters.aws.sqs_queue import ID_ATTRIBUTE, SqsQueue
from shared.bootstrap import Platform, PlatformHolder, serverless_platform
from shared.core.common.clock import utc_now
from shared.core.ports.metrics import Metrics, record_queue_lag
from shared.core.ports.notifications import Notifier
from shared.core.ports.queue import Queue

RecordHandler = Callable[[SQSRecord], None]
BatchHandler = Callable[[dict[str, Any], LambdaContext], PartialItemFailureResponse]


@dataclass
class PlatformRuntime:
    """Built on first use and kept by the warm instance; tests may hand in an SQS client or a
    notifier. Every adapter is the process platform's (`shared/bootstrap/`): one queue."""

    platform_factory: Callable[[], Platform] = serverless_platform
    sqs_factory: Callable[[], Any] | None = None
    notifier_factory: Callable[[], Notifier] | None = None

    @cached_property
    def _holder(self) -> PlatformHolder[Platform]:
        return PlatformHolder(self.platform_factory)

    @property
    def platform(self) -> Platform:
        return self._holder.get()

    @property
    def queue(self) -> Queue:
        return self.platform.queue

    @property
    def metrics(self) -> Metrics | None:
        """The built platform's metrics (None if it is not built: nothing was recorded)."""
        built = self._holder.built
        return built.telemetry.metrics if built else None

    @cached_property
    def sqs(self) -> Any:
        """The SQS client of the platform's queue (for handlers that park records themselves)."""
        if self.sqs_factory is not None:
            return self.sqs_factory()
        queue = self.platform.queue
        if not isinstance(queue, SqsQueue):
            raise TypeError(f"WELLOS_QUEUE_BACKEND is not sqs: {type(queue).__name__}")
        return queue.client

    @cached_property
    def notifier(self) -> Notifier:
        return self.notifier_factory() if self.notifier_factory else self.platform.notifier


SqsRuntime = PlatformRuntime


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


def queue_of(record: dict[str, Any]) -> str:
    """The queue's name, the last part of the record's `eventSourceARN`."""
    return str(record.get("eventSourceARN", "")).rsplit(":", 1)[-1]


def sent_at(record: dict[str, Any]) -> datetime | None:
    sent = record.get("attributes", {}).get("SentTimestamp")
    return datetime.fromtimestamp(int(sent) / 1000, UTC) if sent else None


@contextmanager
def measured(
    metrics: Callable[[], Metrics | None], event: dict[str, Any], lag: bool = True
) -> Iterator[None]:
    """Record the records' queue lag (unless the handler does) and flush, whatever happens."""
    started = utc_now()
    try:
        yield
    finally:
        found = metrics()
        if found is not None:
            for record in event.get("Records", []) if lag else []:
                record_queue_lag(found, queue_of(record), sent_at(record), started)
            found.flush()


def sqs_batch_handler(
    logger: Logger,
    record_handler: RecordHandler,
    metrics: Callable[[], Metrics | None] = lambda: None,
) -> BatchHandler:
    """The Lambda handler of an SQS event-source mapping: one `record_handler` call a record;
    `metrics` (the runtime's) gets the records' queue lag and is flushed at the end."""

    @logger.inject_lambda_context(clear_state=True)
    def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        with measured(metrics, event):
            return partial_response(event, context, record_handler)

    return handler
