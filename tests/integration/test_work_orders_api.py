"""Work orders through the API: by hand and from an alert, the status machine, parts,
costs and downtime, who may act, and the pumper's sync feed."""

from __future__ import annotations

import time
from typing import Any

from shared.core.analytics.model.scoring import Severity
from tests.integration import api_support
from tests.integration.api_support import assign, create_well, invite
from tests.integration.conftest import TenantSession
from tests.integration.test_alerts_api import add_alert

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme

BASE = "/api/v1/work-orders"


def post(session: TenantSession, path: str, body: Any, status: int = 200, **kw: Any) -> Any:
    headers = kw.get("headers", session.headers)
    response = session.client.post(path, json=body, headers=headers)
    assert response.status_code == status, response.text
    return response.json()


def pull_until(
    session: TenantSession, headers: dict[str, str], since: str, entity: str
) -> list[dict[str, Any]]:
    """Pull the feed until a change of `entity` arrives: the PostgreSQL fence is
    cluster-wide, so other sessions on the server can hold settled rows back a moment."""
    changes: list[dict[str, Any]] = []
    for _ in range(200):
        response = session.client.get(
            "/api/v1/sync/changes", params={"since": since}, headers=headers
        )
        body = response.json()
        changes += body["changes"]
        since = body["cursor"]
        if any(c["entity"] == entity for c in changes) and not body["has_more"]:
            return changes
        time.sleep(0.1)
    raise AssertionError(f"no {entity} change arrived: {changes}")


def new_order(session: TenantSession, well_id: str, **values: Any) -> dict[str, Any]:
    body = {"well_id": well_id, "title": "Replace rod pump", **values}
    created: dict[str, Any] = post(session, BASE, body, 201)
    return created


def test_a_work_order_goes_from_open_to_done_with_parts_costs_and_downtime(
    mod_acme: TenantSession,
) -> None:
    # GIVEN a work order made by hand
    well = create_well(mod_acme)
    order = new_order(mod_acme, well["id"], priority="high", due_date="2026-12-20")
    assert (order["status"], order["source"]["kind"]) == ("open", "manual")
    url = f"{BASE}/{order['id']}"
    # WHEN it is assigned, scheduled, started, costed and closed
    post(mod_acme, url + "/assign", {"assignee": "Basin Well Service"})
    post(
        mod_acme, url + "/status", {"status": "scheduled", "scheduled_for": "2026-12-10T08:00:00Z"}
    )
    post(mod_acme, url + "/status", {"status": "in_progress"})
    post(
        mod_acme, url + "/parts", {"part_number": "ROD-78", "quantity": "3", "unit_cost": "125.50"}
    )
    post(mod_acme, url + "/costs", {"category": "contractor", "amount": "1800.00"})
    post(
        mod_acme,
        url + "/downtime",
        {"start": "2026-12-10T06:00:00Z", "end": "2026-12-10T15:30:00Z"},
    )
    done = post(mod_acme, url + "/status", {"status": "done", "note": "pump swapped"})
    # THEN it is done, with its history, total cost and downtime hours
    assert done["status"] == "done" and done["closed_at"] is not None
    assert [h["status"] for h in done["history"]] == ["open", "scheduled", "in_progress", "done"]
    assert (done["total_cost"], done["downtime_hours"]) == ("2176.50", "9.50")
    assert done["assignee"] == "Basin Well Service"
    # AND closing it again is a 409 that changes nothing
    again = mod_acme.client.post(url + "/status", json={"status": "done"}, headers=mod_acme.headers)
    assert again.status_code == 409
    assert again.json()["code"] == "work_order_closed"
    cancel = {"status": "cancelled", "note": "x"}
    assert (
        mod_acme.client.post(url + "/status", json=cancel, headers=mod_acme.headers).status_code
        == 409
    )
    fetched = mod_acme.client.get(url, headers=mod_acme.headers).json()
    assert len(fetched["history"]) == 4


def test_bad_work_order_input_names_the_field(mod_acme: TenantSession) -> None:
    order = new_order(mod_acme, create_well(mod_acme)["id"])
    url = f"{BASE}/{order['id']}"
    cases = [
        ("/status", {"status": "scheduled"}, "scheduled_for"),
        ("/status", {"status": "open"}, "status"),
        ("/parts", {"part_number": "P", "quantity": "-1", "unit_cost": "1"}, "quantity"),
        ("/costs", {"category": "labour", "amount": "10.001"}, "amount"),
        (
            "/downtime",
            {"start": "2026-12-10T06:00:00Z", "end": "2026-12-10T05:00:00Z"},
            "downtime.end",
        ),
    ]
    for path, body, field in cases:
        response = mod_acme.client.post(url + path, json=body, headers=mod_acme.headers)
        assert (response.status_code, response.json().get("field")) == (422, field), path
    blank = mod_acme.client.post(
        BASE, json={"well_id": order["well_id"], "title": "  "}, headers=mod_acme.headers
    )
    assert (blank.status_code, blank.json()["field"]) == (422, "title")


def test_an_alert_becomes_one_work_order(mod_platform: Any, mod_acme: TenantSession) -> None:
    # GIVEN a critical alert on a well
    well = create_well(mod_acme)
    alert_id = add_alert(mod_platform, mod_acme, well["id"], Severity.CRITICAL)
    # WHEN a work order is made from it, twice
    first = post(mod_acme, BASE + "/from-alert", {"alert_id": alert_id}, 201)
    second = post(mod_acme, BASE + "/from-alert", {"alert_id": alert_id}, 201)
    # THEN there is one, urgent, naming the alert as its source
    assert first["id"] == second["id"]
    assert first["priority"] == "urgent"
    assert first["source"] == {"kind": "anomaly", "reference": alert_id}
    listed = mod_acme.client.get(BASE, params={"well_id": well["id"]}, headers=mod_acme.headers)
    assert listed.json()["total"] == 1


def test_pumpers_see_and_act_on_their_wells_only_and_get_them_in_the_sync_feed(
    mod_acme: TenantSession,
) -> None:
    # GIVEN a pumper assigned to one of two wells, each with a work order
    pumper = invite(mod_acme, "FIELD_OPERATOR")
    viewer = invite(mod_acme, "VIEWER")
    mine, other = create_well(mod_acme), create_well(mod_acme)
    assign(mod_acme, mine["id"], pumper["id"])
    cursor = mod_acme.client.get("/api/v1/sync/changes", headers=pumper["headers"]).json()
    mine_order = new_order(mod_acme, mine["id"])
    other_order = new_order(mod_acme, other["id"])
    # THEN the pumper lists only his well's work order, and cannot reach the other
    listed = mod_acme.client.get(BASE, headers=pumper["headers"]).json()
    assert [o["id"] for o in listed["items"]] == [mine_order["id"]]
    other_url = f"{BASE}/{other_order['id']}"
    assert mod_acme.client.get(other_url, headers=pumper["headers"]).status_code == 404
    # AND his sync pull carries his well's work order, not the other
    changes = pull_until(mod_acme, pumper["headers"], cursor["cursor"], "work_order")
    assert {c["entity_id"] for c in changes if c["entity"] == "work_order"} == {mine_order["id"]}
    # AND he closes it; a viewer may not touch any
    closed = post(mod_acme, f"{BASE}/{mine_order['id']}/status", {"status": "done"},
                  headers=pumper["headers"])  # fmt: skip
    assert closed["history"][-1]["by"] == pumper["email"]
    response = mod_acme.client.post(BASE, json={"well_id": mine["id"], "title": "x"},
                                    headers=viewer["headers"])  # fmt: skip
    assert response.status_code == 403


def test_equipment_metrics_count_failures_downtime_and_cost(mod_acme: TenantSession) -> None:
    # GIVEN two corrective work orders on one pump, each with downtime and cost
    well = create_well(mod_acme)
    pump = f"pump-{well['id'][:8]}"
    for day, hours in (("05", "06:00:00"), ("20", "12:00:00")):
        order = new_order(mod_acme, well["id"], equipment_id=pump,
                          failure_at=f"2026-03-{day}T00:00:00Z")  # fmt: skip
        url = f"{BASE}/{order['id']}"
        post(mod_acme, url + "/downtime",
             {"start": f"2026-03-{day}T00:00:00Z", "end": f"2026-03-{day}T{hours}Z"})  # fmt: skip
        post(mod_acme, url + "/costs", {"category": "contractor", "amount": "500.00"})
    # WHEN the metrics of March are asked for
    response = mod_acme.client.get(
        "/api/v1/equipment-metrics",
        params={"start": "2026-03-01T00:00:00Z", "end": "2026-04-01T00:00:00Z",
                "well_id": well["id"]},
        headers=mod_acme.headers,
    )  # fmt: skip
    # THEN two failures, 18 h down, MTBF = (744 - 18) / 2 h; cost counts orders made in March
    assert response.status_code == 200, response.text
    [pump_metrics] = response.json()
    assert (pump_metrics["failures"], pump_metrics["downtime_hours"]) == (2, "18.00")
    assert pump_metrics["mtbf_hours"] == "363.00"
