"""The demo's field plan on real PostgreSQL: its sensor history makes the night alert on the
planned failure, and only there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from functions.local.credentials import AdminCredentials
from functions.local.demo_field import backfill_site, provision_site
from functions.local.demo_tenants import DemoTenant
from functions.local.scoring import run_nightly_scoring
from functions.local.simulator.catalog import parse_node_id
from functions.local.simulator.history import PlannedFault
from models.synthetic import FailureMode
from shared.adapters.memory.queue import InMemoryQueue
from shared.bootstrap import Platform
from shared.core.analytics.services.nightly import last_night
from tests.integration.api_support import create_well
from tests.integration.conftest import TenantSession
from tests.integration.test_scoring_support import rows_of

NOW = datetime(2026, 11, 22, 9, 40, tzinfo=UTC)


def demo_tenant(platform: Platform, session: TenantSession) -> DemoTenant:
    tenant = session.created.tenant
    actor = platform.auth.authenticate(tenant, session.access_token)
    credentials = AdminCredentials(session.created.admin_email, "unused")
    return DemoTenant(tenant, credentials, session.access_token, actor, created=True)


def site_well_ids(platform: Platform, demo: DemoTenant, connection_id: str) -> dict[int, str]:
    page = platform.scada.tags.list(demo.tenant, demo.actor, connection_id, 500, 0)
    found = {}
    for tag in page.items:
        parsed = parse_node_id(tag.node_id)
        assert parsed is not None, tag
        found[parsed[0]] = tag.well_id
    return found


@pytest.mark.parametrize("mode", list(FailureMode))
def test_the_night_after_the_backfill_alerts_on_the_planned_failure_only(
    platform: Platform, acme: TenantSession, tmp_path: Path, mode: FailureMode
) -> None:
    # GIVEN a demo site over five wells whose plan fails well 3 two days after today
    for _ in range(5):
        create_well(acme)
    demo = demo_tenant(platform, acme)
    site = provision_site(platform, demo, tmp_path / "sites.json", NOW)
    onset = NOW.replace(hour=0, minute=0) + timedelta(days=2)
    site.planned_faults = [str(PlannedFault(3, mode, onset))]
    wells = site_well_ids(platform, demo, site.connection_id)
    assert sorted(wells) == [1, 2, 3, 4, 5]

    # WHEN its last 15 days are written and last night is scored
    written = backfill_site(platform, demo, site, NOW)
    report = run_nightly_scoring(platform, InMemoryQueue(), last_night(NOW))

    # THEN every site well was scored, and alerts name the failing well (and its mode) only
    assert written > 5 * 7 * 14 * 24 * 0.95
    assert report.skipped == 0 and report.scored == 5
    alerts = rows_of(platform, acme.slug, "alerts")
    assert {str(a["well_id"]) for a in alerts} == {wells[3]}
    assert {a["source"] for a in alerts} == {"anomaly", "prediction"}
    failure = next(a for a in alerts if a["source"] == "prediction")
    assert str(mode) in failure["title"]


def test_a_restart_writes_only_the_hours_still_missing(
    platform: Platform, acme: TenantSession, tmp_path: Path
) -> None:
    # GIVEN a site whose history was written this morning
    create_well(acme)
    demo = demo_tenant(platform, acme)
    state = tmp_path / "sites.json"
    site = provision_site(platform, demo, state, NOW)
    first = backfill_site(platform, demo, site, NOW)

    # WHEN the demo starts again six hours later (the same plan is read back)
    later = NOW + timedelta(hours=6)
    again = provision_site(platform, demo, state, later)
    second = backfill_site(platform, demo, again, later)

    # THEN the plan is kept and only the six new hours are written, once
    assert (again.seed, again.anchor, again.planned_faults) == (
        site.seed, site.anchor, site.planned_faults,
    )  # fmt: skip
    assert first > 0
    assert 6 * 7 * 0.9 <= second <= 6 * 7
    assert backfill_site(platform, demo, again, later) == 0
