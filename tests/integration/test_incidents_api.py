"""Incidents through the API: a spill reported from the field, the Texas RRC's
notifications due, corrective actions, notifications recorded, and bad input."""

from __future__ import annotations

from typing import Any

from tests.integration import api_support
from tests.integration.api_support import assign, create_well, invite, problem_field
from tests.integration.conftest import TenantSession

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme

BASE = "/api/v1/incidents"


def spill(well_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "kind": "spill",
        "occurred_at": "2026-12-01T08:00:00Z",
        "discovered_at": "2026-12-01T09:30:00Z",
        "location": {"state": "TX", "county": "Midland", "well_id": well_id},
        "description": "Flowline leak at the header",
        "cause": "external corrosion",
        "releases": [{"material": "crude_oil", "released": "12", "recovered": "9"}],
        **changes,
    }


def test_a_pumper_reports_a_spill_and_the_office_follows_it_up(mod_acme: TenantSession) -> None:
    # GIVEN a pumper assigned to a well in Texas
    well = create_well(mod_acme)
    pumper = invite(mod_acme, "FIELD_OPERATOR")
    assign(mod_acme, well["id"], pumper["id"])
    # WHEN he reports a 12 bbl crude spill
    response = mod_acme.client.post(BASE, json=spill(well["id"]), headers=pumper["headers"])
    assert response.status_code == 201, response.text
    incident = response.json()
    # THEN the RRC's immediate notice is due (from discovery) among its notifications
    due = {d["rule_id"]: d for d in incident["notifications_due"]}
    assert "tx-rrc-swr20-notice" in due
    assert due["tx-rrc-swr20-notice"]["immediately"] is True
    assert due["tx-rrc-swr20-notice"]["sent_at"] is None
    url = f"{BASE}/{incident['id']}"
    # WHEN the office records the notice and a corrective action, then completes it
    sent = {"rule_id": "tx-rrc-swr20-notice", "at": "2026-12-01T09:45:00Z", "reference": "D8-1"}
    after = mod_acme.client.post(url + "/notifications", json=sent, headers=mod_acme.headers)
    assert after.status_code == 200, after.text
    notice = next(d for d in after.json()["notifications_due"] if d["rule_id"] == sent["rule_id"])
    assert (notice["sent_at"], notice["overdue"]) == ("2026-12-01T09:45:00+00:00", False)
    again = mod_acme.client.post(url + "/notifications", json=sent, headers=mod_acme.headers)
    assert (again.status_code, again.json()["field"]) == (422, "rule_id")
    action = {"description": "Replace the header", "owner": "Ops", "due_on": "2026-12-15"}
    mod_acme.client.post(url + "/corrective-actions", json=action, headers=mod_acme.headers)
    done = mod_acme.client.post(url + "/corrective-actions-done", json={
        "index": 0, "done_on": "2026-12-10"}, headers=mod_acme.headers)  # fmt: skip
    assert done.json()["corrective_actions"][0]["done_on"] == "2026-12-10"
    # AND the pumper sees it, but may not follow it up
    listed = mod_acme.client.get(BASE, headers=pumper["headers"]).json()
    assert [i["id"] for i in listed["items"]] == [incident["id"]]
    refused = mod_acme.client.post(
        url + "/corrective-actions", json=action, headers=pumper["headers"]
    )
    assert refused.status_code == 403


def test_bad_incidents_name_the_field(mod_acme: TenantSession) -> None:
    well = create_well(mod_acme)["id"]
    cases = [
        (spill(well, discovered_at="2026-12-01T07:00:00Z"), "discovered_at"),
        (spill(well, releases=[{"material": "crude_oil", "released": "1", "recovered": "2"}]),
         "releases.0.recovered"),
        (spill(well, releases=[{"material": "natural_gas", "released": "10", "unit": "bbl"}]),
         "releases.0.unit"),
        (spill(well, location={"state": "Texas", "well_id": well}), "location.state"),
    ]  # fmt: skip
    for body, field in cases:
        response = mod_acme.client.post(BASE, json=body, headers=mod_acme.headers)
        assert (response.status_code, problem_field(response)) == (422, field), field
