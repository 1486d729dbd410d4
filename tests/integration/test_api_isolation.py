"""Tenants never see each other's data: separate databases, tokens bound to their tenant."""

from __future__ import annotations

from tests.integration import api_support
from tests.integration.api_support import create_well, invite, unique, unique_api_number

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme
mod_permian = api_support.mod_permian


def test_a_well_created_in_acme_never_appears_in_permian(mod_acme, mod_permian):
    # GIVEN a well with a distinctive name and API number in acme
    name = unique("AcmeOnly")
    api = unique_api_number()
    well = create_well(mod_acme, name=name, api_number=api)
    # WHEN permian's admin lists and searches wells
    listed = mod_permian.client.get("/api/v1/wells?limit=500", headers=mod_permian.headers)
    by_name = mod_permian.client.get(f"/api/v1/wells?q={name}", headers=mod_permian.headers)
    by_api = mod_permian.client.get(f"/api/v1/wells?q={api}", headers=mod_permian.headers)
    # THEN the acme well is nowhere
    assert well["id"] not in {w["id"] for w in listed.json()["items"]}
    assert by_name.json()["total"] == 0
    assert by_api.json()["total"] == 0
    # AND permian may use the same API number for its own well
    assert create_well(mod_permian, api_number=api)["api_number"] == api


def test_permian_cannot_read_or_touch_acmes_well_even_with_its_id(mod_acme, mod_permian):
    well = create_well(mod_acme)
    url = f"/api/v1/wells/{well['id']}"
    h = mod_permian.headers
    # WHEN permian's admin uses acme's well id THEN it does not exist in permian's database
    assert mod_permian.client.get(url, headers=h).status_code == 404
    assert mod_permian.client.patch(url, json={"name": "Stolen"}, headers=h).status_code == 404
    assert mod_permian.client.delete(url, headers=h).status_code == 404
    put = mod_permian.client.put(f"{url}/production/2024-01-01", json={"oil_bbl": 1}, headers=h)
    assert put.status_code == 404
    batch = mod_permian.client.post(
        "/api/v1/production:batch",
        json={"rows": [{"well_id": well["id"], "production_date": "2024-01-01"}]},
        headers=h,
    )
    assert batch.status_code == 422
    assert batch.json()["errors"][0]["field"] == "well_id"
    # AND acme's well is unchanged, without production
    got = mod_acme.client.get(url, headers=mod_acme.headers).json()
    assert got["name"] == well["name"]
    day = mod_acme.client.get(f"{url}/production/2024-01-01", headers=mod_acme.headers)
    assert day.status_code == 404


def test_an_acme_token_on_permian_is_403(mod_acme, mod_permian):
    well = create_well(mod_permian)
    headers = {"X-WellOS-Tenant": "permian", "Authorization": f"Bearer {mod_acme.access_token}"}
    assert mod_acme.client.get("/api/v1/wells", headers=headers).status_code == 403
    assert mod_acme.client.get(f"/api/v1/wells/{well['id']}", headers=headers).status_code == 403
    response = mod_acme.client.delete(f"/api/v1/wells/{well['id']}", headers=headers)
    assert response.status_code == 403
    assert (
        mod_permian.client.get(
            f"/api/v1/wells/{well['id']}", headers=mod_permian.headers
        ).status_code
        == 200
    )


def test_an_acme_user_cannot_be_assigned_a_permian_well(mod_acme, mod_permian):
    operator = invite(mod_acme, "FIELD_OPERATOR")
    well = create_well(mod_permian)
    response = mod_permian.client.put(
        f"/api/v1/wells/{well['id']}/assignments/{operator['id']}", headers=mod_permian.headers
    )
    assert response.status_code == 422
    assert response.json()["field"] == "user_id"


def test_catalog_items_stay_in_their_tenant(mod_acme, mod_permian):
    code = unique("ISO")
    created = mod_acme.client.post(
        "/api/v1/fields", json={"name": "Iso", "code": code}, headers=mod_acme.headers
    )
    assert created.status_code == 201
    field_id = created.json()["id"]
    assert (
        mod_permian.client.get(
            f"/api/v1/fields/{field_id}", headers=mod_permian.headers
        ).status_code
        == 404
    )
    # the same code is free in permian
    again = mod_permian.client.post(
        "/api/v1/fields", json={"name": "Iso", "code": code}, headers=mod_permian.headers
    )
    assert again.status_code == 201
