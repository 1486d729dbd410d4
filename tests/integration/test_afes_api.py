"""AFEs through the API: approval by amount thresholds per role, actual costs, budget
versus actual with overrun alerts, partners' elections, and bad input."""

from __future__ import annotations

from typing import Any

from tests.integration import api_support
from tests.integration.api_support import create_well, invite, unique
from tests.integration.conftest import TenantSession

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme

BASE = "/api/v1/afes"


def call(session: TenantSession, path: str, body: Any = None, status: int = 200, **kw: Any) -> Any:
    headers = kw.get("headers", session.headers)
    response = session.client.post(path, json=body, headers=headers)
    assert response.status_code == status, response.text
    return response.json()


def new_afe(session: TenantSession, well_id: str, amounts: dict[str, str], **extra: Any) -> Any:
    estimate = [{"category": c, "amount": a} for c, a in amounts.items()]
    body = {"number": unique("AFE"), "title": "Rod pump workover", "well_id": well_id,
            "estimate": estimate, **extra}  # fmt: skip
    return call(session, BASE, body, 201)


def test_a_large_afe_needs_a_manager_then_an_admin(mod_acme: TenantSession) -> None:
    # GIVEN an AFE of $300,000 (over the $250,000 admin threshold), submitted
    manager = invite(mod_acme, "MANAGER")
    well = create_well(mod_acme)
    afe = new_afe(mod_acme, well["id"], {"idc": "200000", "tcc": "100000"})
    url = f"{BASE}/{afe['id']}"
    submitted = call(mod_acme, url + "/submit")
    assert [lv["role"] for lv in submitted["levels"]] == ["MANAGER", "ADMIN"]
    assert submitted["waiting_for"] == "MANAGER"
    # WHEN the admin decides first, out of his turn
    wrong = mod_acme.client.post(
        url + "/decision", json={"approve": True}, headers=mod_acme.headers
    )
    # THEN it is a 403 naming the role, and nothing changed
    assert (wrong.status_code, wrong.json()["code"]) == (403, "wrong_approval_role")
    assert wrong.json()["field"] == "role"
    # WHEN the manager approves, then the admin
    call(mod_acme, url + "/decision", {"approve": True}, headers=manager["headers"])
    approved = call(mod_acme, url + "/decision", {"approve": True, "note": "ok"})
    # THEN it is approved, with both decisions
    assert approved["status"] == "approved"
    assert [d["role"] for d in approved["decisions"]] == ["MANAGER", "ADMIN"]
    # AND a further decision is out of turn (409)
    again = mod_acme.client.post(
        url + "/decision", json={"approve": True}, headers=mod_acme.headers
    )
    assert again.status_code == 409


def test_actual_costs_give_budget_versus_actual_and_overrun_alerts(
    mod_acme: TenantSession,
) -> None:
    # GIVEN an approved $10,000 workover AFE on a well
    manager = invite(mod_acme, "MANAGER")
    well = create_well(mod_acme)
    afe = new_afe(mod_acme, well["id"], {"workover": "10000"})
    url = f"{BASE}/{afe['id']}"
    # costs before approval are refused
    early = {"category": "workover", "amount": "100.00"}
    assert (
        mod_acme.client.post(url + "/actuals", json=early, headers=mod_acme.headers).status_code
        == 409
    )
    call(mod_acme, url + "/submit")
    call(mod_acme, url + "/decision", {"approve": True}, headers=manager["headers"])
    # WHEN $9,500 then $1,700 of costs are posted
    call(
        mod_acme,
        url + "/actuals",
        {"category": "workover", "amount": "9500.00", "reference": "INV-1"},
    )
    after = call(mod_acme, url + "/actuals", {"category": "workover", "amount": "1700.00"})
    # THEN budget versus actual shows 112 % used and a "supplement required" overrun
    total = next(row for row in after["budget"] if row["scope"] == "total")
    assert (total["actual"], total["variance"], total["percent_used"]) == (
        "11200.00",
        "1200.00",
        "112.0",
    )
    assert {o["level"] for o in after["overruns"]} == {"supplement_required"}
    # AND the inbox holds one alert per threshold crossed, on the AFE's well
    alerts = mod_acme.client.get("/api/v1/alerts", params={"well_id": well["id"]},
                                 headers=mod_acme.headers).json()["items"]  # fmt: skip
    raised = sorted((a["details"]["scope"], a["severity"]) for a in alerts if a["source"] == "afe")
    assert raised == [("total", "CRITICAL"), ("total", "MEDIUM"),
                      ("workover", "CRITICAL"), ("workover", "MEDIUM")]  # fmt: skip
    # AND closing works once
    assert call(mod_acme, url + "/close")["status"] == "closed"
    assert mod_acme.client.post(url + "/close", headers=mod_acme.headers).status_code == 409


def test_a_rejected_afe_is_revised_and_partners_elect(mod_acme: TenantSession) -> None:
    manager = invite(mod_acme, "MANAGER")
    as_manager = manager["headers"]
    well = create_well(mod_acme)
    afe = new_afe(mod_acme, well["id"], {"workover": "5000"},
                  partners=[{"partner_id": "XTO", "working_interest": "0.25"}])  # fmt: skip
    url = f"{BASE}/{afe['id']}"
    call(mod_acme, url + "/submit")
    # a rejection without a reason is refused; with one, the AFE is rejected
    no_reason = mod_acme.client.post(url + "/decision", json={"approve": False}, headers=as_manager)
    assert (no_reason.status_code, no_reason.json()["field"]) == (422, "note")
    rejected = call(mod_acme, url + "/decision", {"approve": False, "note": "too dear"},
                    headers=as_manager)  # fmt: skip
    assert rejected["status"] == "rejected"
    revised = call(
        mod_acme, url + "/revise", {"estimate": [{"category": "workover", "amount": "4000"}]}
    )
    assert (revised["status"], revised["total_estimate"]) == ("draft", "4000")
    call(mod_acme, url + "/submit")
    call(mod_acme, url + "/decision", {"approve": True}, headers=as_manager)
    elected = call(mod_acme, url + "/elections", {"partner_id": "XTO", "election": "consent"})
    assert elected["consent"]["consented"] == "0.25"
    assert elected["consent"]["complete"] is True


def test_bad_afes_are_refused_naming_the_field(mod_acme: TenantSession) -> None:
    well = create_well(mod_acme)["id"]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"estimate": [{"category": "caviar", "amount": "1"}]}, "estimate.0.category"),
        ({"estimate": [{"category": "idc", "amount": "-5"}]}, "estimate.0.amount"),
        ({"estimate": []}, "estimate"),
        ({"estimate": [{"category": "idc", "amount": "1"}], "well_id": None}, "well_id"),
        ({"estimate": [{"category": "idc", "amount": "1"}],
          "partners": [{"partner_id": "A", "working_interest": "1.5"}]},
         "partners.0.working_interest"),
    ]  # fmt: skip
    for extra, field in cases:
        body = {"number": unique("AFE"), "title": "x", "well_id": well, **extra}
        response = mod_acme.client.post(BASE, json=body, headers=mod_acme.headers)
        assert (response.status_code, response.json().get("field")) == (422, field), extra
    number = unique("AFE")
    body = {"number": number, "title": "x", "well_id": well,
            "estimate": [{"category": "idc", "amount": "1"}]}  # fmt: skip
    assert mod_acme.client.post(BASE, json=body, headers=mod_acme.headers).status_code == 201
    assert mod_acme.client.post(BASE, json=body, headers=mod_acme.headers).status_code == 409
    pumper = invite(mod_acme, "FIELD_OPERATOR")
    assert mod_acme.client.get(BASE, headers=pumper["headers"]).status_code == 403
