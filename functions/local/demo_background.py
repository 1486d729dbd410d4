"""The demo's background work: the field and every timer the clouds would run.

Started once the API listens (the gateways pull their config from it), stopped
with the demo. Timers: the ingest drain, sync jobs, ETL, nightly scoring with
the notification outbox.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from functions.local.demo_field import FieldSite, free_port, point_site, start_gateway, start_rtu
from functions.local.demo_tenants import DemoTenant
from functions.local.drain import start_drain_thread
from functions.local.etl_runner import start_etl_thread
from functions.local.scoring import start_scoring_thread
from functions.local.sync_jobs import start_sync_jobs_thread
from shared.bootstrap import Platform
from shared.core.analytics.model.alerts import Alert
from shared.core.registry.model.tenants import Tenant

log = logging.getLogger("wellos.demo")


@dataclass
class Background:
    stop_event: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=15)


def start_timers(
    platform: Platform, stack: contextlib.ExitStack, scored_night: date | None = None
) -> Background:
    """Every timer, on threads; ``scored_night`` is a night already scored (not scored again)."""
    background = Background()
    stop = background.stop_event
    background.threads = [
        start_drain_thread(platform, platform.queue, stop, interval_s=2.0),
        start_sync_jobs_thread(platform, stop),
        start_etl_thread(platform, platform.queue, stop),
        start_scoring_thread(platform, platform.queue, platform.notifier, stop, scored_night),
    ]
    stack.callback(background.stop)
    return background


def start_field(
    platform: Platform,
    sites: list[tuple[DemoTenant, FieldSite]],
    api_base: str,
    demo_dir: Path,
    stack: contextlib.ExitStack,
) -> None:
    """One simulated RTU and one edge gateway per demo tenant's site."""
    queue_file = platform.settings.state_dir / "queue.sqlite3"
    for demo, site in sites:
        port = free_port()
        point_site(platform, demo, site, port)
        start_rtu(site, port, demo_dir / "field", stack)
        start_gateway(site, api_base, queue_file, demo_dir / "field", stack)


def start_status(
    platform: Platform,
    tenants: list[DemoTenant],
    say: Callable[[str], None],
    background: Background,
    interval_s: float = 15.0,
) -> None:
    """Print the readings that have arrived, every `interval_s` seconds."""

    def report() -> None:
        while not background.stop_event.wait(interval_s):
            counts = [f"{d.tenant.slug} {count_readings(platform, d.tenant):,}" for d in tenants]
            say("SCADA readings stored so far: " + ", ".join(counts))

    thread = threading.Thread(target=report, name="wellos-demo-status", daemon=True)
    thread.start()
    background.threads.append(thread)


def start_alarm_watch(
    platform: Platform,
    tenants: list[DemoTenant],
    say: Callable[[str], None],
    background: Background,
    interval_s: float = 3.0,
) -> None:
    """Print each real-time alarm once, as soon as the alerts API would show it, with the
    seconds since the field started; a last look at Ctrl-C prints those raised meanwhile."""
    started = time.monotonic()
    seen: set[tuple[str, str]] = set()  # alarm ids derive from the episode: equal across tenants

    def watch() -> None:
        stopping = False
        while not stopping:
            stopping = background.stop_event.wait(interval_s)
            for demo in tenants:
                try:
                    alerts = _all_alerts(platform, demo)
                except Exception as exc:  # the demo goes on; the next look may work
                    log.warning("alarm watch of %s: %s", demo.tenant.slug, type(exc).__name__)
                    continue
                for alert in alerts:
                    key = (demo.tenant.slug, alert.id)
                    if alert.source != "alarm" or key in seen:
                        continue
                    seen.add(key)
                    after = time.monotonic() - started
                    say(
                        f"ALARM {demo.tenant.slug}: {alert.title} "
                        f"({alert.severity}, {after:.0f} s after the field started; "
                        f"GET /api/v1/alerts?status=OPEN)"
                    )

    thread = threading.Thread(target=watch, name="wellos-demo-alarms", daemon=True)
    thread.start()
    background.threads.append(thread)


def _all_alerts(platform: Platform, demo: DemoTenant, page_size: int = 200) -> list[Alert]:
    """Every alert of the tenant, page by page (the nightly scoring's may be many)."""
    found: list[Alert] = []
    while True:
        page = platform.analytics.alerts.list(
            demo.tenant, demo.actor, None, None, None, page_size, len(found)
        )
        found.extend(page.items)
        if not page.items or len(found) >= page.total:
            return found


def count_readings(platform: Platform, tenant: Tenant) -> int:
    engine = platform.tenant_databases.engines.engine_for(tenant)
    with engine.connect() as connection:
        return int(connection.execute(sa.text("SELECT count(*) FROM scada_readings")).scalar_one())
