"""Each well tells what its lifecycle allows next (the office app draws its buttons from it)."""

from __future__ import annotations


def test_a_well_names_the_statuses_it_may_move_to(acme) -> None:
    client, headers = acme.client, acme.headers
    created = client.post(
        "/api/v1/wells", json={"name": "Lifecycle 1", "well_type": "OIL"}, headers=headers
    )
    assert created.status_code == 201, created.text
    well = created.json()
    assert well["status"] == "PLANNED"
    assert well["next_statuses"] == ["PERMITTED", "CANCELLED"]

    moved = client.patch(
        f"/api/v1/wells/{well['id']}", json={"status": "PERMITTED"}, headers=headers
    )
    assert moved.json()["next_statuses"] == ["DRILLING", "CANCELLED"]
    listed = client.get("/api/v1/wells", headers=headers).json()["items"]
    assert listed[0]["next_statuses"] == ["DRILLING", "CANCELLED"]

    cancelled = client.patch(
        f"/api/v1/wells/{well['id']}", json={"status": "CANCELLED"}, headers=headers
    )
    assert cancelled.json()["next_statuses"] == []


def test_next_statuses_is_not_an_input(acme) -> None:
    response = acme.client.post(
        "/api/v1/wells",
        json={"name": "Sneaky", "well_type": "OIL", "next_statuses": ["PRODUCING"]},
        headers=acme.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "next_statuses"
