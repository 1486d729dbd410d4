"""Spreadsheet rows beyond a plausibility limit are row problems, not 500s and not stored."""

from __future__ import annotations

import uuid

import pytest

from functions.local.etl_runner import run_etl_tick
from tests.integration import api_support
from tests.integration.api_support import create_well
from tests.integration.conftest import open_tenant

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
IMPORTS = "/api/v1/imports"
API = "42-501-20130"


@pytest.fixture
def session(mod_platform, mod_client):
    session = open_tenant(mod_platform, mod_client, f"lim-{uuid.uuid4().hex[:6]}")
    create_well(session, api_number=API, status="PRODUCING")
    return session


def test_implausible_rows_are_rejected_each_naming_its_field_and_the_rest_import(
    mod_platform, session
):
    # GIVEN a production sheet with good rows and a 1e308 volume, a year-1 day,
    # a note with a right-to-left override and a gas volume beyond any well
    body = (
        "API,Date,Oil (bbl),Gas (Mcf),Notes\n"
        f"{API},03/01/2024,10,100,ticket 1\n"
        f"{API},03/02/2024,1e308,100,ticket 2\n"
        f"{API},01/01/0001,10,100,ticket 3\n"
        f"{API},03/04/2024,10,100,paid \u202e0001\n"
        f"{API},03/05/2024,10,5000000,ticket 5\n"
        f"{API},03/06/2024,12,100,ticket 6\n"
    ).encode()
    response = session.client.post(
        f"{IMPORTS}?kind=production&filename=limits.csv",
        content=body,
        headers={**session.headers, "Content-Type": "text/csv"},
    )
    assert response.status_code == 201, response.text
    preview = response.json()
    # THEN the preview already names each bad row's field
    assert [(p["line"], p["field"]) for p in preview["problems"]] == [
        (3, "oil_bbl"), (4, "production_date"), (5, "notes"), (6, "gas_mcf"),
    ]  # fmt: skip
    # WHEN it is confirmed and run
    import_id = preview["import"]["id"]
    confirmed = session.client.post(
        f"{IMPORTS}/{import_id}/confirm", json=preview["suggested_mapping"], headers=session.headers
    )
    assert confirmed.status_code == 202, confirmed.text
    assert run_etl_tick(mod_platform, mod_platform.queue, schedule=False).imports == 1
    done = session.client.get(f"{IMPORTS}/{import_id}?limit=50", headers=session.headers).json()
    # THEN the good rows are written and the four others rejected with their reasons
    assert done["status"] == "succeeded", done["error"]
    assert (done["counts"]["inserted"], done["counts"]["rejected"]) == (2, 4)
    rejected = {r["line"]: r for r in done["rows"] if r["status"] == "rejected"}
    assert rejected[3]["field"] == "oil_bbl" and "100,000" in rejected[3]["reason"]
    assert rejected[4]["reason"] == "0001-01-01 is before 1900-01-01"
    assert rejected[5]["field"] == "notes"
    assert rejected[6]["field"] == "gas_mcf"
