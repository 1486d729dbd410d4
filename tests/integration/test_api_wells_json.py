"""The wells page PostgreSQL writes in JSON itself is, byte for byte, what the response
model writes; a page holding a value it cannot write so is read row by row instead."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, date, datetime, timedelta, timezone

from functions.api.schemas.common import PageOut, as_response_model, page_out
from functions.api.schemas.wells import WellOut, written_wells_page_json
from shared.core.wells.model.lifecycle import WellStatus, WellType
from shared.core.wells.model.records import Well
from shared.core.wells.ports import WellQuery
from tests.integration import api_support

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme

TAG = f"Jz{uuid.uuid4().hex[:8]}"
TAG_DIGITS = str(uuid.uuid4().int)[:10]
NAMES = [
    'a "quote", a \\ backslash',
    "ünïcödé 😀 </script> & <b>",
    "tab\tnew\nline\rcr \x01 \x1f \x7f \u2028 \u2029",
    "O'Brien #1",
    "",
]
FLOATS = [0.1, 1 / 3, 80.0, 0.0, 0.0001, 123456789012345.0, 999999999999999.9, -45.25, 2.5e-4]
HARD_FLOATS = [-0.0, math.nan, math.inf, -math.inf, 1e-5, 1e15 + 0.5, 1e20, 5e-324]
API_NUMBERS = [None, "", "42501201300300", "4250120130", "123"]
ZONES = [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-7))]


def _api_number(index: int) -> str | None:
    if index < len(API_NUMBERS):
        return API_NUMBERS[index]
    return None if index % 2 else f"{TAG_DIGITS}{index:04d}"


def _well(index: int, name: str, floats: list[float], **values: object) -> Well:
    statuses, kinds = list(WellStatus), list(WellType)
    made = datetime(2024, 2, 29, 23, 59, 59, 123456 * (index % 2), tzinfo=ZONES[index % 3])
    day = date(1999 + index, 12, 31) if index % 2 else None
    return Well(
        id=str(uuid.uuid4()),
        name=f"{TAG} {index:02d} {name}",
        api_number=_api_number(index),
        well_number=None if index % 2 else f'"{index}"',
        status=statuses[index % len(statuses)].value,
        well_type=kinds[index % len(kinds)].value,
        spud_date=day,
        completion_date=date(1000, 1, 1) if index == 3 else None,
        plugged_date=date(9999, 12, 31) if index == 4 else None,
        surface_latitude=floats[index % len(floats)],
        surface_longitude=floats[(index + 1) % len(floats)],
        total_depth_ft=None if index % 3 else floats[(index + 2) % len(floats)],
        ground_elevation_ft=-floats[(index + 3) % len(floats)] or 0.0,  # not -0.0
        is_horizontal=bool(index % 2),
        created_at=made,
        updated_at=made + timedelta(microseconds=index),
        **values,  # type: ignore[arg-type]
    )


def test_every_wells_page_is_what_the_response_model_writes(mod_acme, mod_platform):
    """Every status and type, quotes, control characters and emoji in names, empty and
    short API numbers, whole, negative-zero and long floats, times in three zones."""
    tenant = mod_platform.resolver.resolve(mod_acme.slug)
    wells = [_well(index, NAMES[index % len(NAMES)], FLOATS) for index in range(18)]
    hard = [_well(20 + index, f"hard {index}", [value]) for index, value in enumerate(HARD_FLOATS)]
    with mod_platform.tenant_databases.unit_of_work(tenant) as uow:
        for well in [*wells, *hard]:
            uow.wells.add(well)
        uow.commit()

    def page_of(query: WellQuery, url: str, fast: bool) -> None:
        with mod_platform.tenant_databases.unit_of_work(tenant) as uow:
            written = uow.wells.list_json(query)
            model = as_response_model(PageOut[WellOut], page_out(uow.wells.list(query)))
        assert (written is not None) == fast, url
        if written is not None:  # the database's page, without the route around it
            assert written_wells_page_json(written) == model, url
        response = mod_acme.client.get(f"/api/v1/wells?{url}", headers=mod_acme.headers)
        assert response.status_code == 200, response.text
        assert response.content == model, url

    for limit, offset in [(50, 0), (4, 0), (4, 8), (4, 16), (4, 40)]:
        query = WellQuery(text=f"{TAG} 0", limit=limit, offset=offset)
        page_of(
            query, f"q={TAG}%200&limit={limit}&offset={offset}", fast=offset < 10
        )  # 10 wells: past the end counts
    for status in WellStatus:
        query = WellQuery(status=status.value, text=f"{TAG} ")
        page_of(
            query, f"status={status.value}&q={TAG}%20", fast=all(h.status != status for h in hard)
        )
        query = WellQuery(status=status.value, text=f"{TAG} 1")
        page_of(query, f"status={status.value}&q={TAG}%201", fast=True)
    for well in hard:  # NaN, infinities, exponents: read row by row
        query = WellQuery(text=well.name)
        page_of(query, f"q={well.name.replace(' ', '%20')}", fast=False)
