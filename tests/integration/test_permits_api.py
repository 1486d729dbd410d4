"""Permits through the API: the agency's statuses, approval with an expiry, conditions,
reminders ahead of expiry, and bad input."""

from __future__ import annotations

from typing import Any

from tests.integration import api_support
from tests.integration.api_support import create_well
from tests.integration.conftest import TenantSession

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme

BASE = "/api/v1/permits"


def call(session: TenantSession, path: str, body: Any = None, status: int = 200) -> Any:
    response = session.client.post(path, json=body, headers=session.headers)
    assert response.status_code == status, response.text
    return response.json()


def test_a_disposal_permit_is_approved_expires_and_reminds(mod_acme: TenantSession) -> None:
    # GIVEN a disposal permit applied for with one condition
    well = create_well(mod_acme)
    permit = call(mod_acme, BASE, {
        "permit_type": "disposal", "agency": "Texas RRC", "well_id": well["id"],
        "conditions": [{"text": "Mechanical integrity test", "due_on": "2027-03-01"}],
    }, 201)  # fmt: skip
    url = f"{BASE}/{permit['id']}"
    assert permit["status"] == "draft"
    # WHEN it is submitted, reviewed and approved until mid-2027
    call(mod_acme, url + "/status", {"status": "submitted"})
    call(mod_acme, url + "/status", {"status": "under_review"})
    approved = call(mod_acme, url + "/approve", {
        "number": "W-14 12345", "issued_on": "2026-01-05", "expires_on": "2027-06-30",
    })  # fmt: skip
    assert (approved["status"], approved["number"]) == ("approved", "W-14 12345")
    # THEN the compliance calendar reminds 90 days ahead of expiry, and of the condition
    reminders = mod_acme.client.get(
        BASE + "/reminders", params={"today": "2027-04-15"}, headers=mod_acme.headers
    ).json()
    mine = {(r["kind"], r["lead_days"]) for r in reminders if r["permit_id"] == permit["id"]}
    assert mine == {("expiring", 90), ("condition_due", 14)}
    # AND once the condition is met, only the expiry remains
    call(mod_acme, url + "/conditions-met", {"index": 0})
    reminders = mod_acme.client.get(
        BASE + "/reminders", params={"today": "2027-07-01"}, headers=mod_acme.headers
    ).json()
    assert [r["kind"] for r in reminders if r["permit_id"] == permit["id"]] == ["expired"]
    listed = mod_acme.client.get(BASE, params={"well_id": well["id"]}, headers=mod_acme.headers)
    assert listed.json()["total"] == 1


def test_bad_permit_input_names_the_field(mod_acme: TenantSession) -> None:
    well = create_well(mod_acme)
    no_target = {"permit_type": "air", "agency": "TCEQ"}
    response = mod_acme.client.post(BASE, json=no_target, headers=mod_acme.headers)
    assert (response.status_code, response.json()["field"]) == (422, "well_id")
    permit = call(mod_acme, BASE, {"permit_type": "flaring", "agency": "Texas RRC",
                                   "well_id": well["id"]}, 201)  # fmt: skip
    url = f"{BASE}/{permit['id']}"
    backwards = {"number": "F-1", "issued_on": "2026-05-01", "expires_on": "2026-04-01"}
    call(mod_acme, url + "/status", {"status": "submitted"})
    response = mod_acme.client.post(url + "/approve", json=backwards, headers=mod_acme.headers)
    assert (response.status_code, response.json()["field"]) == (422, "expires_on")
    call(mod_acme, url + "/status", {"status": "withdrawn"})
    again = mod_acme.client.post(url + "/status", json={"status": "submitted"},
                                 headers=mod_acme.headers)  # fmt: skip
    assert again.status_code == 409
