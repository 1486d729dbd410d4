"""AWS Lambda: the ETL fan-out (EventBridge schedule) and the SQS worker of `etl` and `imports`.

`schedule_handler` runs every 15 minutes (EventBridge rule) and enqueues one
run per tenant whose interval has elapsed. `handler` sits behind the SQS
event-source mappings of both queues (batch size 1 is sensible: one run can
take minutes); each record runs one job, and Powertools answers the failed
ones as `batchItemFailures`, so SQS retries only those and its redrive policy
dead-letters them. Enable ReportBatchItemFailures on the mappings.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.aws.queue_worker import SqsRuntime, body_of, sqs_batch_handler
from shared.core.etl.model.jobs import IMPORTS_QUEUE

logger = Logger()  # POWERTOOLS_SERVICE_NAME; one per process (bootstrap/telemetry.py)
EtlRuntime = SqsRuntime
runtime = EtlRuntime()


def record_handler(record: SQSRecord) -> None:
    queue = record.event_source_arn.rsplit(":", 1)[-1]
    if queue == IMPORTS_QUEUE:
        done = runtime.platform.imports.handle_job(body_of(record))
        logger.info("import job done", extra={"import": done.id if done else None})
        return
    run = runtime.platform.etl.handle_job(body_of(record))
    logger.info("ETL job done", extra={"run": run.id if run else None})


handler = sqs_batch_handler(logger, record_handler, lambda: runtime.metrics)


@logger.inject_lambda_context(clear_state=True)
def schedule_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    enqueued = runtime.platform.etl.schedule_due(runtime.queue)
    logger.info("ETL runs enqueued", extra={"tenants": enqueued})
    return {"enqueued": enqueued}
