"""What the demo prints: progress, the "ready" banner with credentials, and the summary.

With `--json` the banner and the summary are one JSON object per line on
stdout (`"event": "ready"` / `"summary"`); progress goes to stderr.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from functions.local.demo_tenants import DemoTenant
from functions.local.seed import Progress as SeedProgress
from functions.local.seed import SeedReport
from functions.local.server import ServeResult
from shared.core.analytics.services.nightly import ScoringReport


@dataclass(frozen=True)
class TenantCounts:
    slug: str
    wells: int
    production_rows: int
    readings: int = 0


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    base_domain: str

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def docs_url(self, slug: str) -> str:
        return f"http://{slug}.{self.base_domain}:{self.port}/docs"

    def app_url(self, slug: str) -> str:
        return f"http://{slug}.{self.base_domain}:{self.port}/"


def login_curl(endpoint: Endpoint, demo: DemoTenant) -> str:
    body = json.dumps(
        {"email": demo.credentials.email, "password": demo.credentials.password},
        separators=(",", ":"),
    )
    return (
        f"curl -s -X POST {endpoint.base_url}/api/v1/auth/login "
        f"-H 'X-WellOS-Tenant: {demo.tenant.slug}' -H 'Content-Type: application/json' "
        f"-d '{body}'"
    )


def wells_curl(endpoint: Endpoint, demo: DemoTenant) -> str:
    return (
        f"curl -s '{endpoint.base_url}/api/v1/wells?limit=5' "
        f"-H 'X-WellOS-Tenant: {demo.tenant.slug}' "
        f"-H 'Authorization: Bearer {demo.access_token}'"
    )


class DemoOutput:
    def __init__(self, json_output: bool) -> None:
        self.json_output = json_output
        self.console = Console(stderr=json_output, highlight=False, soft_wrap=True)

    def say(self, message: str) -> None:
        self.console.print(f"[cyan]•[/cyan] {escape(message)}")

    def _plain(self, line: str = "") -> None:
        self.console.print(line, markup=False)

    def _event(self, data: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(data, default=str) + "\n")
        sys.stdout.flush()

    @contextlib.contextmanager
    def seeding(self, slug: str) -> Iterator[SeedProgress]:
        columns = (
            TextColumn("[cyan]•[/cyan] Seeding {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        live = self.console.is_terminal
        with Progress(*columns, console=self.console, transient=True, disable=not live) as progress:
            tasks: dict[str, Any] = {}

            def report(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = progress.add_task(f"{slug} {phase}", total=total)
                progress.update(tasks[phase], completed=done, total=total)

            yield report

    def seeded(self, slug: str, report: SeedReport, seconds: float) -> None:
        self.console.print(
            f"[green]✓[/green] Seeded {slug}: {report.fields} fields, {report.leases} leases, "
            f"{report.facilities} facilities, {report.wells} wells, "
            f"{report.equipment} equipment, {report.production_rows:,} production rows "
            f"({seconds:.1f} s)"
        )

    def ready(self, endpoint: Endpoint, tenants: list[DemoTenant], duration: float | None) -> None:
        if self.json_output:
            self._event(_ready_event(endpoint, tenants))
            return
        stop = f"stops by itself after {duration:g} s" if duration else "Ctrl-C stops it"
        self.console.print()
        self.console.print(f"[bold green]WellOS demo is running[/bold green] ({stop})")
        self._plain()
        self._plain("Office app, one tenant per subdomain (sign in with the admin below):")
        for demo in tenants:
            self._plain(f"  {endpoint.app_url(demo.tenant.slug)}")
        self._plain()
        self._plain("API docs:")
        for demo in tenants:
            self._plain(f"  {endpoint.docs_url(demo.tenant.slug)}")
        self._plain("Or any URL with the tenant in a header:")
        first = tenants[0].tenant.slug
        self._plain(f"  {endpoint.base_url}/docs  +  -H 'X-WellOS-Tenant: {first}'")
        self._plain()
        self._plain("Tenant admins:")
        for demo in tenants:
            creds = demo.credentials
            self._plain(f"  {demo.tenant.slug:<10} {creds.email:<28} password: {creds.password}")
        self._plain()
        self._plain("Log in:")
        for demo in tenants:
            self._plain(f"  {login_curl(endpoint, demo)}")
        self._plain()
        self._plain(f"List {first}'s wells with a token the demo already obtained:")
        self._plain(f"  {wells_curl(endpoint, tenants[0])}")
        self._plain()

    def scored(self, night: date, report: ScoringReport, alerts: dict[str, list[str]]) -> None:
        """The first night's scoring, and the open alerts it left per tenant."""
        if self.json_output:
            self._event(
                {
                    "event": "scored",
                    "night": night.isoformat(),
                    "wells_scored": report.scored,
                    "wells_skipped": report.skipped,
                    "new_alerts": report.alerts,
                    "open_alerts": alerts,
                }
            )
            return
        self.say(
            f"Nightly scoring of {night}: {report.scored} wells scored, "
            f"{report.skipped} without enough data, {report.alerts} new alerts"
        )
        for slug, titles in alerts.items():
            for title in titles:
                self._plain(f"    {slug:<10} {title}")

    def summary(self, result: ServeResult, counts: list[TenantCounts]) -> None:
        wells = sum(count.wells for count in counts)
        rows = sum(count.production_rows for count in counts)
        readings = sum(count.readings for count in counts)
        if self.json_output:
            self._event(_summary_event(result, counts))
            return
        self._plain()
        self._plain(
            f"Summary: {len(counts)} tenants, {wells} wells, {rows:,} production rows, "
            f"{readings:,} SCADA readings, "
            f"{result.requests} {'request' if result.requests == 1 else 'requests'} served, "
            f"uptime {result.uptime_s:.1f} s"
        )
        for count in counts:
            self._plain(
                f"  {count.slug:<10} {count.wells:>4} wells {count.production_rows:>9,} "
                f"production rows {count.readings:>9,} SCADA readings"
            )


def _ready_event(endpoint: Endpoint, tenants: list[DemoTenant]) -> dict[str, Any]:
    return {
        "event": "ready",
        "url": endpoint.base_url,
        "tenants": [
            {
                "slug": demo.tenant.slug,
                "name": demo.tenant.name,
                "app_url": endpoint.app_url(demo.tenant.slug),
                "docs_url": endpoint.docs_url(demo.tenant.slug),
                "admin_email": demo.credentials.email,
                "admin_password": demo.credentials.password,
                "access_token": demo.access_token,
                "created": demo.created,
            }
            for demo in tenants
        ],
    }


def _summary_event(result: ServeResult, counts: list[TenantCounts]) -> dict[str, Any]:
    return {
        "event": "summary",
        "uptime_s": round(result.uptime_s, 1),
        "requests": result.requests,
        "interrupted": result.interrupted,
        "tenants": [
            {"slug": c.slug, "wells": c.wells, "production_rows": c.production_rows} for c in counts
        ],
        "scada_readings": {c.slug: c.readings for c in counts},
    }
