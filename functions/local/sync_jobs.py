"""The local runner's sync-jobs worker: take big sync batches off the SQLite queue.

Started next to the API (`wellos demo`, the tests, bench/sync.py):

    stop = threading.Event()
    thread = start_sync_jobs_thread(platform, stop)
    ...
    stop.set(); thread.join()

A message is completed once its job is done (or failed for good); if applying
raises, the message is abandoned and comes back, and the job resumes after its
last recorded chunk. Every 60 s (and on start) the loop also sends again the
message of any job left queued without one (`requeue_stale`).
"""

from __future__ import annotations

import logging
import threading
import time

from functions.api.schemas.sync import parse_batch
from shared.bootstrap import Platform
from shared.core.common.clock import utc_now
from shared.core.ports.metrics import record_queue_lag
from shared.core.ports.queue import Queue, ReceivedMessage
from shared.core.sync.services.jobs import SYNC_JOBS_QUEUE

log = logging.getLogger("wellos.sync.jobs")
LOCK_S = 300.0  # longer than a 100,000-event job takes
REQUEUE_EVERY_S = 60.0


def handle(platform: Platform, queue: Queue, message: ReceivedMessage) -> None:
    """Apply one message's job and settle the message."""
    record_queue_lag(platform.telemetry.metrics, SYNC_JOBS_QUEUE, message.enqueued_at, utc_now())
    try:
        platform.sync_jobs.run(message.body, parse_batch, message.delivery_count)
    except Exception as exc:  # retried: the queue dead-letters after its max deliveries
        log.warning("sync job %s failed: %s", message.message_id, type(exc).__name__)
        queue.abandon(SYNC_JOBS_QUEUE, message)
        return
    queue.complete(SYNC_JOBS_QUEUE, message)


def requeue(platform: Platform) -> None:
    """Send again the messages of jobs left queued without one (a crash after commit)."""
    try:
        platform.sync_jobs.requeue_stale(platform.settings.sync_job_requeue_after)
    except Exception as exc:  # the master database is down: next time
        log.warning("sync-jobs requeue failed: %s", type(exc).__name__)


def run_sync_jobs_loop(
    platform: Platform,
    stop_event: threading.Event,
    interval_s: float = 1.0,
    requeue_every_s: float = REQUEUE_EVERY_S,
) -> int:
    """Apply queued jobs until `stop_event` is set; returns how many messages it handled."""
    queue = platform.queue
    handled = 0
    requeue_at = 0.0
    while not stop_event.is_set():
        if time.monotonic() >= requeue_at:
            requeue(platform)
            requeue_at = time.monotonic() + requeue_every_s
        try:
            messages = queue.receive(SYNC_JOBS_QUEUE, 1, LOCK_S)
        except Exception as exc:  # the queue file is busy or gone: next tick
            log.warning("sync-jobs receive failed: %s", type(exc).__name__)
            messages = []
        for message in messages:
            handle(platform, queue, message)
            handled += 1
        if not messages:
            stop_event.wait(interval_s)
    return handled


def start_sync_jobs_thread(
    platform: Platform, stop_event: threading.Event, interval_s: float = 1.0
) -> threading.Thread:
    thread = threading.Thread(
        target=run_sync_jobs_loop,
        args=(platform, stop_event, interval_s),
        name="wellos-sync-jobs",
        daemon=True,
    )
    thread.start()
    return thread
