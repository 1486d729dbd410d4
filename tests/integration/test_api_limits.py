"""Plausibility limits over HTTP: numbers, dates and text a person types are refused as a
422 naming the field, and a JSON body nested too deep is refused before it is parsed
(issue 10, finding 6 and "bounded parsing")."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.integration import api_support
from tests.integration.api_support import create_well, problem_field, unique

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme

PROBLEM = "application/problem+json"


def _well_count(session) -> int:
    return session.client.get("/api/v1/wells?limit=1", headers=session.headers).json()["total"]


def _day(session, well_id: str, day: str = "2024-05-02") -> str:
    return f"/api/v1/wells/{well_id}/production/{day}"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"oil_bbl": 1e308}, "oil_bbl"),
        ({"oil_bbl": 100_001}, "oil_bbl"),
        ({"gas_mcf": 2e6}, "gas_mcf"),
        ({"water_bbl": 5e5}, "water_bbl"),
        ({"condensate_bbl": 1e9}, "condensate_bbl"),
        ({"tubing_pressure_psi": 1e308}, "tubing_pressure_psi"),
        ({"casing_pressure_psi": 45_000}, "casing_pressure_psi"),
        ({"temperature_f": 5000}, "temperature_f"),
        ({"choke_64ths": 1000}, "choke_64ths"),
        ({"gor_scf_bbl": 1e12}, "gor_scf_bbl"),
    ],
)
def test_implausible_production_values_are_422_naming_the_field(mod_acme, values, field):
    # GIVEN a well
    well = create_well(mod_acme)
    url = _day(mod_acme, well["id"])
    # WHEN a day is sent with one value beyond its plausibility limit
    response = mod_acme.client.put(url, json={"oil_bbl": 10, **values}, headers=mod_acme.headers)
    # THEN it is refused naming the field, and nothing is stored
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert problem_field(response) == field
    assert mod_acme.client.get(url, headers=mod_acme.headers).status_code == 404


def test_values_at_the_limits_are_taken(mod_acme):
    well = create_well(mod_acme)
    values = {"oil_bbl": 100_000, "gas_mcf": 1_000_000, "hours_on": 24, "choke_64ths": 256}
    response = mod_acme.client.put(
        _day(mod_acme, well["id"]), json=values, headers=mod_acme.headers
    )
    assert response.status_code == 201, response.text


def test_a_production_day_in_year_1_is_422_naming_production_date(mod_acme):
    well = create_well(mod_acme)
    url = _day(mod_acme, well["id"], "0001-01-01")
    response = mod_acme.client.put(url, json={"oil_bbl": 1}, headers=mod_acme.headers)
    assert response.status_code == 422
    assert problem_field(response) == "production_date"


def test_a_production_batch_reports_each_implausible_row_and_writes_nothing(mod_acme):
    well = create_well(mod_acme)
    rows = [
        {"well_id": well["id"], "production_date": "2024-04-01", "oil_bbl": 10},
        {"well_id": well["id"], "production_date": "2024-04-02", "oil_bbl": 1e308},
        {"well_id": well["id"], "production_date": "1899-12-31", "oil_bbl": 1},
        {"well_id": well["id"], "production_date": "2024-04-03", "notes": "ok\u202eko"},
    ]
    response = mod_acme.client.post(
        "/api/v1/production:batch", json={"rows": rows}, headers=mod_acme.headers
    )
    assert response.status_code == 422, response.text
    errors = [(e["index"], e["field"]) for e in response.json()["errors"]]
    assert errors == [(1, "oil_bbl"), (2, "production_date"), (3, "notes")]
    url = f"/api/v1/wells/{well['id']}/production?from=2024-04-01&to=2024-04-30"
    assert mod_acme.client.get(url, headers=mod_acme.headers).json()["items"] == []


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"total_depth_ft": 1e308}, "total_depth_ft"),
        ({"true_vertical_depth_ft": 60_000}, "true_vertical_depth_ft"),
        ({"ground_elevation_ft": -1e308}, "ground_elevation_ft"),
        ({"surface_longitude": 1e308}, "surface_longitude"),
        ({"bottom_hole_latitude": -91}, "bottom_hole_latitude"),
        ({"spud_date": "0001-01-01"}, "spud_date"),
        ({"completion_date": "9999-12-31"}, "completion_date"),
        ({"name": "Well \u202e1 ffo"}, "name"),
        ({"name": "Bell\x07 7"}, "name"),
        ({"well_number": "7\u200f"}, "well_number"),
    ],
)
def test_implausible_well_values_are_422_naming_the_field(mod_acme, values, field):
    before = _well_count(mod_acme)
    body = {"name": unique("Well"), "well_type": "OIL", **values}
    response = mod_acme.client.post("/api/v1/wells", json=body, headers=mod_acme.headers)
    assert response.status_code == 422, response.text
    assert problem_field(response) == field
    assert _well_count(mod_acme) == before


def test_a_well_changed_to_an_implausible_depth_is_refused_and_keeps_its_value(mod_acme):
    well = create_well(mod_acme, total_depth_ft=9000)
    url = f"/api/v1/wells/{well['id']}"
    response = mod_acme.client.patch(url, json={"total_depth_ft": 1e308}, headers=mod_acme.headers)
    assert response.status_code == 422
    assert problem_field(response) == "total_depth_ft"
    assert mod_acme.client.get(url, headers=mod_acme.headers).json()["total_depth_ft"] == 9000


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/leases", {"gross_acres": 1e308}, "gross_acres"),
        ("/api/v1/leases", {"working_interest": 1.5}, "working_interest"),
        ("/api/v1/leases", {"expiration_date": "9999-12-31"}, "expiration_date"),
        ("/api/v1/leases", {"effective_date": "0001-01-01"}, "effective_date"),
        ("/api/v1/leases", {"lessor": "Smith\u2066 Ranch"}, "lessor"),
        ("/api/v1/equipment", {"installation_date": "9999-01-01"}, "installation_date"),
        ("/api/v1/equipment", {"serial_number": "SN\x1b[31m"}, "serial_number"),
        ("/api/v1/facilities", {"latitude": 1e308}, "latitude"),
        ("/api/v1/fields", {"basin": "Permian\u061c"}, "basin"),
    ],
)
def test_implausible_catalog_values_are_422_naming_the_field(mod_acme, url, body, field):
    base: dict[str, dict[str, Any]] = {
        "/api/v1/leases": {"lease_number": unique("L"), "name": "Lease", "royalty_rate": 0.125},
        "/api/v1/equipment": {"tag": unique("EQ"), "equipment_type": "ROD_PUMP"},
        "/api/v1/facilities": {"name": unique("Fac"), "facility_type": "TANK_BATTERY"},
        "/api/v1/fields": {"name": unique("Field")},
    }
    response = mod_acme.client.post(url, json={**base[url], **body}, headers=mod_acme.headers)
    assert response.status_code == 422, response.text
    assert problem_field(response) == field


def test_a_lease_may_run_into_the_future(mod_acme):
    body = {
        "lease_number": unique("L"),
        "name": "Long lease",
        "royalty_rate": 0.1875,
        "effective_date": "1890-05-01",
        "expiration_date": "2060-05-01",
    }
    response = mod_acme.client.post("/api/v1/leases", json=body, headers=mod_acme.headers)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "boss\u202e@acme.test", "full_name": "Boss"}, "email"),
        ({"email": "boss@acme\u200e.test", "full_name": "Boss"}, "email"),
        ({"email": "bo\x85ss@acme.test", "full_name": "Boss"}, "email"),
        ({"email": "new@acme.test", "full_name": "Evil \u2067Admin"}, "full_name"),
        ({"email": "new@acme.test", "full_name": "Two\nLines"}, "full_name"),
    ],
)
def test_e_mails_and_names_with_control_or_bidi_characters_are_refused(mod_acme, body, field):
    # GIVEN an invitation whose e-mail or name hides a control or bidirectional character
    # WHEN the admin sends it
    response = mod_acme.client.post(
        "/api/v1/users", json={**body, "role": "VIEWER"}, headers=mod_acme.headers
    )
    # THEN it is refused naming the field, and no such user exists
    assert response.status_code == 422, response.text
    assert problem_field(response) == field
    users = mod_acme.client.get("/api/v1/users?limit=200", headers=mod_acme.headers).json()
    assert body["email"] not in {user["email"] for user in users["items"]}


def test_notes_keep_line_breaks_and_tabs_but_not_bidi_controls(mod_acme):
    well = create_well(mod_acme)
    url = _day(mod_acme, well["id"], "2024-05-03")
    fine = mod_acme.client.put(
        url, json={"oil_bbl": 1, "notes": "line 1\n\tline 2"}, headers=mod_acme.headers
    )
    assert fine.status_code == 201, fine.text
    hidden = mod_acme.client.put(
        url, json={"oil_bbl": 1, "notes": "paid \u202e0001"}, headers=mod_acme.headers
    )
    assert hidden.status_code == 422
    assert problem_field(hidden) == "notes"


def _nested_well(depth: int) -> str:
    """A well body whose `name` is an array nested `depth` levels (the body one more)."""
    return '{"name": ' + "[" * depth + "]" * depth + ', "well_type": "OIL"}'


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("POST", "/api/v1/wells"),
        ("POST", "/api/v1/sync"),
        ("PUT", "/api/v1/etl/config"),
        ("POST", "/api/v1/production:batch"),
    ],
)
def test_a_100000_deep_body_is_422_too_deep_and_the_server_still_answers(mod_acme, method, url):
    # GIVEN a body of 100,000 nested arrays
    body = "[" * 100_000 + "]" * 100_000
    # WHEN it is sent to a JSON route
    response = mod_acme.client.request(
        method, url, content=body, headers={**mod_acme.headers, "Content-Type": "application/json"}
    )
    # THEN it is refused as too deep, naming the body, never a 500
    assert response.status_code == 422, response.text[:300]
    assert response.headers["content-type"] == PROBLEM
    assert (response.json()["code"], problem_field(response)) == ("too_deep", "body")
    # AND the tenant still answers
    assert mod_acme.client.get("/api/v1/wells", headers=mod_acme.headers).status_code == 200


def test_an_unclosed_deep_body_without_a_content_type_is_too_deep(mod_acme):
    response = mod_acme.client.post("/api/v1/wells", content="{" * 50_000, headers=mod_acme.headers)
    assert response.status_code == 422
    assert response.json()["code"] == "too_deep"


def test_the_depth_limit_is_32_levels_and_brackets_in_strings_do_not_count(mod_acme):
    headers = {**mod_acme.headers, "Content-Type": "application/json"}
    # 32 levels in all: parsed, then refused for the name's type
    at_limit = mod_acme.client.post("/api/v1/wells", content=_nested_well(31), headers=headers)
    assert (at_limit.status_code, problem_field(at_limit)) == (422, "name")
    # 33 levels: refused before parsing
    over = mod_acme.client.post("/api/v1/wells", content=_nested_well(32), headers=headers)
    assert (over.status_code, over.json()["code"]) == (422, "too_deep")
    # brackets inside a string are text
    name = "[" * 40 + unique("W") + "}" * 40
    made = mod_acme.client.post(
        "/api/v1/wells", json={"name": name, "well_type": "OIL"}, headers=mod_acme.headers
    )
    assert made.status_code == 201, made.text
    assert made.json()["name"] == name


def test_a_sync_event_nested_too_deep_refuses_the_batch_before_parsing(mod_acme):
    # GIVEN a batch one of whose events carries data nested 500 levels
    data: Any = 1
    for _ in range(500):
        data = {"a": data}
    event = {
        "id": str(uuid.uuid4()),
        "device_seq": 1,
        "type": "TANK_STRAPPED",
        "well_id": str(uuid.uuid4()),
        "occurred_at": "2024-05-01T10:00:00+00:00",
        "payload": data,
    }
    body = {"device": {"id": "d", "platform": "android", "app_version": "1"}, "events": [event]}
    # WHEN it is sent
    response = mod_acme.client.post("/api/v1/sync", json=body, headers=mod_acme.headers)
    # THEN a 422 too_deep (the field client then sends the batch in halves, see e2e)
    assert response.status_code == 422
    assert response.json()["code"] == "too_deep"
