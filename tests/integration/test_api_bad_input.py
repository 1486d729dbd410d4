"""Bad input is a problem (400/413/422) naming what is wrong, never a 500, never half-written."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.integration import api_support
from tests.integration.api_support import create_well, problem_field, problem_fields, unique

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme

PROBLEM = "application/problem+json"
TEN_MB = 10 * 1024 * 1024
# a well id that exists nowhere; fixed, so every xdist worker collects the same tests
FIXED_WELL = "0433c5f3-1d6a-43c0-b71a-776c0d650d4f"


def _well_count(session) -> int:
    return session.client.get("/api/v1/wells?limit=1", headers=session.headers).json()["total"]


def _raw(session, method: str, url: str, content: bytes | str, **headers: str):
    return session.client.request(
        method,
        url,
        content=content,
        headers={**session.headers, "Content-Type": "application/json", **headers},
    )


@pytest.mark.parametrize(
    "content", ['{"name": "W", "well_type": ', "{'name': 'W'}", '{"name": "W",}', "nul", "\x00"]
)
def test_malformed_json_is_a_400_problem(mod_acme, content):
    before = _well_count(mod_acme)
    response = _raw(mod_acme, "POST", "/api/v1/wells", content)
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "malformed_json"
    assert _well_count(mod_acme) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "W", "well_type": "OIL", "total_depth_ft": "deep"}, "total_depth_ft"),
        ({"name": "W", "well_type": "OIL", "is_horizontal": "sideways"}, "is_horizontal"),
        ({"name": "W", "well_type": "OIL", "spud_date": "yesterday"}, "spud_date"),
        ({"name": "W", "well_type": "OIL", "lease_id": "not-a-uuid"}, "lease_id"),
        ({"name": "W", "well_type": "UNICORN"}, "well_type"),
        ({"name": 12, "well_type": "OIL"}, "name"),
        ({"name": "", "well_type": "OIL"}, "name"),
        ({"well_type": "OIL"}, "name"),
        ({"name": "W", "well_type": "OIL", "surface_latitude": 91}, "surface_latitude"),
        ({"name": "W", "well_type": "OIL", "colour": "red"}, "colour"),
        ({"name": "W", "well_type": "OIL", "id": str(uuid.uuid4())}, "id"),
        ({"name": "W", "well_type": "OIL", "deleted_at": "2024-01-01T00:00:00Z"}, "deleted_at"),
    ],
)
def test_wrong_types_and_unknown_fields_are_422_naming_the_field(mod_acme, body, field):
    before = _well_count(mod_acme)
    response = mod_acme.client.post("/api/v1/wells", json=body, headers=mod_acme.headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert field in problem_fields(response)
    assert _well_count(mod_acme) == before


def test_a_json_array_instead_of_an_object_is_422(mod_acme):
    response = mod_acme.client.post("/api/v1/wells", json=[1, 2], headers=mod_acme.headers)
    assert response.status_code == 422


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_422_naming_the_field(mod_acme, literal):
    # GIVEN a JSON body with a non-standard number literal (Python's json emits these)
    well = create_well(mod_acme)
    url = f"/api/v1/wells/{well['id']}/production/2024-01-01"
    # WHEN it is sent as a production day
    response = _raw(mod_acme, "PUT", url, f'{{"oil_bbl": {literal}}}')
    # THEN it is refused naming the field, and nothing is stored
    assert response.status_code == 422
    assert problem_field(response) == "oil_bbl"
    assert mod_acme.client.get(url, headers=mod_acme.headers).status_code == 404


def test_unknown_fields_in_a_patch_change_nothing(mod_acme):
    well = create_well(mod_acme)
    response = mod_acme.client.patch(
        f"/api/v1/wells/{well['id']}",
        json={"name": "Changed", "status_code": "X"},
        headers=mod_acme.headers,
    )
    assert response.status_code == 422
    assert problem_field(response) == "status_code"
    got = mod_acme.client.get(f"/api/v1/wells/{well['id']}", headers=mod_acme.headers).json()
    assert got["name"] == well["name"]


def _body_of_size(size: int) -> bytes:
    """A valid well body padded to exactly `size` bytes."""
    name = unique("Huge")
    empty = json.dumps({"name": name, "well_type": "OIL", "well_number": ""}).encode()
    padded = json.dumps(
        {"name": name, "well_type": "OIL", "well_number": "x" * (size - len(empty))}
    )
    body = padded.encode()
    assert len(body) == size
    return body


def test_a_body_over_10_mb_is_a_413_problem(mod_acme):
    before = _well_count(mod_acme)
    response = _raw(mod_acme, "POST", "/api/v1/wells", _body_of_size(TEN_MB + 1))
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "body_too_large"
    assert response.headers["x-request-id"]
    assert _well_count(mod_acme) == before


def test_a_streamed_body_over_10_mb_is_a_413_problem(mod_acme):
    # GIVEN a body sent chunked, without a Content-Length to check up front
    body = _body_of_size(TEN_MB + 1)

    def chunks():
        for start in range(0, len(body), 1024 * 1024):
            yield body[start : start + 1024 * 1024]

    before = _well_count(mod_acme)
    response = _raw(mod_acme, "POST", "/api/v1/wells", chunks())
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    assert _well_count(mod_acme) == before


def test_a_body_of_exactly_10_mb_is_not_refused_for_its_size(mod_acme):
    response = _raw(mod_acme, "POST", "/api/v1/wells", _body_of_size(TEN_MB))
    # the padding is longer than well_number allows: refused for that, not for its size
    assert response.status_code == 422
    assert problem_field(response) == "well_number"


@pytest.mark.parametrize(
    ("method", "url", "field"),
    [
        ("GET", "/api/v1/wells/42", "well_id"),
        ("PATCH", "/api/v1/wells/not-a-uuid", "well_id"),
        ("DELETE", "/api/v1/wells/1234", "well_id"),
        ("GET", "/api/v1/fields/abc", "item_id"),
        ("GET", "/api/v1/equipment/abc", "item_id"),
        ("GET", "/api/v1/users/abc", "user_id"),
        ("POST", "/api/v1/users/abc/deactivate", "user_id"),
        (
            "GET",
            "/api/v1/wells/0433c5f3-1d6a-43c0-b71a-776c0d650d4f/production/2024-13-40",
            "production_date",
        ),
        ("GET", "/api/v1/wells/x/production", "well_id"),
        ("PUT", f"/api/v1/wells/{FIXED_WELL}/assignments/nobody", "user_id"),
    ],
)
def test_bad_path_parameters_are_422_not_500(mod_acme, method, url, field):
    kwargs = {"json": {"name": "x"}} if method == "PATCH" else {}
    response = mod_acme.client.request(method, url, headers=mod_acme.headers, **kwargs)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert field in problem_fields(response)


def test_a_bad_date_range_query_is_422(mod_acme):
    well = create_well(mod_acme)
    response = mod_acme.client.get(
        f"/api/v1/wells/{well['id']}/production?from=last-week", headers=mod_acme.headers
    )
    assert response.status_code == 422
    assert problem_field(response) == "from"


@pytest.mark.parametrize(
    "url", ["/api/v1/wells", "/api/v1/fields", "/api/v1/equipment", "/api/v1/users"]
)
def test_an_offset_beyond_any_database_integer_is_422_not_500(mod_acme, url):
    response = mod_acme.client.get(f"{url}?offset=99999999999999999999", headers=mod_acme.headers)
    assert response.status_code == 422
    assert problem_field(response) == "offset"


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("POST", "/api/v1/wells", {"name": "a\x00b", "well_type": "OIL"}, "name"),
        ("POST", "/api/v1/fields", {"name": "F", "code": "c\x00"}, "code"),
        ("POST", "/api/v1/auth/login", {"email": "a\x00@acme.test", "password": "p"}, "email"),
        ("GET", "/api/v1/wells?q=a%00b", None, "q"),
        ("GET", "/api/v1/equipment?equipment_type=%00", None, "equipment_type"),
    ],
)
def test_nul_characters_are_422_naming_the_field_not_500(mod_acme, method, url, body, field):
    # GIVEN text with a NUL character, which PostgreSQL cannot store
    before = _well_count(mod_acme)
    # WHEN it is sent in a body or a query
    response = mod_acme.client.request(method, url, json=body, headers=mod_acme.headers)
    # THEN it is refused as bad input naming the field
    assert response.status_code == 422
    assert field in problem_fields(response)
    assert _well_count(mod_acme) == before
