"""AWS Lambda: nightly scoring (EventBridge schedule fans out; SQS records score a chunk).

``fan_out_handler`` runs on the nightly schedule; ``handler`` sits behind the
scoring queue's event-source mapping with ReportBatchItemFailures: a record
whose job fails is reported in ``batchItemFailures`` (SQS retries it, then its
redrive policy parks it), the others are deleted. ``notify_handler`` drains the
notification outbox on a one-minute schedule through the platform's notifier
(``WELLOS_NOTIFIER=ses`` in the stack). ``remind_handler`` sends the day's
compliance reminders on a daily schedule (06:00 UTC, as on Azure).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.aws.queue_worker import PlatformRuntime, body_of, sqs_batch_handler
from shared.core.analytics.services.nightly import ScoringJob, last_night
from shared.core.common.clock import utc_now

logger = Logger()  # POWERTOOLS_SERVICE_NAME; one per process (bootstrap/telemetry.py)


ScoringRuntime = PlatformRuntime
runtime = ScoringRuntime()


def record_handler(record: SQSRecord) -> None:
    job = ScoringJob.from_body(body_of(record))
    report = runtime.platform.analytics.scoring.score_chunk(job)
    logger.info("scored", extra={"scored": report.scored, "skipped": report.skipped})


handler = sqs_batch_handler(logger, record_handler, lambda: runtime.metrics)


@logger.inject_lambda_context(clear_state=True)
def fan_out_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    night = last_night(utc_now())
    jobs = runtime.platform.analytics.scoring.fan_out(runtime.queue, night)
    return {"night": night.isoformat(), "jobs": jobs}


@logger.inject_lambda_context(clear_state=True)
def notify_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    report = runtime.platform.analytics.notifications.dispatch(runtime.notifier)
    mail = runtime.platform.mail.dispatch(runtime.notifier)  # invitations, resets, magic links
    return {
        "sent": report.sent,
        "retried": report.retried,
        "failed": report.failed,
        "mail_sent": mail.sent,
        "mail_failed": mail.failed,
    }


@logger.inject_lambda_context(clear_state=True)
def remind_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    report = runtime.platform.compliance.reminders.remind(runtime.notifier)
    return {"tenants": report.tenants, "sent": report.sent, "failed": report.failed}
