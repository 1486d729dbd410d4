"""`wellos demo`: the local platform with two seeded tenants, served on one port.

Start-up: the master database (embedded PostgreSQL unless WELLOS_DATABASE_URL
is set), the master schema, the tenants `acme` and `permian` (created once,
migrated on every start), their seed data (once), then the API with uvicorn
until Ctrl-C or `--duration` seconds, and a summary. Before serving, each
tenant's field site is provisioned and its last 15 days of sensor history
written where readings are missing, and last night is scored (the planned pump
failures show up as alerts, and each becomes a work order). Once the API
listens, the background starts: the drain, sync-job, ETL and scoring timers,
and (unless `--no-field`) a simulated RTU and a real edge gateway per tenant,
serving the same history live, with a flowline blockage starting 5 s in whose
real-time alarm the demo prints as soon as the API has it.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import SecretStr

from functions.api.app import create_app
from functions.local.credentials import DemoState
from functions.local.demo_background import (
    count_readings,
    start_alarm_watch,
    start_field,
    start_status,
    start_timers,
)
from functions.local.demo_database import count_production_rows, demo_master_url
from functions.local.demo_field import (
    LIVE_FAULT_AFTER_S,
    LIVE_FAULT_WELL,
    WELLS_PER_SITE,
    FieldSite,
    backfill_site,
    provision_site,
)
from functions.local.demo_output import DemoOutput, Endpoint, TenantCounts
from functions.local.demo_tenants import DEMO_TENANTS, DemoTenant, open_demo_tenant
from functions.local.office_app import OfficeApp
from functions.local.scoring import run_nightly_scoring
from functions.local.seed import seed_tenant
from functions.local.seed_compliance import last_complete_month, seed_month_end
from functions.local.server import CountingApp, ServeResult, ensure_port_free, serve
from shared.bootstrap import Platform, build_platform
from shared.core.analytics.services.nightly import last_night
from shared.core.common.clock import utc_now
from shared.core.wells.ports import WellQuery
from shared.settings import Settings

LOCAL_HOSTS = {"127.0.0.1", "0.0.0.0", "localhost", "::", "::1"}


@dataclass(frozen=True)
class DemoOptions:
    host: str = "127.0.0.1"
    port: int = 7071
    duration_s: float | None = None
    fresh: bool = False
    json_output: bool = False
    field: bool = True


def run_demo(options: DemoOptions, settings: Settings | None = None) -> ServeResult:
    """Provision, seed and serve the demo; returns when it stops."""
    settings = settings or Settings()
    output = DemoOutput(options.json_output)
    demo_dir = settings.state_dir / "demo"
    ensure_port_free(options.host, options.port)
    if options.fresh and demo_dir.exists():
        output.say(f"--fresh: removing {demo_dir}")
        shutil.rmtree(demo_dir)
    with contextlib.ExitStack() as stack:
        master_url = demo_master_url(settings, demo_dir / "pgdata", stack, output.say)
        demo_settings = settings.model_copy(update={"database_url": SecretStr(master_url)})
        platform = build_platform(demo_settings)
        stack.callback(platform.close)
        tenants = _prepare(platform, DemoState(demo_dir / "credentials.json"), output)
        sites = _prepare_field(platform, tenants, demo_dir, output)
        night = _score_last_night(platform, tenants, output)
        _work_orders_from_predictions(platform, tenants, sites, output)
        endpoint = Endpoint(_display_host(options.host), options.port, settings.base_domain)
        app = CountingApp(OfficeApp(create_app(platform)))
        _quiet_logs(settings)
        background = contextlib.ExitStack()
        stack.enter_context(background)

        def on_ready() -> None:
            output.ready(endpoint, tenants, options.duration_s)
            timers = start_timers(platform, background, scored_night=night)
            if options.field:
                api_base = f"http://{_display_host(options.host)}:{options.port}"
                start_field(platform, sites, api_base, demo_dir, background)
                output.say("Field: one simulated RTU and one edge gateway per tenant")
                output.say(
                    f"Field: a flowline blockage starts on well {LIVE_FAULT_WELL} of each site "
                    f"in {LIVE_FAULT_AFTER_S:.0f} s; its alarm (tubing pressure high) prints "
                    "here as ALARM when the API has it"
                )
                start_status(platform, tenants, output.say, timers)
                start_alarm_watch(platform, tenants, output.say, timers)

        result = serve(app, options.host, options.port, options.duration_s, on_ready=on_ready)
        background.close()
        output.summary(result, [count_tenant(platform, demo) for demo in tenants])
        return result


def _prepare(platform: Platform, state: DemoState, output: DemoOutput) -> list[DemoTenant]:
    output.say("Migrating the master registry")
    platform.migrate_master()
    tenants = [open_demo_tenant(platform, spec, state, output.say) for spec in DEMO_TENANTS]
    for demo in tenants:
        _seed_once(platform, demo, state, output)
    return tenants


def _seed_once(platform: Platform, demo: DemoTenant, state: DemoState, output: DemoOutput) -> None:
    """Seed unless the tenant has wells and its seed finished (a broken seed is resumed)."""
    slug = demo.tenant.slug
    wells = platform.wells.list(demo.tenant, demo.actor, WellQuery(limit=1)).total
    if wells and state.is_seeded(slug):
        output.say(f"{slug} already has {wells} wells: not seeding again")
        return
    started = time.monotonic()
    with output.seeding(slug) as progress:
        report = seed_tenant(platform, demo.tenant, demo.actor, progress=progress)
    month = last_complete_month(utc_now().date())
    month_end = seed_month_end(platform, demo.tenant, demo.actor, month)
    output.say(f"{slug}: month-end {month_end.period} seeded ({month_end.run_tickets} run tickets)")
    state.mark_seeded(slug)
    output.seeded(slug, report, time.monotonic() - started)


def _prepare_field(
    platform: Platform, tenants: list[DemoTenant], demo_dir: Path, output: DemoOutput
) -> list[tuple[DemoTenant, FieldSite]]:
    """Each tenant's field site, with its recent sensor history written where it is missing."""
    now = utc_now()
    sites = []
    for demo in tenants:
        site = provision_site(platform, demo, demo_dir / "field-sites.json", now)
        written = backfill_site(platform, demo, site, now)
        if written:
            faults = ", ".join(str(f.mode) + f" on well {f.well}" for f in site.faults())
            output.say(
                f"{demo.tenant.slug}: wrote {written:,} hourly sensor readings of the last "
                f"15 days (planned failure: {faults})"
            )
        sites.append((demo, site))
    return sites


def _score_last_night(platform: Platform, tenants: list[DemoTenant], output: DemoOutput) -> date:
    """Score last night now (the scoring timer takes over from tomorrow) and show its alerts."""
    night = last_night(utc_now())
    report = run_nightly_scoring(platform, platform.queue, night)
    alerts = {demo.tenant.slug: _open_alert_titles(platform, demo) for demo in tenants}
    output.scored(night, report, alerts)
    return night


def _work_orders_from_predictions(
    platform: Platform,
    tenants: list[DemoTenant],
    sites: list[tuple[DemoTenant, FieldSite]],
    output: DemoOutput,
) -> None:
    """The planned failure's alert becomes a work order: each failure-risk alert, or the
    anomaly alert of a planned well without one; made once (a restart finds them)."""
    planned = {demo.tenant.slug: {f.well for f in site.faults()} for demo, site in sites}
    for demo in tenants:
        names = _well_names(platform, demo)
        numbers = _well_numbers(platform, demo)
        page = platform.analytics.alerts.list(demo.tenant, demo.actor, "OPEN", None, None, 100, 0)
        predicted = {a.well_id for a in page.items if a.source == "prediction"}
        for alert in page.items:
            source, well_id = alert.source, alert.well_id
            on_planned = numbers.get(well_id) in planned.get(demo.tenant.slug, set())
            anomaly_only = source == "anomaly" and on_planned and well_id not in predicted
            if source != "prediction" and not anomaly_only:
                continue
            order = platform.operations.work_orders.create_from_alert(
                demo.tenant, demo.actor, alert.id
            )
            output.say(
                f"{demo.tenant.slug}: work order '{order['title']}' ({order['priority']}, "
                f"due {order['due_date']}) on {names.get(well_id, well_id)} from its "
                f"{source} alert"
            )


def _well_numbers(platform: Platform, demo: DemoTenant) -> dict[str, int]:
    """Well id -> its number in the simulated field (the order the site lists them)."""
    wells = platform.wells.list(demo.tenant, demo.actor, WellQuery(limit=WELLS_PER_SITE)).items
    return {well.id: number for number, well in enumerate(wells, start=1)}


def _open_alert_titles(platform: Platform, demo: DemoTenant) -> list[str]:
    page = platform.analytics.alerts.list(demo.tenant, demo.actor, "OPEN", None, None, 20, 0)
    names = _well_names(platform, demo)
    return [f"{names.get(a.well_id, a.well_id)}: {a.title}" for a in page.items]


def _well_names(platform: Platform, demo: DemoTenant) -> dict[str, str]:
    wells = platform.wells.list(demo.tenant, demo.actor, WellQuery(limit=500)).items
    return {well.id: well.name for well in wells}


def count_tenant(platform: Platform, demo: DemoTenant) -> TenantCounts:
    """Wells (through the service) and production rows of a demo tenant."""
    wells = platform.wells.list(demo.tenant, demo.actor, WellQuery(limit=1)).total
    production = count_production_rows(platform, demo.tenant)
    return TenantCounts(demo.tenant.slug, wells, production, count_readings(platform, demo.tenant))


def _quiet_logs(settings: Settings) -> None:
    """The demo talks through its own output; logs show warnings unless asked for more."""
    if not settings.log_level_set:
        logging.getLogger("wellos").setLevel(logging.WARNING)


def _display_host(host: str) -> str:
    return "localhost" if host in LOCAL_HOSTS else host
