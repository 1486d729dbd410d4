"""Well tests through the API, and the allocation of a lease's volume by them."""

from __future__ import annotations

from typing import Any

from tests.integration import api_support
from tests.integration.api_support import assign, create_well, invite, unique
from tests.integration.conftest import TenantSession

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme


def log_test(session: TenantSession, well_id: str, oil: str, headers: Any = None, **kw: Any) -> Any:
    body = {
        "start": "2026-11-01T00:00:00Z", "end": "2026-11-02T00:00:00Z", "oil_bbl_per_day": oil,
        "gas_mcf_per_day": "100", "water_bbl_per_day": "50", **kw,
    }  # fmt: skip
    return session.client.post(
        f"/api/v1/wells/{well_id}/well-tests", json=body, headers=headers or session.headers
    )


def test_a_lease_volume_is_allocated_by_the_wells_tests(mod_acme: TenantSession) -> None:
    # GIVEN a lease with two wells, tested at 30 and 10 bbl/day, a pumper on the first
    new_lease = {"name": unique("Lease"), "lease_number": unique("L"), "royalty_rate": 0.125}
    lease = mod_acme.client.post("/api/v1/leases", json=new_lease, headers=mod_acme.headers)
    assert lease.status_code == 201, lease.text
    lease_id = lease.json()["id"]
    one, two = create_well(mod_acme, lease_id=lease_id), create_well(mod_acme, lease_id=lease_id)
    pumper = invite(mod_acme, "FIELD_OPERATOR")
    assign(mod_acme, one["id"], pumper["id"])
    assert log_test(mod_acme, one["id"], "30", pumper["headers"]).status_code == 201
    assert log_test(mod_acme, two["id"], "10").status_code == 201
    # the pumper cannot log a test on a well that is not his
    assert log_test(mod_acme, two["id"], "10", pumper["headers"]).status_code == 404
    # WHEN 1,001 bbl of the lease's oil is allocated over a full day of each well
    body = {"metered": {"oil_bbl_per_day": "1001"}, "hours": {one["id"]: "24", two["id"]: "24"}}
    response = mod_acme.client.post(
        f"/api/v1/leases/{lease_id}/allocation", json=body, headers=mod_acme.headers
    )
    # THEN it splits 3:1 and adds up to the barrel
    assert response.status_code == 200, response.text
    oil = response.json()["allocation"]["oil_bbl_per_day"]
    assert (oil[one["id"]], oil[two["id"]]) == ("751", "250")
    listed = mod_acme.client.get(f"/api/v1/wells/{one['id']}/well-tests", headers=mod_acme.headers)
    assert [t["oil_bbl_per_day"] for t in listed.json()] == ["30.0000"]


def test_bad_well_tests_name_the_field(mod_acme: TenantSession) -> None:
    well = create_well(mod_acme)["id"]
    backwards = log_test(mod_acme, well, "1", end="2026-10-31T00:00:00Z")
    assert (backwards.status_code, backwards.json()["field"]) == (422, "end")
    absurd = log_test(mod_acme, well, "9999999")
    assert (absurd.status_code, absurd.json()["field"]) == (422, "oil_bbl_per_day")
