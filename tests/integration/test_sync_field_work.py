"""Closing a work order and logging a well test from the field, through the sync API on
PostgreSQL as a pumper: the office sees the result, and the conflict rules hold."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from shared.adapters.sql.sync import tables as st
from tests.integration import api_support
from tests.integration.sync_support import Site, build_site, device, event, rows, statuses, sync

T = datetime(2026, 11, 3, 15, 0, tzinfo=UTC)
ORDERS = "/api/v1/work-orders"


@pytest.fixture
def site(acme, platform) -> Site:
    return build_site(acme, platform)


def new_order(site: Site, well_id: str) -> str:
    body = {"well_id": well_id, "title": "Replace rod pump"}
    response = site.client.post(ORDERS, json=body, headers=site.admin)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def order(site: Site, order_id: str) -> dict[str, Any]:
    response = site.client.get(f"{ORDERS}/{order_id}", headers=site.admin)
    assert response.status_code == 200, response.text
    return dict(response.json())


def close(well_id: str, order_id: str, seq: int = 1, at: datetime = T, **more: Any) -> dict:
    payload = {"work_order_id": order_id, "resolution": "pump swapped", **more}
    return event("WORK_ORDER_CLOSED", well_id, payload, at, seq)


def well_test(well_id: str, start: str, end: str, oil: str, seq: int = 1) -> dict:
    payload = {
        "start": start, "end": end, "oil_bbl_per_day": oil,
        "gas_mcf_per_day": "100", "water_bbl_per_day": "50",
    }  # fmt: skip
    return event("WELL_TEST_LOGGED", well_id, payload, T, seq)


def test_a_pumper_closes_a_work_order_from_the_field_and_the_office_sees_it_done(site):
    # GIVEN an open work order on the pumper's well
    well = site.wells[0]
    order_id = new_order(site, well)
    batch = [close(well, order_id, downtime_hours="3.5", parts_used=[
        {"part_number": "RP-200", "quantity": "1"}])]  # fmt: skip
    # WHEN the pumper syncs the close, twice (a retry)
    first = sync(site, site.operator, device("tab-1"), batch)
    again = sync(site, site.operator, device("tab-1"), batch)
    # THEN it applied once, and the office sees the work order done with the field's note
    assert statuses(first) == ["applied"]
    assert statuses(again) == ["duplicate"]
    seen = order(site, order_id)
    assert seen["status"] == "done"
    assert seen["history"][-1]["note"] == "pump swapped"
    assert [p["part_number"] for p in seen["parts"]] == ["RP-200"]


def test_closing_a_closed_work_order_goes_to_review(site):
    # GIVEN a work order the office already closed
    well = site.wells[0]
    order_id = new_order(site, well)
    done = site.client.post(
        f"{ORDERS}/{order_id}/status", json={"status": "done"}, headers=site.admin
    )
    assert done.status_code == 200, done.text
    # WHEN a pumper closes it from the field
    result = sync(site, site.operator, device("tab-1"), [close(well, order_id)])["results"][0]
    # THEN the close waits in the review queue, saying why, and the office's close stands
    assert (result["status"], result["rule"]) == ("conflict", "manual_review")
    assert "already_closed" in result["reason"]
    detail = site.client.get(
        f"/api/v1/conflicts/{result['conflict_id']}", headers=site.manager.headers
    )
    assert detail.status_code == 200, detail.text
    assert order(site, order_id)["status"] == "done"


def test_a_pumper_cannot_close_a_work_order_on_a_well_not_assigned_to_him(site):
    # GIVEN a work order on a well the pumper is not assigned to, and a bad event beside
    order_id = new_order(site, site.unassigned_well)
    batch = [
        close(site.unassigned_well, order_id, seq=1),
        close(site.wells[0], order_id, seq=2, downtime_hours="-1"),
        event("NOTE_ADDED", site.wells[0], {"text": "gate fixed"}, T, 3),
    ]
    # WHEN he syncs
    results = sync(site, site.operator, device("tab-1"), batch)["results"]
    # THEN the close is forbidden, the bad one names its field, the note applies
    assert [r["status"] for r in results] == ["rejected", "rejected", "applied"]
    assert results[0]["reason"] == "well_id: forbidden"
    assert results[1]["reason"].startswith("payload.downtime_hours")
    assert order(site, order_id)["status"] == "open"


def test_a_well_test_from_the_field_is_used_by_the_lease_allocation(site):
    # GIVEN a lease with two wells, the first assigned to the pumper, the second tested
    new_lease = {"name": api_support.unique("Lease"), "lease_number": api_support.unique("L"),
                 "royalty_rate": 0.125}  # fmt: skip
    lease = site.client.post("/api/v1/leases", json=new_lease, headers=site.admin)
    assert lease.status_code == 201, lease.text
    lease_id = lease.json()["id"]
    one = api_support.create_well(site.session, lease_id=lease_id)["id"]
    two = api_support.create_well(site.session, lease_id=lease_id)["id"]
    api_support.assign(site.session, one, site.operator.user_id)
    office = site.client.post(f"/api/v1/wells/{two}/well-tests", headers=site.admin, json={
        "start": "2026-11-01T00:00:00Z", "end": "2026-11-02T00:00:00Z",
        "oil_bbl_per_day": "10", "gas_mcf_per_day": "100", "water_bbl_per_day": "50"})  # fmt: skip
    assert office.status_code == 201, office.text
    # WHEN the pumper logs a 30 bbl/day test of his well from the field
    logged = well_test(one, "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", "30")
    assert statuses(sync(site, site.operator, device("tab-1"), [logged])) == ["applied"]
    # THEN the lease's oil splits 3:1 by the tests
    body = {"metered": {"oil_bbl_per_day": "1001"}, "hours": {one: "24", two: "24"}}
    response = site.client.post(
        f"/api/v1/leases/{lease_id}/allocation", json=body, headers=site.admin
    )
    assert response.status_code == 200, response.text
    oil = response.json()["allocation"]["oil_bbl_per_day"]
    assert (oil[one], oil[two]) == ("751", "250")


def test_a_well_test_overlapping_another_goes_to_review(site):
    # GIVEN a well test logged from the field
    well = site.wells[0]
    first = well_test(well, "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", "30", seq=1)
    # WHEN another test of the same well overlaps it, and a third does not
    overlap = well_test(well, "2026-11-01T12:00:00Z", "2026-11-02T12:00:00Z", "31", seq=2)
    later = well_test(well, "2026-11-02T12:00:00Z", "2026-11-03T12:00:00Z", "29", seq=3)
    answer = sync(site, site.operator, device("tab-1"), [first, overlap, later])
    # THEN the overlap waits for review; the others are the well's tests
    assert statuses(answer) == ["applied", "conflict", "applied"]
    assert "overlapping_test" in answer["results"][1]["reason"]
    listed = site.client.get(f"/api/v1/wells/{well}/well-tests", headers=site.admin).json()
    assert sorted(t["oil_bbl_per_day"] for t in listed) == ["29.0000", "30.0000"]
    assert len(rows(site, st.sync_events)) == 3
