"""AWS Lambda: the ingest drain behind an SQS event-source mapping with a batching window.

(EventBridge schedules cannot fire every 5 s; the mapping hands over up to its
batch size of records instead.) All records go through the drain together, one
transaction per tenant; Powertools' batch utility answers `batchItemFailures`
for the records to retry (their tenant's database failed). A rejected record is
copied to `<queue>-dlq` with its reason, as the SQS adapter does, and counts as
processed, so Lambda deletes it. Enable ReportBatchItemFailures on the mapping.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.aws.queue_worker import (
    SqsRuntime,
    body_of,
    measured,
    partial_response,
    queue_of,
    sent_at,
)
from shared.adapters.aws.sqs_queue import DEAD_LETTER_ATTRIBUTE, DLQ_SUFFIX, ID_ATTRIBUTE
from shared.core.scada.services.deliveries import INGEST_QUEUE, Delivery

logger = Logger()  # POWERTOOLS_SERVICE_NAME; one per process (bootstrap/telemetry.py)
IngestRuntime = SqsRuntime
runtime = IngestRuntime()


class RetryLaterError(Exception):
    """This record's tenant could not take it now: report it as a batch item failure."""


@dataclass
class RecordSettlement:
    record: dict[str, Any]
    retry: set[str]

    def complete(self) -> None:
        """Nothing to do: Lambda deletes every record not reported as failed."""

    def abandon(self) -> None:
        self.retry.add(self.record["messageId"])

    def dead_letter(self, reason: str, description: str) -> None:
        try:
            _send_to_dead_letters(self.record, reason, description)
        except Exception:
            self.retry.add(self.record["messageId"])  # never drop a record we could not park
            raise


def _send_to_dead_letters(record: dict[str, Any], reason: str, description: str) -> None:
    _, _, _, _, account, name = record["eventSourceARN"].split(":")
    sqs = runtime.sqs
    url = sqs.get_queue_url(QueueName=name + DLQ_SUFFIX, QueueOwnerAWSAccountId=account)
    attributes = {
        key: {"DataType": "String", "StringValue": value["stringValue"]}
        for key, value in record.get("messageAttributes", {}).items()
        if "stringValue" in value
    }
    note = json.dumps({"reason": reason, "description": description})
    attributes[DEAD_LETTER_ATTRIBUTE] = {"DataType": "String", "StringValue": note}
    sqs.send_message(
        QueueUrl=url["QueueUrl"], MessageBody=record["body"], MessageAttributes=attributes
    )


def delivery_of(record: dict[str, Any], retry: set[str]) -> Delivery:
    """The SQS adapter sends base64 bodies and names its message id in an attribute."""
    own_id = record.get("messageAttributes", {}).get(ID_ATTRIBUTE, {}).get("stringValue")
    body = body_of(SQSRecord(record))
    count = int(record.get("attributes", {}).get("ApproximateReceiveCount", 1))
    settlement = RecordSettlement(record, retry)
    message_id = own_id or record["messageId"]
    return Delivery(message_id, body, settlement, count, sent_at(record))


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    with measured(lambda: runtime.metrics, event, lag=False):  # the drain records the lag
        return _drain(event, context)


def _drain(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    retry: set[str] = set()
    deliveries = [delivery_of(record, retry) for record in event["Records"]]
    queue = queue_of(event["Records"][0]) if event["Records"] else INGEST_QUEUE
    report = runtime.platform.scada.drain.process(deliveries, queue)
    logger.info("ingest drained", extra=report.summary())

    def record_handler(record: SQSRecord) -> None:
        if record.message_id in retry:
            raise RetryLaterError(record.message_id)

    return partial_response(event, context, record_handler)
