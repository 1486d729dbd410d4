"""The local runner's nightly scoring: fan out the night's jobs, then work the scoring queue.

    report = run_nightly_scoring(platform, queue, night=date(2026, 11, 21))

A job that fails (its tenant's database is down, say) keeps its lock: the other
jobs go on, and the queue delivers it again once the lock expires
(:data:`VISIBILITY_S`), to a later pass of the loop, until it dead-letters it
after its maximum delivery count. A message that is not a scoring job is
dead-lettered at once.
"""

from __future__ import annotations

import logging
import threading
from datetime import date

from shared.bootstrap import Platform
from shared.core.analytics.services.nightly import (
    SCORING_QUEUE,
    ScoringJob,
    ScoringReport,
    last_night,
)
from shared.core.analytics.services.notifications import DispatchReport
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import InputError
from shared.core.ports.metrics import record_dead_letter, record_queue_lag
from shared.core.ports.notifications import Notifier
from shared.core.ports.queue import Queue

log = logging.getLogger("wellos.scoring")
VISIBILITY_S = 300.0


def run_nightly_scoring(
    platform: Platform, queue: Queue, night: date, queue_name: str = SCORING_QUEUE
) -> ScoringReport:
    """Fan out ``night`` and score every job on the queue; returns the totals."""
    platform.analytics.scoring.fan_out(queue, night, queue_name)
    return work_scoring_queue(platform, queue, queue_name)


def work_scoring_queue(
    platform: Platform, queue: Queue, queue_name: str = SCORING_QUEUE
) -> ScoringReport:
    """Score every job the queue hands out; a failed one stays locked for a later pass."""
    total = ScoringReport()
    metrics = platform.telemetry.metrics
    while messages := queue.receive(queue_name, 10, VISIBILITY_S):
        for message in messages:
            record_queue_lag(metrics, queue_name, message.enqueued_at, utc_now())
            try:
                job = ScoringJob.from_body(message.body)
            except InputError as exc:
                queue.dead_letter(queue_name, message, "not_a_scoring_job", str(exc))
                record_dead_letter(metrics, queue_name, "not_a_scoring_job")
                continue
            try:
                total.add(platform.analytics.scoring.score_chunk(job))
            except Exception as exc:
                log.warning(
                    "scoring %s failed (delivery %d), retried in %g s: %s",
                    message.message_id, message.delivery_count, VISIBILITY_S,
                    type(exc).__name__,
                )  # fmt: skip
                continue
            queue.complete(queue_name, message)
    return total


def dispatch_notifications(
    platform: Platform, notifier: Notifier, limit: int = 100
) -> DispatchReport:
    """Send the due outbox rows of every tenant (the local runner calls it every minute)."""
    return platform.analytics.notifications.dispatch(notifier, limit)


def run_scoring_loop(
    platform: Platform,
    queue: Queue,
    notifier: Notifier,
    stop_event: threading.Event,
    interval_s: float = 60.0,
    clock: Clock = utc_now,
    scored: date | None = None,
) -> ScoringReport:
    """The local timers: fan out last night once it is new, work the queue (retries too),
    send due notifications, identity e-mails and the day's compliance reminders, every tick.

    ``scored`` is a night already fanned out before the loop started.
    """
    total = ScoringReport()
    while not stop_event.is_set():
        night = last_night(clock())
        try:
            if night != scored:
                platform.analytics.scoring.fan_out(queue, night)
                scored = night
            total.add(work_scoring_queue(platform, queue))
            dispatch_notifications(platform, notifier)
            platform.mail.dispatch(notifier)  # invitations and password resets
            platform.compliance.reminders.remind(notifier)  # once a day per tenant
        except Exception as exc:  # a database is down: the next tick tries again
            log.warning("local scoring tick failed: %s", type(exc).__name__)
        stop_event.wait(interval_s)
    return total


def start_scoring_thread(
    platform: Platform,
    queue: Queue,
    notifier: Notifier,
    stop_event: threading.Event,
    scored: date | None = None,
) -> threading.Thread:
    thread = threading.Thread(
        target=run_scoring_loop,
        args=(platform, queue, notifier, stop_event),
        kwargs={"scored": scored},
        name="wellos-scoring",
        daemon=True,
    )
    thread.start()
    return thread
