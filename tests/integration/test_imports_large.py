"""A 50 MB spreadsheet: accepted by the imports route alone, streamed in bounded memory."""

from __future__ import annotations

import tracemalloc
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from functions.local.etl_runner import run_etl_tick
from shared.core.etl.model.spreadsheets.reader import open_sheet
from shared.core.wells.model.records import Well
from tests.integration import api_support
from tests.integration.conftest import open_tenant

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
WELLS = 50
NOW = datetime(2026, 1, 5, tzinfo=UTC)
TARGET_BYTES = 50 * 1024 * 1024
REMARK = "r" * 420  # an unmapped wide column: the file is big, the import stays light


def big_csv(apis: list[str]) -> bytes:
    lines = ["API,Date,Oil (bbl),Gas (mcf),Remarks\n"]
    size, day = len(lines[0]), 0
    while size < TARGET_BYTES:
        when = (date(2015, 1, 1) + timedelta(days=day)).isoformat()
        for index, api in enumerate(apis):
            line = f"{api},{when},{10 + index % 7}.5,{200 + day % 50},{REMARK}\n"
            lines.append(line)
            size += len(line)
        day += 1
    return "".join(lines).encode()


@pytest.fixture(scope="module")
def session(mod_platform, mod_client):
    session = open_tenant(mod_platform, mod_client, f"big-{uuid.uuid4().hex[:6]}")
    tenant = mod_platform.tenants.get(session.slug)
    with mod_platform.tenant_databases.unit_of_work(tenant) as uow:
        for n in range(WELLS):
            uow.wells.add(
                Well(id=str(uuid.uuid4()), name=f"W{n}", api_number=f"4250130{n:03d}0000",
                     well_type="OIL", status="PRODUCING", created_at=NOW, updated_at=NOW)
            )  # fmt: skip
        uow.commit()
    return session


def test_other_routes_keep_the_10_mb_limit(session):
    response = session.client.post(
        "/api/v1/production:batch", content=b"x" * (11 * 1024 * 1024), headers=session.headers
    )
    assert response.status_code == 413


def test_a_50_mb_csv_uploads_previews_and_imports_streaming(mod_platform, session):
    # GIVEN a 50 MB CSV (about 110,000 rows)
    body = big_csv([f"42-501-30{n:03d}" for n in range(WELLS)])
    assert len(body) >= TARGET_BYTES
    rows = body.count(b"\n") - 1
    # WHEN it is uploaded to the imports route (above the 10 MB limit of other routes)
    response = session.client.post(
        "/api/v1/imports?kind=production&filename=big.csv",
        content=body,
        headers={**session.headers, "Content-Type": "text/csv"},
    )
    del body
    # THEN it is stored in parts and previewed from its first rows
    assert response.status_code == 201, response.text[:500]
    preview = response.json()
    record = mod_platform.imports.get(
        mod_platform.tenants.get(session.slug),
        _admin(mod_platform, session),
        preview["import"]["id"],
    )
    assert record.parts == 13 and preview["problems"] == []
    # AND reading every row back through the job's reader stays far below the file's size
    tracemalloc.start()
    with mod_platform.imports._spooled(record) as stream, open_sheet(stream, "big.csv") as sheet:
        counted = sum(1 for _ in sheet.rows)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert counted == rows
    assert peak < 12 * 1024 * 1024, f"peak {peak} bytes"  # one 4 MB part, a spool, the rows
    # WHEN the import is confirmed and the worker runs it
    confirmed = session.client.post(
        f"/api/v1/imports/{record.id}/confirm",
        json=preview["suggested_mapping"],
        headers=session.headers,
    )
    assert confirmed.status_code == 202
    assert run_etl_tick(mod_platform, mod_platform.queue, schedule=False).imports == 1
    # THEN every row is in
    done = session.client.get(
        f"/api/v1/imports/{record.id}?limit=1", headers=session.headers
    ).json()
    assert done["status"] == "succeeded"
    assert done["counts"]["inserted"] == rows and done["counts"]["rejected"] == 0


def _admin(mod_platform, session):
    from tests.integration.etl_support import admin_of

    return admin_of(mod_platform.tenants.get(session.slug))
