"""Alerts API and well benchmarking on real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from shared.adapters.sql.analytics.store import SqlAnalyticsStore
from shared.bootstrap import Platform
from shared.core.analytics.model.scoring import Severity
from shared.core.analytics.services.alerting import AlertDraft, alert_rows
from tests.integration.api_support import assign, create_well, invite, tenant_audit
from tests.integration.conftest import TenantSession
from tests.integration.ingest_support import tenant_engine
from tests.integration.test_scoring_support import NIGHT, write_production


def add_alert(
    platform: Platform, session: TenantSession, well_id: str, severity: Severity, age_h: int = 0
) -> str:
    draft = AlertDraft.for_anomaly(well_id, NIGHT - timedelta(hours=age_h), severity, [])
    draft = AlertDraft(
        draft.well_id, draft.source, f"{draft.source_key}:{age_h}", draft.title, severity, {}
    )
    created = datetime(2026, 11, 21, tzinfo=UTC) - timedelta(hours=age_h)
    alert, outbox = alert_rows(draft, created, [session.created.admin_email])
    with tenant_engine(platform, session.slug).begin() as connection:
        store = SqlAnalyticsStore(connection)
        assert store.add_alert(alert)
        store.add_outbox(outbox)
    return alert.id


def alerts(session: TenantSession, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = session.client.get("/api/v1/alerts", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_alerts_list_filter_and_page(platform: Platform, acme: TenantSession) -> None:
    # GIVEN three alerts on two wells
    one, two = create_well(acme)["id"], create_well(acme)["id"]
    newest = add_alert(platform, acme, one, Severity.CRITICAL, age_h=0)
    add_alert(platform, acme, one, Severity.HIGH, age_h=1)
    add_alert(platform, acme, two, Severity.HIGH, age_h=2)

    # WHEN they are listed a page of two at a time, and filtered
    first = alerts(acme, acme.headers, limit=2)
    second = alerts(acme, acme.headers, limit=2, offset=first["next_offset"])
    critical = alerts(acme, acme.headers, severity="CRITICAL")
    of_two = alerts(acme, acme.headers, well_id=two)

    # THEN pages are newest first with totals, and filters apply
    assert (first["total"], first["next_offset"], first["items"][0]["id"]) == (3, 2, newest)
    assert (len(second["items"]), second["next_offset"]) == (1, None)
    assert [a["id"] for a in critical["items"]] == [newest]
    assert {a["well_id"] for a in of_two["items"]} == {two}
    bad = acme.client.get("/api/v1/alerts", params={"status": "NOPE"}, headers=acme.headers)
    assert bad.status_code == 422


def test_acknowledge_then_resolve_is_audited_and_illegal_moves_are_409(
    platform: Platform, acme: TenantSession
) -> None:
    # GIVEN an open alert
    well = create_well(acme)["id"]
    alert_id = add_alert(platform, acme, well, Severity.HIGH)
    base = f"/api/v1/alerts/{alert_id}"

    # WHEN a manager acknowledges it and then resolves it with a note
    manager = invite(acme, "MANAGER")
    acked = acme.client.post(f"{base}/acknowledge", headers=manager["headers"])
    again = acme.client.post(f"{base}/acknowledge", headers=manager["headers"])
    resolved = acme.client.post(
        f"{base}/resolve", json={"note": "replaced bearing"}, headers=manager["headers"]
    )
    reopened = acme.client.post(f"{base}/acknowledge", headers=acme.headers)

    # THEN each legal move lands, the illegal ones are 409, and the audit log has both
    assert acked.status_code == 200, acked.text
    assert acked.json()["acknowledged_by"] == manager["email"]
    assert again.status_code == 409
    assert resolved.status_code == 200
    assert (resolved.json()["status"], resolved.json()["note"]) == ("RESOLVED", "replaced bearing")
    assert reopened.status_code == 409
    actions = {entry.action for entry in tenant_audit(platform, acme.slug, "alert", alert_id)}
    assert actions == {"alert.acknowledge", "alert.resolve"}
    missing = acme.client.post(
        "/api/v1/alerts/00000000-0000-0000-0000-000000000000/resolve", headers=acme.headers
    )
    assert missing.status_code == 404


def test_field_operators_see_and_act_on_assigned_wells_viewers_only_read(
    platform: Platform, acme: TenantSession
) -> None:
    # GIVEN alerts on an assigned and an unassigned well
    mine, other = create_well(acme)["id"], create_well(acme)["id"]
    on_mine = add_alert(platform, acme, mine, Severity.HIGH)
    on_other = add_alert(platform, acme, other, Severity.HIGH, age_h=1)
    operator = invite(acme, "FIELD_OPERATOR")
    assign(acme, mine, operator["id"])
    viewer = invite(acme, "VIEWER")

    # WHEN each lists and tries to act
    seen = alerts(acme, operator["headers"])
    own = acme.client.post(f"/api/v1/alerts/{on_mine}/acknowledge", headers=operator["headers"])
    foreign = acme.client.post(
        f"/api/v1/alerts/{on_other}/acknowledge", headers=operator["headers"]
    )
    viewed = alerts(acme, viewer["headers"])
    by_viewer = acme.client.post(f"/api/v1/alerts/{on_other}/resolve", headers=viewer["headers"])

    # THEN the operator sees and acts on the assigned well only; the viewer only reads
    assert [a["id"] for a in seen["items"]] == [on_mine]
    assert own.status_code == 200
    assert foreign.status_code == 404
    assert viewed["total"] == 2
    assert by_viewer.status_code == 403


def test_benchmarking_ranks_wells_best_first(platform: Platform, acme: TenantSession) -> None:
    # GIVEN three wells with known rates, water and run time
    wells = [create_well(acme)["id"] for _ in range(3)]
    today = datetime.now(UTC).date()
    shift = (today - NIGHT).days
    write_production(platform, acme.slug, wells[0], 30, 100.0, water=10.0, hours_on=24.0,
                     decline_per_day=0.001, shift=shift)  # fmt: skip
    write_production(platform, acme.slug, wells[1], 30, 50.0, water=150.0, hours_on=12.0,
                     decline_per_day=0.01, shift=shift)  # fmt: skip
    write_production(platform, acme.slug, wells[2], 30, 80.0, water=40.0, hours_on=20.0,
                     decline_per_day=0.005, shift=shift)  # fmt: skip

    def ranking(metric: str) -> list[str]:
        response = acme.client.get(
            "/api/v1/analytics/wells", params={"metric": metric, "days": 30},
            headers=acme.headers,
        )  # fmt: skip
        assert response.status_code == 200, response.text
        return [item["well_id"] for item in response.json()["items"]]

    # WHEN wells are ranked by each metric
    # THEN the order follows the known figures
    assert ranking("boe_per_day") == [wells[0], wells[2], wells[1]]
    assert ranking("water_cut") == [wells[0], wells[2], wells[1]]
    assert ranking("downtime") == [wells[0], wells[2], wells[1]]
    assert ranking("decline_rate") == [wells[0], wells[2], wells[1]]
    page = acme.client.get(
        "/api/v1/analytics/wells", params={"limit": 1}, headers=acme.headers
    ).json()
    assert (page["total"], page["next_offset"], page["items"][0]["rank"]) == (3, 1, 1)
