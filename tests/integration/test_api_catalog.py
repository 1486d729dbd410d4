"""Fields, leases, facilities and equipment: list, create, get, patch, uniqueness, references."""

from __future__ import annotations

import uuid

import pytest

from tests.integration import api_support
from tests.integration.api_support import (
    assign,
    create_field,
    create_well,
    invite,
    problem_field,
    unique,
)

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme


def _post(session, path: str, body: dict):
    return session.client.post(path, json=body, headers=session.headers)


def _created(session, path: str, body: dict) -> dict:
    response = _post(session, path, body)
    assert response.status_code == 201, response.text
    return response.json()


def _items(session, query: str) -> list[dict]:
    response = session.client.get(query, headers=session.headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


# One valid body per kind, with its unique key, a reference to break and a filter to use.
def _bodies(session) -> dict[str, dict]:
    field = create_field(session)
    facility = _created(
        session,
        "/api/v1/facilities",
        {"name": "Battery", "code": unique("B"), "facility_type": "TANK_BATTERY"},
    )
    well = create_well(session)
    return {
        "fields": {
            "body": {"name": "Wolfcamp", "code": unique("WC"), "basin": "Permian"},
            "key": "code",
            "ref": None,
        },
        "leases": {
            "body": {
                "lease_number": unique("L"),
                "name": "Smith",
                "royalty_rate": 0.1875,
                "field_id": field["id"],
            },
            "key": "lease_number",
            "ref": "field_id",
        },
        "facilities": {
            "body": {
                "name": "Sep 1",
                "code": unique("S"),
                "facility_type": "SEPARATOR",
                "field_id": field["id"],
            },
            "key": "code",
            "ref": "field_id",
        },
        "equipment": {
            "body": {
                "tag": unique("P"),
                "equipment_type": "ROD_PUMP",
                "well_id": well["id"],
                "facility_id": facility["id"],
            },
            "key": "tag",
            "ref": "well_id",
        },
    }


KINDS = ["fields", "leases", "facilities", "equipment"]


@pytest.mark.parametrize("kind", KINDS)
def test_create_get_patch_and_list(mod_acme, kind):
    spec = _bodies(mod_acme)[kind]
    path = f"/api/v1/{kind}"
    # WHEN an item is created
    created = _created(mod_acme, path, spec["body"])
    # THEN it has an id, ACTIVE status and the values sent, and reads back the same
    assert created["status"] == "ACTIVE"
    for name, value in spec["body"].items():
        assert created[name] == value
    got = mod_acme.client.get(f"{path}/{created['id']}", headers=mod_acme.headers)
    assert got.status_code == 200 and got.json() == created
    # WHEN it is patched THEN only the sent field changes
    patch = mod_acme.client.patch(
        f"{path}/{created['id']}", json={"status": "INACTIVE"}, headers=mod_acme.headers
    )
    assert patch.status_code == 200
    assert patch.json()["status"] == "INACTIVE"
    assert patch.json()[spec["key"]] == spec["body"][spec["key"]]
    # AND the list, paged with limit/offset, contains it
    listed = mod_acme.client.get(f"{path}?limit=500&offset=0", headers=mod_acme.headers)
    assert listed.status_code == 200
    assert created["id"] in {item["id"] for item in listed.json()["items"]}
    page = mod_acme.client.get(f"{path}?limit=1", headers=mod_acme.headers).json()
    assert len(page["items"]) == 1 and page["limit"] == 1


@pytest.mark.parametrize("kind", KINDS)
def test_the_unique_key_is_409_on_create_and_patch(mod_acme, kind):
    spec = _bodies(mod_acme)[kind]
    path = f"/api/v1/{kind}"
    first = _created(mod_acme, path, spec["body"])
    # WHEN another item uses the same key THEN 409 naming the key
    duplicate = _post(mod_acme, path, spec["body"])
    assert duplicate.status_code == 409
    assert duplicate.json()["field"] == spec["key"]
    # WHEN a second item is patched to the first one's key THEN 409 too
    second = _created(mod_acme, path, {**spec["body"], spec["key"]: unique("K")})
    patch = mod_acme.client.patch(
        f"{path}/{second['id']}",
        json={spec["key"]: first[spec["key"]]},
        headers=mod_acme.headers,
    )
    assert patch.status_code == 409
    assert patch.json()["field"] == spec["key"]


@pytest.mark.parametrize(
    ("kind", "reference"),
    [
        ("leases", "field_id"),
        ("facilities", "field_id"),
        ("equipment", "well_id"),
        ("equipment", "facility_id"),
    ],
)
def test_unknown_references_are_422_naming_the_field(mod_acme, kind, reference):
    spec = _bodies(mod_acme)[kind]
    path = f"/api/v1/{kind}"
    body = {**spec["body"], reference: str(uuid.uuid4())}
    response = _post(mod_acme, path, body)
    assert response.status_code == 422
    assert problem_field(response) == reference
    # AND on patch
    item = _created(mod_acme, path, spec["body"])
    patch = mod_acme.client.patch(
        f"{path}/{item['id']}", json={reference: str(uuid.uuid4())}, headers=mod_acme.headers
    )
    assert patch.status_code == 422
    assert problem_field(patch) == reference


def test_equipment_of_a_deleted_well_is_refused(mod_acme):
    well = create_well(mod_acme)
    assert (
        mod_acme.client.delete(f"/api/v1/wells/{well['id']}", headers=mod_acme.headers).status_code
        == 204
    )
    response = _post(
        mod_acme,
        "/api/v1/equipment",
        {"tag": unique("P"), "equipment_type": "ESP", "well_id": well["id"]},
    )
    assert response.status_code == 422
    assert problem_field(response) == "well_id"


@pytest.mark.parametrize("kind", KINDS)
def test_unknown_items_are_404(mod_acme, kind):
    url = f"/api/v1/{kind}/{uuid.uuid4()}"
    assert mod_acme.client.get(url, headers=mod_acme.headers).status_code == 404
    patch = mod_acme.client.patch(url, json={"status": "INACTIVE"}, headers=mod_acme.headers)
    assert patch.status_code == 404


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("fields", "name"),
        ("leases", "royalty_rate"),
        ("facilities", "facility_type"),
        ("equipment", "tag"),
    ],
)
def test_required_values_cannot_be_patched_to_null(mod_acme, kind, name):
    spec = _bodies(mod_acme)[kind]
    item = _created(mod_acme, f"/api/v1/{kind}", spec["body"])
    response = mod_acme.client.patch(
        f"/api/v1/{kind}/{item['id']}", json={name: None}, headers=mod_acme.headers
    )
    assert response.status_code == 422
    assert problem_field(response) == name


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"royalty_rate": 1.5}, "royalty_rate"),
        ({"royalty_rate": -0.1}, "royalty_rate"),
        ({"working_interest": 2}, "working_interest"),
        ({"gross_acres": -1}, "gross_acres"),
        ({"lease_number": ""}, "lease_number"),
    ],
)
def test_lease_values_are_checked(mod_acme, body, field):
    base = {"lease_number": unique("L"), "name": "Smith", "royalty_rate": 0.125}
    response = _post(mod_acme, "/api/v1/leases", {**base, **body})
    assert response.status_code == 422
    assert problem_field(response) == field


def test_a_lease_cannot_expire_before_it_starts(mod_acme):
    response = _post(
        mod_acme,
        "/api/v1/leases",
        {
            "lease_number": unique("L"),
            "name": "Smith",
            "royalty_rate": 0.125,
            "effective_date": "2024-06-01",
            "expiration_date": "2024-01-01",
        },
    )
    assert response.status_code == 422
    assert problem_field(response) == "expiration_date"


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"expiration_date": "2019-12-31"}, "expiration_date"),
        ({"effective_date": "2031-01-01"}, "effective_date"),
        ({"effective_date": "2031-01-01", "expiration_date": "2030-01-01"}, "expiration_date"),
    ],
)
def test_a_lease_patch_cannot_put_expiration_before_the_stored_effective_date(
    mod_acme, patch, field
):
    # GIVEN a lease effective 2020 to 2030
    lease = _created(
        mod_acme,
        "/api/v1/leases",
        {
            "lease_number": unique("L"),
            "name": "Smith",
            "royalty_rate": 0.125,
            "effective_date": "2020-01-01",
            "expiration_date": "2030-01-01",
        },
    )
    url = f"/api/v1/leases/{lease['id']}"
    # WHEN a PATCH sends dates that cross the stored one
    response = mod_acme.client.patch(url, json=patch, headers=mod_acme.headers)
    # THEN it is refused naming the field, and the lease still reads as it was
    assert response.status_code == 422, response.text
    assert problem_field(response) == field
    stored = mod_acme.client.get(url, headers=mod_acme.headers)
    assert stored.status_code == 200, stored.text
    assert (stored.json()["effective_date"], stored.json()["expiration_date"]) == (
        "2020-01-01",
        "2030-01-01",
    )


def test_catalog_lists_filter(mod_acme):
    # GIVEN two fields, leases, facilities and equipment spread over them
    field_a, field_b = create_field(mod_acme), create_field(mod_acme)
    lease_a = _created(
        mod_acme,
        "/api/v1/leases",
        {"lease_number": unique("L"), "name": "A", "royalty_rate": 0.2, "field_id": field_a["id"]},
    )
    _created(
        mod_acme,
        "/api/v1/leases",
        {
            "lease_number": unique("L"),
            "name": "B",
            "royalty_rate": 0.2,
            "field_id": field_b["id"],
            "status": "INACTIVE",
        },
    )
    separator = _created(
        mod_acme,
        "/api/v1/facilities",
        {"name": "S", "code": unique("S"), "facility_type": "SEPARATOR", "field_id": field_a["id"]},
    )
    _created(
        mod_acme,
        "/api/v1/facilities",
        {
            "name": "C",
            "code": unique("C"),
            "facility_type": "COMPRESSOR",
            "field_id": field_a["id"],
        },
    )
    well = create_well(mod_acme, field_id=field_a["id"])
    pump = _created(
        mod_acme,
        "/api/v1/equipment",
        {"tag": unique("P"), "equipment_type": "ROD_PUMP", "well_id": well["id"]},
    )
    meter = _created(
        mod_acme,
        "/api/v1/equipment",
        {"tag": unique("M"), "equipment_type": "METER", "facility_id": separator["id"]},
    )
    inactive_field = create_field(mod_acme, status="INACTIVE")

    def ids(query: str) -> set[str]:
        return {item["id"] for item in _items(mod_acme, query)}

    # WHEN the lists are filtered THEN only matching items come back
    assert ids(f"/api/v1/leases?field_id={field_a['id']}") == {lease_a["id"]}
    assert ids(f"/api/v1/leases?field_id={field_b['id']}&status=ACTIVE") == set()
    assert ids(f"/api/v1/facilities?field_id={field_a['id']}&facility_type=SEPARATOR") == {
        separator["id"]
    }
    assert ids(f"/api/v1/equipment?well_id={well['id']}") == {pump["id"]}
    assert ids(f"/api/v1/equipment?facility_id={separator['id']}") == {meter["id"]}
    assert pump["id"] not in ids("/api/v1/equipment?equipment_type=METER&limit=500")
    assert inactive_field["id"] in ids("/api/v1/fields?status=INACTIVE&limit=500")
    assert field_a["id"] not in ids("/api/v1/fields?status=INACTIVE&limit=500")


def test_bad_filters_are_422_naming_them(mod_acme):
    response = mod_acme.client.get("/api/v1/leases?field_id=nope", headers=mod_acme.headers)
    assert response.status_code == 422
    assert problem_field(response) == "field_id"
    response = mod_acme.client.get("/api/v1/fields?status=MAYBE", headers=mod_acme.headers)
    assert response.status_code == 422
    assert problem_field(response) == "status"


def test_field_operators_see_equipment_of_their_wells_only(mod_acme):
    operator = invite(mod_acme, "FIELD_OPERATOR")
    mine, other = create_well(mod_acme), create_well(mod_acme)
    assign(mod_acme, mine["id"], operator["id"])
    my_pump = _created(
        mod_acme,
        "/api/v1/equipment",
        {"tag": unique("P"), "equipment_type": "ROD_PUMP", "well_id": mine["id"]},
    )
    their_pump = _created(
        mod_acme,
        "/api/v1/equipment",
        {"tag": unique("P"), "equipment_type": "ROD_PUMP", "well_id": other["id"]},
    )
    h = operator["headers"]
    listed = mod_acme.client.get("/api/v1/equipment?limit=500", headers=h).json()
    assert [item["id"] for item in listed["items"]] == [my_pump["id"]]
    assert (
        mod_acme.client.get(f"/api/v1/equipment?well_id={other['id']}", headers=h).json()["items"]
        == []
    )
    assert (
        mod_acme.client.get(f"/api/v1/equipment/{their_pump['id']}", headers=h).status_code == 404
    )
    # AND they cannot create catalog items
    denied = mod_acme.client.post("/api/v1/fields", json={"name": unique("F")}, headers=h)
    assert denied.status_code == 403
