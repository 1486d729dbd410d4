"""Spreadsheet bombs through the imports API: 422 problems naming what is too big, never 500."""

from __future__ import annotations

import pytest

from functions.local.etl_runner import run_etl_tick
from shared.settings import Settings
from tests.bombs import MIB, shared_strings_bomb
from tests.integration.api_support import problem_field
from tests.integration.conftest import TenantSession

IMPORTS = "/api/v1/imports"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The suite's settings with a cap of 250 data rows (the preview reads 200)."""
    return settings.model_copy(update={"import_max_rows": 250})


def post(session: TenantSession, body: bytes, name: str, content_type: str = "text/csv"):
    return session.client.post(
        f"{IMPORTS}?kind=production&filename={name}",
        content=body,
        headers={**session.headers, "Content-Type": content_type},
    )


def test_an_xlsx_bomb_and_a_2400_column_csv_are_422_problems(acme: TenantSession):
    # GIVEN a 100 KB workbook whose shared strings inflate to 64 MB, and a CSV header of
    # 2,400 short columns
    bomb = shared_strings_bomb(64 * MIB)
    wide = ",".join(f"c{n % 9}" for n in range(2_400)).encode() + b"\n1\n"
    # WHEN each is uploaded
    bombed = post(acme, bomb, "bomb.xlsx", XLSX)
    widened = post(acme, wide, "wide.csv")
    # THEN each is a 422 problem on `file` saying what is too big
    assert bombed.status_code == 422, bombed.text
    assert bombed.headers["content-type"].startswith("application/problem+json")
    assert problem_field(bombed) == "file"
    assert "xl/sharedStrings.xml would inflate" in bombed.text
    assert "decompression bombs" in bombed.text
    assert widened.status_code == 422, widened.text
    assert problem_field(widened) == "file"
    assert "line 1 has 2,400 columns; at most 1,000 are read" in widened.text
    # AND the tenant goes on importing
    assert post(acme, b"API,Oil\n42-501-20130,1\n", "ok.csv").status_code == 201


def test_a_file_past_the_row_cap_fails_its_import_before_any_row_is_written(platform, acme):
    # GIVEN a CSV of 251 data rows under a cap of 250: its preview (200 rows) passes
    lines = ["API,Date,Oil (bbl)\n"] + [
        f"42-501-{n:05d},2024-03-01,{n}\n" for n in range(251)
    ]  # fmt: skip
    preview = post(acme, "".join(lines).encode(), "long.csv")
    assert preview.status_code == 201, preview.text
    import_id = preview.json()["import"]["id"]
    mapping = preview.json()["suggested_mapping"]
    confirmed = acme.client.post(
        f"{IMPORTS}/{import_id}/confirm", json=mapping, headers=acme.headers
    )
    assert confirmed.status_code == 202, confirmed.text
    # WHEN the queued import runs
    assert run_etl_tick(platform, platform.queue, schedule=False).imports == 1
    # THEN it failed naming the cap, and not one row was processed
    done = acme.client.get(f"{IMPORTS}/{import_id}", headers=acme.headers).json()
    assert done["status"] == "failed"
    assert done["error"] == (
        "file: has more than 250 data rows (WELLOS_IMPORT_MAX_ROWS); split it into several files"
    )
    assert done["counts"]["processed"] == 0
