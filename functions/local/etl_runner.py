"""The local runner's ETL and import worker: the 15-minute schedule and the two queues.

`run_etl_tick` is one timer tick: enqueue the tenants whose ETL interval has
elapsed, then run what waits in the `etl` and `imports` queues. `run_etl_loop`
calls it on a timer (the queues every `poll_s`, the schedule every `schedule_s`):

    stop = threading.Event()
    thread = start_etl_thread(platform, platform.queue, stop)
    ...
    stop.set(); thread.join()
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from shared.bootstrap import Platform
from shared.core.common.clock import utc_now
from shared.core.common.errors import InputError
from shared.core.etl.model.jobs import ETL_QUEUE, IMPORTS_QUEUE
from shared.core.ports.metrics import record_dead_letter, record_queue_lag
from shared.core.ports.queue import Queue

log = logging.getLogger("wellos.etl")
LOCK_S = 900.0  # a run or an import may take minutes: keep the message locked meanwhile


@dataclass
class TickReport:
    enqueued: list[str] = field(default_factory=list)
    etl_runs: int = 0
    imports: int = 0
    failed: int = 0


def run_etl_tick(
    platform: Platform, queue: Queue, schedule: bool = True, max_messages: int = 10
) -> TickReport:
    report = TickReport(enqueued=platform.etl.schedule_due(queue) if schedule else [])
    metrics = platform.telemetry.metrics
    jobs: list[tuple[str, Callable[[bytes], object]]] = [
        (ETL_QUEUE, platform.etl.handle_job),
        (IMPORTS_QUEUE, platform.imports.handle_job),
    ]
    for name, handle in jobs:
        for message in queue.receive(name, max_messages, LOCK_S):
            record_queue_lag(metrics, name, message.enqueued_at, utc_now())
            try:
                done = handle(message.body)
            except InputError as exc:  # not a job message: park it with the reason
                queue.dead_letter(name, message, "invalid_message", exc.detail)
                record_dead_letter(metrics, name, "invalid_message")
                report.failed += 1
                continue
            except Exception as exc:  # the platform retries, then dead-letters
                log.warning("%s job failed: %s", name, type(exc).__name__)
                queue.abandon(name, message)
                report.failed += 1
                continue
            queue.complete(name, message)
            if done is not None and name == ETL_QUEUE:
                report.etl_runs += 1
            elif done is not None:
                report.imports += 1
    return report


def run_etl_loop(
    platform: Platform,
    queue: Queue,
    stop_event: threading.Event,
    poll_s: float = 5.0,
    schedule_s: float = 900.0,
) -> None:
    next_schedule = time.monotonic()
    while not stop_event.is_set():
        schedule = time.monotonic() >= next_schedule
        try:
            run_etl_tick(platform, queue, schedule=schedule)
        except Exception as exc:  # the queue or the master database failed: next tick
            log.warning("ETL tick failed: %s", type(exc).__name__)
        if schedule:
            next_schedule = time.monotonic() + schedule_s
        stop_event.wait(poll_s)


def start_etl_thread(
    platform: Platform, queue: Queue, stop_event: threading.Event, poll_s: float = 5.0
) -> threading.Thread:
    thread = threading.Thread(
        target=run_etl_loop,
        args=(platform, queue, stop_event, poll_s),
        name="wellos-etl",
        daemon=True,
    )
    thread.start()
    return thread
