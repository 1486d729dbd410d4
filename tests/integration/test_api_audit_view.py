"""The audit view: admins and managers page through who did what, filter it, and export CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from tests.integration import api_support
from tests.integration.api_support import create_well, invite, problem_field

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme
mod_permian = api_support.mod_permian


def _audit(session, headers=None, **params):
    return session.client.get("/api/v1/audit", params=params, headers=headers or session.headers)


def test_a_wells_history_is_listed_newest_first_with_who_did_it(mod_acme):
    well = create_well(mod_acme)
    mod_acme.client.patch(
        f"/api/v1/wells/{well['id']}", json={"well_number": "7"}, headers=mod_acme.headers
    )
    response = _audit(mod_acme, entity_type="well", entity_id=well["id"])
    assert response.status_code == 200, response.text
    page = response.json()
    assert [e["action"] for e in page["items"]] == ["well.updated", "well.created"]
    assert page["total"] == 2
    assert {e["actor"] for e in page["items"]} == {"admin@acme.test"}
    assert {e["source"] for e in page["items"]} == {"tenant"}
    assert page["items"][0]["after"]["well_number"] == "7"


def test_user_account_events_of_the_registry_are_in_the_view(mod_acme):
    user = invite(mod_acme, "VIEWER")
    page = _audit(mod_acme, entity_type="user", entity_id=user["id"]).json()
    actions = [e["action"] for e in page["items"]]
    assert "user.created" in actions
    assert {e["source"] for e in page["items"]} == {"registry"}
    shown = str(page)
    assert "password_hash" not in shown
    assert user["one_time_password"] not in shown and user["password"] not in shown


def test_filters_by_actor_action_and_time(mod_acme):
    manager = invite(mod_acme, "MANAGER")
    well = create_well(mod_acme)
    mod_acme.client.patch(
        f"/api/v1/wells/{well['id']}", json={"well_number": "9"}, headers=manager["headers"]
    )
    by_manager = _audit(mod_acme, actor=manager["email"].upper(), entity_type="well").json()
    assert [(e["action"], e["entity_id"]) for e in by_manager["items"]] == [
        ("well.updated", well["id"])
    ]
    created = _audit(mod_acme, action="well.created", entity_id=well["id"]).json()
    assert created["total"] == 1
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    assert _audit(mod_acme, entity_id=well["id"], to=past).json()["total"] == 0
    assert _audit(mod_acme, entity_id=well["id"], **{"from": past}).json()["total"] == 2


def test_pages_follow_one_another(mod_acme):
    first = _audit(mod_acme, limit=2).json()
    assert len(first["items"]) == 2
    assert first["next_offset"] == 2
    second = _audit(mod_acme, limit=2, offset=2).json()
    assert first["items"][-1]["at"] >= second["items"][0]["at"]
    assert first["items"] != second["items"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"offset": 9_990, "limit": 50}, "offset"),
        ({"from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"actor": "a\x00b"}, "actor"),
    ],
)
def test_bad_filters_are_422_naming_the_field(mod_acme, params, field):
    response = _audit(mod_acme, **params)
    assert response.status_code == 422
    assert problem_field(response) == field


def test_managers_see_it_viewers_and_field_operators_do_not(mod_acme):
    manager = invite(mod_acme, "MANAGER")
    assert _audit(mod_acme, headers=manager["headers"]).status_code == 200
    for role in ("VIEWER", "FIELD_OPERATOR"):
        user = invite(mod_acme, role)
        assert _audit(mod_acme, headers=user["headers"]).status_code == 403
        export = mod_acme.client.get("/api/v1/audit/export.csv", headers=user["headers"])
        assert export.status_code == 403


def test_a_tenant_sees_only_its_own_entries(mod_acme, mod_permian):
    well = create_well(mod_acme)
    user = invite(mod_acme, "VIEWER")
    assert _audit(mod_permian, entity_id=well["id"]).json()["total"] == 0
    assert _audit(mod_permian, entity_id=user["id"]).json()["total"] == 0
    actors = {e["actor"] for e in _audit(mod_permian, limit=500).json()["items"]}
    assert "admin@acme.test" not in actors


def test_the_export_is_csv_of_the_same_entries(mod_acme):
    well = create_well(mod_acme, name='=HYPERLINK("http://evil.test")')
    response = mod_acme.client.get(
        "/api/v1/audit/export.csv", params={"entity_id": well["id"]}, headers=mod_acme.headers
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["action"] for r in rows] == ["well.created"]
    assert rows[0]["entity_type"] == "well"
    assert rows[0]["actor"] == "admin@acme.test"
    assert '"=HYPERLINK' in rows[0]["after"]  # inside the JSON, never a cell of its own
    assert not any(value.startswith("=") for row in rows for value in row.values())
