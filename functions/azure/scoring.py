"""Azure Functions: the nightly scoring fan-out, the scoring queue trigger, the notification outbox.

Register in function_app.py: `app.register_functions(scoring_bp)`. The models
open once per warm instance (the platform's scoring service keeps them). A job
that fails raises, so Service Bus redelivers it and dead-letters it at the
queue's MaxDeliveryCount; a body that is not a job raises too (dead-lettered
after the retries, where ops can read it). Notifications go through the platform's
notifier (`WELLOS_NOTIFIER`: console, SMTP or ACS Email).
"""

from __future__ import annotations

import logging
from datetime import date, datetime

import azure.functions as func

from functions.azure.queue_worker import CONNECTION, QueueRuntime
from shared.core.analytics.model.jobs import SCORING_QUEUE
from shared.core.common.clock import utc_now

log = logging.getLogger("wellos.scoring")


def last_night(now: datetime) -> date:
    """The night a run at `now` scores (the scoring service's, imported on use: numpy)."""
    from shared.core.analytics.services import nightly

    return nightly.last_night(now)


ScoringRuntime = QueueRuntime
runtime = ScoringRuntime()
scoring_bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions: unannotated


@scoring_bp.timer_trigger(arg_name="timer", schedule="0 30 2 * * *")
def fan_out_nightly_scoring(timer: func.TimerRequest) -> None:
    night = last_night(utc_now())
    jobs = runtime.platform.analytics.scoring.fan_out(runtime.queue, night)
    log.info("nightly scoring fanned out", extra={"night": night.isoformat(), "jobs": jobs})


@scoring_bp.service_bus_queue_trigger(
    arg_name="message", queue_name=SCORING_QUEUE, connection=CONNECTION
)
def score_wells(message: func.ServiceBusMessage) -> None:
    from shared.core.analytics.services.nightly import ScoringJob  # numpy: not at cold start

    runtime.took(SCORING_QUEUE, message.enqueued_time_utc)
    job = ScoringJob.from_body(message.get_body())
    report = runtime.platform.analytics.scoring.score_chunk(job)
    log.info("scored", extra={"job": job.message_id, "scored": report.scored})


@scoring_bp.timer_trigger(arg_name="timer", schedule="0 */1 * * * *", use_monitor=False)
def dispatch_notifications(timer: func.TimerRequest) -> None:
    report = runtime.platform.analytics.notifications.dispatch(runtime.notifier)
    if report.sent or report.failed:
        log.info("notifications", extra={"sent": report.sent, "failed": report.failed})
    mail = runtime.platform.mail.dispatch(runtime.notifier)  # invitations, resets, magic links
    if mail.sent or mail.failed:
        log.info("identity mail", extra={"sent": mail.sent, "failed": mail.failed})
