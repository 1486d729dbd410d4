"""Field operators work only on their assigned wells; viewers read and never write."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from tests.integration import api_support
from tests.integration.api_support import (
    assign,
    create_field,
    create_well,
    invite,
    problem_field,
    unique,
    unique_api_number,
)

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme

DAY = "2024-03-01"


@pytest.fixture
def operator(mod_acme):
    """A field operator with one assigned and one unassigned well in a field of their own."""
    user = invite(mod_acme, "FIELD_OPERATOR")
    field = create_field(mod_acme)
    mine = create_well(mod_acme, field_id=field["id"], api_number=unique_api_number())
    other = create_well(mod_acme, field_id=field["id"], api_number=unique_api_number())
    assign(mod_acme, mine["id"], user["id"])
    return {**user, "field": field, "mine": mine, "other": other}


def test_field_operators_list_only_their_assigned_wells(mod_acme, operator):
    response = mod_acme.client.get("/api/v1/wells?limit=500", headers=operator["headers"])
    assert response.status_code == 200
    assert [w["id"] for w in response.json()["items"]] == [operator["mine"]["id"]]
    assert response.json()["total"] == 1
    # AND the admin sees both wells of the field
    admin = mod_acme.client.get(
        f"/api/v1/wells?field_id={operator['field']['id']}", headers=mod_acme.headers
    )
    assert admin.json()["total"] == 2


def test_an_unassigned_well_is_404_for_a_field_operator(mod_acme, operator):
    mine = mod_acme.client.get(
        f"/api/v1/wells/{operator['mine']['id']}", headers=operator["headers"]
    )
    assert mine.status_code == 200
    other = mod_acme.client.get(
        f"/api/v1/wells/{operator['other']['id']}", headers=operator["headers"]
    )
    assert other.status_code == 404
    assert other.headers["content-type"] == "application/problem+json"


def test_field_operators_cannot_create_wells(mod_acme, operator):
    body = {"name": unique("Rogue"), "well_type": "OIL"}
    response = mod_acme.client.post("/api/v1/wells", json=body, headers=operator["headers"])
    assert response.status_code == 403
    names = mod_acme.client.get(f"/api/v1/wells?q={body['name']}", headers=mod_acme.headers)
    assert names.json()["total"] == 0


def test_field_operators_put_production_only_for_assigned_wells(mod_acme, operator):
    values = {"oil_bbl": 12.5, "hours_on": 24}
    mine = mod_acme.client.put(
        f"/api/v1/wells/{operator['mine']['id']}/production/{DAY}",
        json=values,
        headers=operator["headers"],
    )
    assert mine.status_code == 201
    assert mine.json()["updated_by"] == operator["email"]
    other = mod_acme.client.put(
        f"/api/v1/wells/{operator['other']['id']}/production/{DAY}",
        json=values,
        headers=operator["headers"],
    )
    assert other.status_code == 404
    # AND nothing was written for the unassigned well
    read = mod_acme.client.get(
        f"/api/v1/wells/{operator['other']['id']}/production/{DAY}", headers=mod_acme.headers
    )
    assert read.status_code == 404


def test_a_field_operators_batch_with_an_unassigned_well_is_rejected(mod_acme, operator):
    rows = [
        {"well_id": operator["mine"]["id"], "production_date": "2024-03-02", "oil_bbl": 1},
        {"well_id": operator["other"]["id"], "production_date": "2024-03-02", "oil_bbl": 1},
    ]
    response = mod_acme.client.post(
        "/api/v1/production:batch", json={"rows": rows}, headers=operator["headers"]
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"index": 1, "field": "well_id", "reason": f"well {operator['other']['id']} not found"}
    ]


def test_unassigning_takes_the_well_away(mod_acme, operator):
    url = f"/api/v1/wells/{operator['mine']['id']}/assignments/{operator['id']}"
    response = mod_acme.client.delete(url, headers=mod_acme.headers)
    assert response.status_code == 200
    assert response.json()["assigned"] is False
    listing = mod_acme.client.get("/api/v1/wells", headers=operator["headers"]).json()
    assert listing["total"] == 0


def test_assigning_is_idempotent(mod_acme, operator):
    assign(mod_acme, operator["mine"]["id"], operator["id"])
    listing = mod_acme.client.get("/api/v1/wells", headers=operator["headers"]).json()
    assert listing["total"] == 1


def test_assigning_to_an_unknown_user_is_422_naming_user_id(mod_acme):
    well = create_well(mod_acme)
    response = mod_acme.client.put(
        f"/api/v1/wells/{well['id']}/assignments/{uuid.uuid4()}", headers=mod_acme.headers
    )
    assert response.status_code == 422
    assert problem_field(response) == "user_id"


def test_assigning_an_unknown_well_is_404(mod_acme, operator):
    response = mod_acme.client.put(
        f"/api/v1/wells/{uuid.uuid4()}/assignments/{operator['id']}", headers=mod_acme.headers
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["FIELD_OPERATOR", "VIEWER"])
def test_only_office_roles_assign_wells(mod_acme, role):
    user = invite(mod_acme, role)
    well = create_well(mod_acme)
    response = mod_acme.client.put(
        f"/api/v1/wells/{well['id']}/assignments/{user['id']}", headers=user["headers"]
    )
    assert response.status_code == 403


def test_managers_create_wells_but_only_admins_delete_them(mod_acme):
    manager = invite(mod_acme, "MANAGER")
    body = {"name": unique("Managed"), "well_type": "GAS"}
    created = mod_acme.client.post("/api/v1/wells", json=body, headers=manager["headers"])
    assert created.status_code == 201
    url = f"/api/v1/wells/{created.json()['id']}"
    assert mod_acme.client.delete(url, headers=manager["headers"]).status_code == 403
    assert mod_acme.client.get(url, headers=mod_acme.headers).status_code == 200


def test_a_viewer_reads_everything_but_every_write_is_403(mod_acme):
    # GIVEN a viewer and a well, a field and production the admin created
    viewer = invite(mod_acme, "VIEWER")
    field = create_field(mod_acme)
    well = create_well(mod_acme, field_id=field["id"])
    wid = well["id"]
    put = mod_acme.client.put(
        f"/api/v1/wells/{wid}/production/{DAY}", json={"oil_bbl": 5}, headers=mod_acme.headers
    )
    assert put.status_code == 201
    h = viewer["headers"]
    client = mod_acme.client
    # WHEN the viewer reads THEN every read works
    for url in (
        "/api/v1/wells",
        f"/api/v1/wells/{wid}",
        f"/api/v1/wells/{wid}/production/{DAY}",
        f"/api/v1/wells/{wid}/production?from=2024-01-01&to=2024-12-31",
        "/api/v1/fields",
        f"/api/v1/fields/{field['id']}",
        "/api/v1/leases",
        "/api/v1/facilities",
        "/api/v1/equipment",
        "/api/v1/me",
    ):
        assert client.get(url, headers=h).status_code == 200, url
    # WHEN the viewer writes THEN every write is 403
    writes = [
        client.post("/api/v1/wells", json={"name": "V", "well_type": "OIL"}, headers=h),
        client.patch(f"/api/v1/wells/{wid}", json={"name": "Renamed"}, headers=h),
        client.delete(f"/api/v1/wells/{wid}", headers=h),
        client.put(f"/api/v1/wells/{wid}/production/{DAY}", json={"oil_bbl": 99}, headers=h),
        client.post(
            "/api/v1/production:batch",
            json={"rows": [{"well_id": wid, "production_date": DAY, "oil_bbl": 99}]},
            headers=h,
        ),
        client.post("/api/v1/fields", json={"name": "V"}, headers=h),
        client.patch(f"/api/v1/fields/{field['id']}", json={"name": "V"}, headers=h),
        client.post(
            "/api/v1/leases",
            json={"lease_number": unique("L"), "name": "V", "royalty_rate": 0.2},
            headers=h,
        ),
        client.post(
            "/api/v1/facilities", json={"name": "V", "facility_type": "SEPARATOR"}, headers=h
        ),
        client.post(
            "/api/v1/equipment", json={"tag": unique("T"), "equipment_type": "ROD_PUMP"}, headers=h
        ),
        client.put(f"/api/v1/wells/{wid}/assignments/{viewer['id']}", headers=h),
        client.post(
            "/api/v1/users",
            json={"email": f"{unique('v')}@acme.test", "full_name": "V", "role": "ADMIN"},
            headers=h,
        ),
    ]
    assert [w.status_code for w in writes] == [403] * len(writes)
    # AND nothing changed
    after = client.get(f"/api/v1/wells/{wid}", headers=mod_acme.headers).json()
    assert after["name"] == well["name"]
    day = client.get(f"/api/v1/wells/{wid}/production/{DAY}", headers=mod_acme.headers).json()
    assert day["oil_bbl"] == 5
    assert date.fromisoformat(day["production_date"]) == date(2024, 3, 1)
