"""Wells: filters, pagination, API numbers, the lifecycle, references, soft delete."""

from __future__ import annotations

import uuid

import pytest

from tests.integration import api_support
from tests.integration.api_support import (
    create_field,
    create_well,
    problem_field,
    tenant_audit,
    unique,
    unique_api_number,
)

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme


def _lease(session, field_id: str | None = None) -> dict:
    body = {"lease_number": unique("L"), "name": "Smith", "royalty_rate": 0.1875}
    if field_id:
        body["field_id"] = field_id
    response = session.client.post("/api/v1/leases", json=body, headers=session.headers)
    assert response.status_code == 201, response.text
    return response.json()


def _list(session, query: str) -> dict:
    response = session.client.get(f"/api/v1/wells?{query}", headers=session.headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_wells_are_filtered_by_status_lease_field_and_text(mod_acme):
    # GIVEN a field with two leases and four wells in different statuses
    field = create_field(mod_acme)
    lease_a, lease_b = _lease(mod_acme, field["id"]), _lease(mod_acme, field["id"])
    tag = uuid.uuid4().hex[:8]
    api = unique_api_number(state="30", county="015")
    wells = {
        "alpha": create_well(
            mod_acme,
            name=f"Alpha {tag} 1H",
            field_id=field["id"],
            lease_id=lease_a["id"],
            status="PRODUCING",
            api_number=api,
        ),
        "beta": create_well(
            mod_acme,
            name=f"Beta {tag}",
            field_id=field["id"],
            lease_id=lease_a["id"],
            status="SHUT_IN",
        ),
        "gamma": create_well(
            mod_acme,
            name=f"Gamma {tag}",
            field_id=field["id"],
            lease_id=lease_b["id"],
            status="PRODUCING",
        ),
        "other": create_well(mod_acme, name=f"Outside {tag}"),
    }

    def names(query: str) -> set[str]:
        return {w["name"].split()[0] for w in _list(mod_acme, query + "&limit=500")["items"]}

    # WHEN the list is filtered THEN only matching wells come back
    fid = field["id"]
    assert names(f"field_id={fid}") == {"Alpha", "Beta", "Gamma"}
    assert names(f"field_id={fid}&status=PRODUCING") == {"Alpha", "Gamma"}
    assert names(f"lease_id={lease_a['id']}") == {"Alpha", "Beta"}
    assert names(f"lease_id={lease_b['id']}&status=SHUT_IN") == set()
    assert names(f"q={tag}") == {"Alpha", "Beta", "Gamma", "Outside"}
    assert names(f"q=ALPHA%20{tag}") == {"Alpha"}
    assert names(f"q={api[:10]}") == {"Alpha"}
    assert names(f"q=30-015-{api[5:10]}") == {"Alpha"}
    assert names(f"q={tag}&field_id={fid}&status=SHUT_IN") == {"Beta"}
    assert wells["other"]["field_id"] is None


def test_a_search_for_a_wildcard_matches_literally(mod_acme):
    # GIVEN a well with a percent sign in its name and one without
    tag = uuid.uuid4().hex[:6]
    plain = create_well(mod_acme, name=f"Plain {tag}")
    percent = create_well(mod_acme, name=f"Odd 100% {tag}")
    # WHEN "%" is searched THEN it matches the percent sign, not everything
    found = {w["id"] for w in _list(mod_acme, "q=%25&limit=500")["items"]}
    assert percent["id"] in found and plain["id"] not in found
    items = _list(mod_acme, f"q=100%25%20{tag}")["items"]
    assert [w["id"] for w in items] == [percent["id"]]
    assert _list(mod_acme, f"q=_lain%20{tag}")["total"] == 0


def test_an_unknown_status_filter_is_422(mod_acme):
    response = mod_acme.client.get("/api/v1/wells?status=FLYING", headers=mod_acme.headers)
    assert response.status_code == 422
    assert problem_field(response) == "status"


def test_pagination_reports_total_and_next_offset(mod_acme):
    # GIVEN five wells in a field of their own
    field = create_field(mod_acme)
    created = [create_well(mod_acme, field_id=field["id"]) for _ in range(5)]
    query = f"field_id={field['id']}&limit=2"
    # WHEN the pages are read
    first = _list(mod_acme, query)
    second = _list(mod_acme, query + "&offset=2")
    last = _list(mod_acme, query + "&offset=4")
    beyond = _list(mod_acme, query + "&offset=10")
    # THEN each has the total and where the next page starts
    assert (first["total"], first["limit"], first["offset"], first["next_offset"]) == (5, 2, 0, 2)
    assert second["next_offset"] == 4
    assert last["next_offset"] is None and len(last["items"]) == 1
    assert beyond["items"] == [] and beyond["total"] == 5
    seen = [w["id"] for page in (first, second, last) for w in page["items"]]
    assert sorted(seen) == sorted(w["id"] for w in created)
    assert len(set(seen)) == 5


@pytest.mark.parametrize(
    ("query", "field"), [("limit=0", "limit"), ("limit=501", "limit"), ("offset=-1", "offset")]
)
def test_bad_paging_is_422(mod_acme, query, field):
    response = mod_acme.client.get(f"/api/v1/wells?{query}", headers=mod_acme.headers)
    assert response.status_code == 422
    assert problem_field(response) == field


def test_a_created_well_has_the_fourteen_digit_api_number(mod_acme):
    # GIVEN a 10-digit dashed API number
    api = unique_api_number()
    dashed = f"{api[0:2]}-{api[2:5]}-{api[5:10]}"
    # WHEN a well is created with it
    response = mod_acme.client.post(
        "/api/v1/wells",
        json={
            "name": unique("New"),
            "well_type": "OIL",
            "api_number": dashed,
            "total_depth_ft": 9500,
        },
        headers=mod_acme.headers,
    )
    # THEN it is stored as 14 digits, shown dashed, PLANNED, and readable
    assert response.status_code == 201
    well = response.json()
    assert well["api_number"] == api
    assert well["api_number_formatted"] == f"{dashed}-00-00"
    assert well["status"] == "PLANNED"
    assert well["is_horizontal"] is False
    got = mod_acme.client.get(f"/api/v1/wells/{well['id']}", headers=mod_acme.headers)
    assert got.status_code == 200
    assert got.json() == well


@pytest.mark.parametrize(
    "api_number", ["42-501-2013", "42-501-20130-1", "AB-501-20130", "00-501-20130", "42-000-20130"]
)
def test_a_bad_api_number_is_422_naming_api_number(mod_acme, api_number):
    name = unique("Bad")
    response = mod_acme.client.post(
        "/api/v1/wells",
        json={"name": name, "well_type": "OIL", "api_number": api_number},
        headers=mod_acme.headers,
    )
    assert response.status_code == 422
    assert problem_field(response) == "api_number"
    assert _list(mod_acme, f"q={name}")["total"] == 0


def test_an_api_number_is_unique_in_any_written_form(mod_acme):
    # GIVEN a well with an undashed 14-digit API number
    api = unique_api_number()
    create_well(mod_acme, api_number=api)
    # WHEN another well uses the same number dashed, or in its 10-digit form
    for form in (f"{api[0:2]}-{api[2:5]}-{api[5:10]}-00-00", api[:10], api):
        response = mod_acme.client.post(
            "/api/v1/wells",
            json={"name": unique("Twin"), "well_type": "OIL", "api_number": form},
            headers=mod_acme.headers,
        )
        # THEN it is a 409 naming api_number
        assert response.status_code == 409, form
        assert response.json()["field"] == "api_number"
    assert _list(mod_acme, f"q={api}")["total"] == 1


def test_patching_to_another_wells_api_number_is_409(mod_acme):
    taken = unique_api_number()
    create_well(mod_acme, api_number=taken)
    well = create_well(mod_acme, api_number=unique_api_number())
    response = mod_acme.client.patch(
        f"/api/v1/wells/{well['id']}",
        json={"api_number": f"{taken[0:2]}-{taken[2:5]}-{taken[5:10]}"},
        headers=mod_acme.headers,
    )
    assert response.status_code == 409
    assert response.json()["field"] == "api_number"
    # AND re-sending its own number in another form is fine
    same = mod_acme.client.patch(
        f"/api/v1/wells/{well['id']}",
        json={"api_number": well["api_number"][:10]},
        headers=mod_acme.headers,
    )
    assert same.status_code == 200


def test_unknown_wells_are_404(mod_acme):
    wid = uuid.uuid4()
    assert mod_acme.client.get(f"/api/v1/wells/{wid}", headers=mod_acme.headers).status_code == 404
    patch = mod_acme.client.patch(
        f"/api/v1/wells/{wid}", json={"name": "x"}, headers=mod_acme.headers
    )
    assert patch.status_code == 404


def test_the_lifecycle_is_enforced_on_patch(mod_acme):
    well = create_well(mod_acme)
    url = f"/api/v1/wells/{well['id']}"
    # WHEN a PLANNED well is set PRODUCING (and renamed in the same request)
    response = mod_acme.client.patch(
        url, json={"status": "PRODUCING", "name": "Renamed"}, headers=mod_acme.headers
    )
    # THEN 409 naming the allowed statuses, and nothing changed
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "illegal_transition"
    assert body["allowed"] == ["PERMITTED", "CANCELLED"]
    assert body["current"] == "PLANNED" and body["requested"] == "PRODUCING"
    assert mod_acme.client.get(url, headers=mod_acme.headers).json()["name"] == well["name"]
    # WHEN it walks the lifecycle
    for status in ("PERMITTED", "DRILLING", "COMPLETED", "PRODUCING", "SHUT_IN", "PRODUCING"):
        step = mod_acme.client.patch(url, json={"status": status}, headers=mod_acme.headers)
        assert step.status_code == 200, (status, step.text)
        assert step.json()["status"] == status
    # THEN the same status again is accepted as a no-op
    same = mod_acme.client.patch(url, json={"status": "PRODUCING"}, headers=mod_acme.headers)
    assert same.status_code == 200
    # AND a producing well cannot go back to DRILLING
    back = mod_acme.client.patch(url, json={"status": "DRILLING"}, headers=mod_acme.headers)
    assert back.status_code == 409
    assert back.json()["allowed"] == ["SHUT_IN", "ABANDONED"]


def test_final_statuses_allow_nothing(mod_acme):
    well = create_well(mod_acme, status="PLUGGED")
    response = mod_acme.client.patch(
        f"/api/v1/wells/{well['id']}", json={"status": "PRODUCING"}, headers=mod_acme.headers
    )
    assert response.status_code == 409
    assert response.json()["allowed"] == []


@pytest.mark.parametrize("name", ["name", "well_type", "status", "is_horizontal"])
def test_required_attributes_cannot_be_patched_to_null(mod_acme, name):
    well = create_well(mod_acme)
    response = mod_acme.client.patch(
        f"/api/v1/wells/{well['id']}", json={name: None}, headers=mod_acme.headers
    )
    assert response.status_code == 422
    assert problem_field(response) == name


def test_optional_attributes_can_be_cleared_and_changed(mod_acme):
    lease = _lease(mod_acme)
    well = create_well(mod_acme, lease_id=lease["id"], well_number="7", surface_latitude=31.9)
    response = mod_acme.client.patch(
        f"/api/v1/wells/{well['id']}",
        json={"lease_id": None, "well_number": "7A", "surface_latitude": 32.1},
        headers=mod_acme.headers,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["lease_id"] is None and body["well_number"] == "7A"
    assert body["surface_latitude"] == 32.1
    assert body["name"] == well["name"]


@pytest.mark.parametrize("reference", ["lease_id", "field_id"])
def test_unknown_references_are_422_naming_the_field(mod_acme, reference):
    name = unique("Orphan")
    response = mod_acme.client.post(
        "/api/v1/wells",
        json={"name": name, "well_type": "OIL", reference: str(uuid.uuid4())},
        headers=mod_acme.headers,
    )
    assert response.status_code == 422
    assert problem_field(response) == reference
    assert _list(mod_acme, f"q={name}")["total"] == 0
    well = create_well(mod_acme)
    patch = mod_acme.client.patch(
        f"/api/v1/wells/{well['id']}", json={reference: str(uuid.uuid4())}, headers=mod_acme.headers
    )
    assert patch.status_code == 422
    assert problem_field(patch) == reference


def test_a_deleted_well_is_gone_but_audited(mod_acme, mod_platform):
    # GIVEN a well
    name = unique("Doomed")
    well = create_well(mod_acme, name=name)
    url = f"/api/v1/wells/{well['id']}"
    # WHEN the admin deletes it
    response = mod_acme.client.delete(url, headers=mod_acme.headers)
    # THEN it is gone from list and get, and cannot be changed or deleted again
    assert response.status_code == 204
    assert _list(mod_acme, f"q={name}")["total"] == 0
    assert mod_acme.client.get(url, headers=mod_acme.headers).status_code == 404
    assert (
        mod_acme.client.patch(url, json={"name": "x"}, headers=mod_acme.headers).status_code == 404
    )
    assert mod_acme.client.delete(url, headers=mod_acme.headers).status_code == 404
    # AND the audit log keeps the deletion with the well as it was
    entries = tenant_audit(mod_platform, "acme", "well", well["id"])
    assert [e.action for e in entries] == ["well.deleted", "well.created"]
    assert entries[0].before is not None and entries[0].before["name"] == name
    assert entries[0].after is not None and entries[0].after["deleted_at"] is not None
