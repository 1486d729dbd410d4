"""Spreadsheet imports through the API: preview, confirm (queued), results, twice, undo."""

from __future__ import annotations

import io
import uuid
from datetime import datetime

import pytest
from openpyxl import Workbook

from functions.local.etl_runner import run_etl_tick
from tests.integration import api_support
from tests.integration.api_support import create_well, problem_field
from tests.integration.conftest import open_tenant

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
IMPORTS = "/api/v1/imports"
API_A, API_B = "42-501-20130", "42-501-20131"
HEADER = "API #,Prod Date,Oil (bbl),Gas Mcf,Water m3,Notes\n"


@pytest.fixture
def session(mod_platform, mod_client):
    session = open_tenant(mod_platform, mod_client, f"imp-{uuid.uuid4().hex[:6]}")
    for api in (API_A, API_B):
        create_well(session, api_number=api, status="PRODUCING")
    return session


def production_csv(days: range, oil: float = 10.0, extra: str = "") -> bytes:
    lines = [HEADER]
    for day in days:
        for api in (API_A, API_B):
            lines.append(f"{api},03/{day:02d}/2024,{oil + day},{100 + day},1.5,ticket {day}\n")
    return ("".join(lines) + extra).encode()


def upload(session, body: bytes, kind: str = "production", name: str = "march.csv"):
    response = session.client.post(
        f"{IMPORTS}?kind={kind}&filename={name}",
        content=body,
        headers={**session.headers, "Content-Type": "text/csv"},
    )
    assert response.status_code == 201, response.text
    return response.json()


def run_import(mod_platform, session, preview) -> dict:
    import_id = preview["import"]["id"]
    confirmed = session.client.post(
        f"{IMPORTS}/{import_id}/confirm", json=preview["suggested_mapping"], headers=session.headers
    )
    assert confirmed.status_code == 202, confirmed.text
    assert confirmed.json()["status"] == "queued"
    assert run_etl_tick(mod_platform, mod_platform.queue, schedule=False).imports == 1
    return session.client.get(f"{IMPORTS}/{import_id}?limit=500", headers=session.headers).json()


def production_days(session, api: str) -> dict[str, dict]:
    wells = session.client.get(f"/api/v1/wells?q={api}", headers=session.headers).json()["items"]
    well = next(w for w in wells if w["api_number"] == api.replace("-", "") + "0000")
    url = f"/api/v1/wells/{well['id']}/production?from=2024-03-01&to=2024-03-31"
    return {
        d["production_date"]: d
        for d in session.client.get(url, headers=session.headers).json()["items"]
    }


def test_a_csv_previews_with_a_mapping_from_its_headers_and_units(session):
    # GIVEN a sheet whose headers carry units, with one row naming an unknown well
    body = production_csv(range(1, 4), extra="42-999-99999,03/09/2024,1,1,1,x\n")
    # WHEN it is uploaded
    preview = upload(session, body)
    # THEN the columns, a mapping by name and unit, mapped rows and the row's problem come back
    assert [c["name"] for c in preview["columns"]][:3] == ["API #", "Prod Date", "Oil (bbl)"]
    mapping = preview["suggested_mapping"]
    assert mapping["column_mapping"] == {
        "well_api_number": "API #", "production_date": "Prod Date", "oil_bbl": "Oil (bbl)",
        "gas_mcf": "Gas Mcf", "water_bbl": "Water m3", "notes": "Notes",
    }  # fmt: skip
    assert mapping["transforms"]["water_bbl"] == [
        {"type": "UNIT", "from_unit": "m3", "to_unit": "bbl"}
    ]
    assert mapping["transforms"]["production_date"] == [{"type": "DATE", "formats": ["%m/%d/%Y"]}]
    first = preview["rows"][0]["values"]
    assert (first["production_date"], first["oil_bbl"]) == ("2024-03-01", 11.0)
    assert first["water_bbl"] == pytest.approx(1.5 * 6.28981)
    assert preview["problems"] == [
        {"line": 8, "field": "well_api_number", "reason": "no well with API number 42999999990000"}
    ]


def test_a_wrong_unit_header_is_flagged_and_left_unmapped(session):
    # GIVEN oil given in Mcf (a gas unit)
    body = b"API,Date,Oil (Mcf),Gas (e3m3)\n42-501-20130,2024-03-01,12,3\n"
    # WHEN it is uploaded
    preview = upload(session, body)
    # THEN the column is flagged with a clear message and not mapped; gas converts from e3m3
    [warning] = [w for w in preview["warnings"] if w["column"] == "Oil (Mcf)"]
    assert "unit 'mcf'" in warning["message"] and "oil_bbl, which is in bbl" in warning["message"]
    assert "Oil (Mcf)" in preview["unmapped_columns"]
    assert "oil_bbl" not in preview["suggested_mapping"]["column_mapping"]
    assert preview["rows"][0]["values"]["gas_mcf"] == pytest.approx(3 * 35.3147)


def test_import_twice_then_change_then_undo(mod_platform, session):
    # GIVEN a confirmed import of 3 days for 2 wells, with one rejected row
    body = production_csv(range(1, 4), extra="42-999-99999,03/09/2024,1,1,1,x\n")
    first = run_import(mod_platform, session, upload(session, body))
    # THEN its rows are written, and each row's result is kept
    assert first["status"] == "succeeded"
    assert first["counts"] == {
        "processed": 7, "inserted": 6, "updated": 0, "unchanged": 0, "duplicate": 0, "rejected": 1
    }  # fmt: skip
    rejected = [r for r in first["rows"] if r["status"] == "rejected"]
    assert rejected[0]["line"] == 8 and rejected[0]["field"] == "well_api_number"
    assert production_days(session, API_A)["2024-03-02"]["oil_bbl"] == 12.0
    # WHEN the same file is imported again
    again_preview = upload(session, body)
    again = run_import(mod_platform, session, again_preview)
    # THEN it is flagged as seen before, changes nothing and says so
    assert any("imported before" in w["message"] for w in again_preview["warnings"])
    assert (again["counts"]["inserted"], again["counts"]["updated"]) == (0, 0)
    assert again["counts"]["unchanged"] == 6
    assert again["summary"].startswith("nothing changed")
    assert len(production_days(session, API_A)) == 3
    # WHEN a corrected file changes one day and adds another
    corrected = production_csv(range(1, 5)).replace(
        b"42-501-20130,03/02/2024,12.0", b"42-501-20130,03/02/2024,99"
    )
    third = run_import(mod_platform, session, upload(session, corrected))
    assert (third["counts"]["inserted"], third["counts"]["updated"]) == (2, 1)
    [updated] = [r for r in third["rows"] if r["status"] == "updated"]
    assert (updated["before"]["oil_bbl"], updated["after"]["oil_bbl"]) == (12.0, 99.0)
    # AND that import is undone
    undone = session.client.post(f"{IMPORTS}/{third['id']}/undo", headers=session.headers)
    # THEN exactly its changes are reverted: the added days gone, the changed day restored
    assert undone.status_code == 200, undone.text
    assert (undone.json()["reverted"], undone.json()["skipped"]) == (3, 0)
    assert undone.json()["import"]["status"] == "undone"
    days = production_days(session, API_A)
    assert sorted(days) == ["2024-03-01", "2024-03-02", "2024-03-03"]
    assert days["2024-03-02"]["oil_bbl"] == 12.0
    # AND undoing twice is refused
    assert (
        session.client.post(f"{IMPORTS}/{third['id']}/undo", headers=session.headers).status_code
        == 409
    )


def test_an_xlsx_of_wells_imports_through_a_multipart_upload(mod_platform, session):
    # GIVEN a workbook of wells with typed cells (dates, numbers)
    book = Workbook()
    sheet = book.active
    sheet.append(["API Number", "Well Name", "Status", "Spud Date", "Latitude", "Total Depth (m)"])
    sheet.append(["42-317-00001", "Jones 1", "PRODUCING", datetime(2019, 5, 2), 31.9, 3000])
    sheet.append(["42-317-00002", "Jones 2", "SHUT IN", datetime(2020, 1, 15), 31.8, 2500])
    buffer = io.BytesIO()
    book.save(buffer)
    # WHEN it is uploaded as a form part and confirmed
    response = session.client.post(
        f"{IMPORTS}?kind=wells",
        files={"file": ("wells.xlsx", buffer.getvalue(), "application/octet-stream")},
        headers=session.headers,
    )
    assert response.status_code == 201, response.text
    preview = response.json()
    assert preview["import"]["file_format"] == "xlsx"
    done = run_import(mod_platform, session, preview)
    # THEN the wells exist with converted depth and the status as a WellOS status
    assert done["counts"]["inserted"] == 2, done
    wells = session.client.get("/api/v1/wells?q=Jones", headers=session.headers).json()["items"]
    jones = {w["name"]: w for w in wells}
    assert jones["Jones 2"]["status"] == "SHUT_IN"
    assert jones["Jones 1"]["spud_date"] == "2019-05-02"
    assert jones["Jones 1"]["total_depth_ft"] == pytest.approx(3000 * 3.28084)


def test_a_mapping_naming_a_column_not_in_the_file_is_refused(session):
    preview = upload(session, production_csv(range(1, 2)))
    mapping = preview["suggested_mapping"]
    mapping["column_mapping"]["oil_bbl"] = "Oil Volume"
    response = session.client.post(
        f"{IMPORTS}/{preview['import']['id']}/confirm", json=mapping, headers=session.headers
    )
    assert response.status_code == 422
    assert problem_field(response) == "mapping.column_mapping.oil_bbl"
