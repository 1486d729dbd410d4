"""The local runner's ingest timer: drain the SQLite queue every few seconds.

`functions/local/demo.py` starts it next to the API:

    stop = threading.Event()
    thread = start_drain_thread(platform, queue, stop, interval_s=5)
    ...
    stop.set(); thread.join()
"""

from __future__ import annotations

import logging
import threading
import time

from shared.bootstrap import Platform
from shared.core.ports.queue import Queue
from shared.core.scada.services.deliveries import INGEST_QUEUE, DrainReport

log = logging.getLogger("wellos.ingest")
DAY_S = 86_400.0
STALE_CHECK_S = 60.0
"""How often tenants with no incoming batches get their stale-data alarms evaluated."""


def run_drain_loop(
    platform: Platform,
    queue: Queue,
    stop_event: threading.Event,
    interval_s: float = 5.0,
    queue_name: str = INGEST_QUEUE,
    max_messages: int = 100,
    maintenance_interval_s: float = DAY_S,
) -> DrainReport:
    """Drain until `stop_event` is set; a full drain goes again at once. Returns the totals.

    Reading partitions are ensured at start and every `maintenance_interval_s`.
    """
    total = DrainReport()
    next_maintenance = next_stale_check = time.monotonic()
    while not stop_event.is_set():
        if time.monotonic() >= next_stale_check:
            check_stale_alarms(platform)
            next_stale_check = time.monotonic() + STALE_CHECK_S
        try:
            if time.monotonic() >= next_maintenance:
                platform.scada.partitions.ensure_all()
                next_maintenance = time.monotonic() + maintenance_interval_s
            report = platform.scada.drain.drain(queue, queue_name, max_messages)
        except Exception as exc:  # the queue or the master database failed: next tick
            log.warning("ingest drain failed: %s", type(exc).__name__)
            report = DrainReport()
        total.add(report)
        if report.received < max_messages:
            stop_event.wait(interval_s)
    return total


def check_stale_alarms(platform: Platform) -> None:
    """Stale-data alarms of every serving tenant (a silent gateway sends no batch)."""
    try:
        tenants = [t for t in platform.tenants.all() if t.is_serving]
    except Exception as exc:  # the master database failed: next tick
        log.warning("stale alarm check skipped: %s", type(exc).__name__)
        return
    for tenant in tenants:
        try:
            platform.operations.alarms.check_stale(tenant)
        except Exception as exc:  # one tenant's database must not stop the others
            log.warning("stale alarm check of %s failed: %s", tenant.slug, type(exc).__name__)


def start_drain_thread(
    platform: Platform, queue: Queue, stop_event: threading.Event, interval_s: float = 5.0
) -> threading.Thread:
    thread = threading.Thread(
        target=run_drain_loop,
        args=(platform, queue, stop_event, interval_s),
        name="wellos-ingest-drain",
        daemon=True,
    )
    thread.start()
    return thread
