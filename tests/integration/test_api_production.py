"""Daily production: one well-day, date ranges, and all-or-nothing batches of up to 5,000 rows."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from functions.api.schemas.production import ProductionSeries
from tests.integration import api_support
from tests.integration.api_support import create_well, problem_field

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme


def _day_url(well_id: str, day: str) -> str:
    return f"/api/v1/wells/{well_id}/production/{day}"


def _range(session, well_id: str, start: str, end: str) -> list[dict]:
    response = session.client.get(
        f"/api/v1/wells/{well_id}/production?from={start}&to={end}", headers=session.headers
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]


def _batch(session, rows: list[dict]):
    return session.client.post(
        "/api/v1/production:batch", json={"rows": rows}, headers=session.headers
    )


def _days(start: date, count: int) -> list[str]:
    return [(start + timedelta(days=n)).isoformat() for n in range(count)]


def test_put_creates_then_replaces_one_day(mod_acme):
    well = create_well(mod_acme)
    url = _day_url(well["id"], "2024-05-01")
    # WHEN a day is put for the first time THEN 201 with the values
    first = mod_acme.client.put(
        url,
        json={"oil_bbl": 120.5, "gas_mcf": 300, "hours_on": 24, "notes": "new pump"},
        headers=mod_acme.headers,
    )
    assert first.status_code == 201
    assert first.json()["oil_bbl"] == 120.5
    assert first.json()["updated_by"] == mod_acme.created.admin_email
    # WHEN it is put again THEN 200 and the day is replaced, not merged
    second = mod_acme.client.put(
        url, json={"oil_bbl": 118, "is_estimated": True}, headers=mod_acme.headers
    )
    assert second.status_code == 200
    got = mod_acme.client.get(url, headers=mod_acme.headers).json()
    assert got["oil_bbl"] == 118 and got["gas_mcf"] is None and got["notes"] is None
    assert got["is_estimated"] is True
    assert len(_range(mod_acme, well["id"], "2024-05-01", "2024-05-01")) == 1


def test_a_missing_day_or_well_is_404(mod_acme):
    well = create_well(mod_acme)
    assert (
        mod_acme.client.get(
            _day_url(well["id"], "2024-01-01"), headers=mod_acme.headers
        ).status_code
        == 404
    )
    missing = str(uuid.uuid4())
    assert (
        mod_acme.client.get(_day_url(missing, "2024-01-01"), headers=mod_acme.headers).status_code
        == 404
    )
    put = mod_acme.client.put(
        _day_url(missing, "2024-01-01"), json={"oil_bbl": 1}, headers=mod_acme.headers
    )
    assert put.status_code == 404
    rng = mod_acme.client.get(f"/api/v1/wells/{missing}/production", headers=mod_acme.headers)
    assert rng.status_code == 404


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"oil_bbl": -1}, "oil_bbl"),
        ({"gas_mcf": -0.5}, "gas_mcf"),
        ({"water_bbl": -3}, "water_bbl"),
        ({"tubing_pressure_psi": -10}, "tubing_pressure_psi"),
        ({"hours_on": 25}, "hours_on"),
        ({"hours_on": -1}, "hours_on"),
        ({"bsw_pct": 101}, "bsw_pct"),
    ],
)
def test_invalid_values_are_422_naming_the_field_and_write_nothing(mod_acme, values, field):
    well = create_well(mod_acme)
    url = _day_url(well["id"], "2024-05-02")
    response = mod_acme.client.put(url, json={"oil_bbl": 10, **values}, headers=mod_acme.headers)
    assert response.status_code == 422
    assert problem_field(response) == field
    assert mod_acme.client.get(url, headers=mod_acme.headers).status_code == 404


def test_a_future_day_is_422_naming_production_date(mod_acme):
    well = create_well(mod_acme)
    tomorrow = (datetime.now(UTC).date() + timedelta(days=2)).isoformat()
    response = mod_acme.client.put(
        _day_url(well["id"], tomorrow), json={"oil_bbl": 1}, headers=mod_acme.headers
    )
    assert response.status_code == 422
    assert problem_field(response) == "production_date"


def test_a_range_comes_back_in_date_order(mod_acme):
    well = create_well(mod_acme)
    for day in ("2024-02-10", "2024-02-03", "2024-02-07", "2024-03-01"):
        put = mod_acme.client.put(
            _day_url(well["id"], day), json={"oil_bbl": 1}, headers=mod_acme.headers
        )
        assert put.status_code == 201
    response = mod_acme.client.get(
        f"/api/v1/wells/{well['id']}/production?from=2024-02-01&to=2024-02-29",
        headers=mod_acme.headers,
    )
    body = response.json()
    assert [d["production_date"] for d in body["items"]] == [
        "2024-02-03",
        "2024-02-07",
        "2024-02-10",
    ]
    assert body["days"] == 3
    assert (body["from"], body["to"]) == ("2024-02-01", "2024-02-29")


def test_a_range_ending_before_it_starts_is_422(mod_acme):
    well = create_well(mod_acme)
    response = mod_acme.client.get(
        f"/api/v1/wells/{well['id']}/production?from=2024-02-10&to=2024-02-01",
        headers=mod_acme.headers,
    )
    assert response.status_code == 422
    assert problem_field(response) == "to"


def test_a_batch_of_5000_rows_is_accepted_and_resending_it_changes_nothing(mod_acme):
    # GIVEN 5,000 well-days over five wells
    wells = [create_well(mod_acme) for _ in range(5)]
    days = _days(date(2020, 1, 1), 1000)
    rows = [
        {"well_id": w["id"], "production_date": d, "oil_bbl": float(n), "hours_on": 24}
        for w in wells
        for n, d in enumerate(days)
    ]
    assert len(rows) == 5000
    # WHEN they are sent in one call, twice
    first = _batch(mod_acme, rows)
    second = _batch(mod_acme, rows)
    # THEN both are accepted and each well has its 1,000 days once, with the values sent
    assert first.status_code == 200, first.text
    assert first.json() == {"written": 5000}
    assert second.status_code == 200
    for well in wells:
        stored = _range(mod_acme, well["id"], days[0], days[-1])
        assert len(stored) == 1000
        assert [d["production_date"] for d in stored] == days
        assert stored[-1]["oil_bbl"] == 999.0


def test_a_batch_of_5001_rows_is_422(mod_acme):
    well = create_well(mod_acme)
    rows = [{"well_id": well["id"], "production_date": d} for d in _days(date(2010, 1, 1), 5001)]
    response = _batch(mod_acme, rows)
    assert response.status_code == 422
    assert problem_field(response) == "rows"
    assert _range(mod_acme, well["id"], "2010-01-01", "2019-12-31") == []


def test_an_empty_batch_is_422(mod_acme):
    response = _batch(mod_acme, [])
    assert response.status_code == 422
    assert problem_field(response) == "rows"


def test_a_batch_with_bad_rows_reports_each_and_writes_nothing(mod_acme):
    # GIVEN a batch with good rows and, at known places, bad ones
    well = create_well(mod_acme)
    future = (datetime.now(UTC).date() + timedelta(days=3)).isoformat()
    unknown = str(uuid.uuid4())
    rows = [
        {"well_id": well["id"], "production_date": "2024-04-01", "oil_bbl": 10},
        {"well_id": well["id"], "production_date": "2024-04-02", "oil_bbl": -5},
        {"well_id": well["id"], "production_date": "2024-04-03", "hours_on": 25},
        {"well_id": well["id"], "production_date": future, "oil_bbl": 1},
        {"well_id": unknown, "production_date": "2024-04-04", "oil_bbl": 1},
        {"well_id": well["id"], "production_date": "2024-04-01", "oil_bbl": 11},
        {"well_id": well["id"], "production_date": "2024-04-05", "oil_bbl": 12},
    ]
    # WHEN it is sent
    response = _batch(mod_acme, rows)
    # THEN 422 with one error per bad row, by index and field
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(e["index"], e["field"]) for e in errors] == [
        (1, "oil_bbl"),
        (2, "hours_on"),
        (3, "production_date"),
        (4, "well_id"),
        (5, "production_date"),
    ]
    # AND not even the good rows were written
    assert _range(mod_acme, well["id"], "2024-01-01", "2024-12-31") == []


def test_a_batch_row_of_the_wrong_type_names_the_row_and_field(mod_acme):
    well = create_well(mod_acme)
    rows = [
        {"well_id": well["id"], "production_date": "2024-04-01", "oil_bbl": 10},
        {"well_id": well["id"], "production_date": "2024-04-02", "oil_bbl": "lots"},
    ]
    response = _batch(mod_acme, rows)
    assert response.status_code == 422
    assert problem_field(response) == "rows.1.oil_bbl"
    assert _range(mod_acme, well["id"], "2024-01-01", "2024-12-31") == []


def test_a_range_body_is_byte_for_byte_what_the_response_model_writes(mod_acme, mod_platform):
    """PostgreSQL writes a range's items in JSON itself (whole floats with `.0`, times in
    UTC with `Z`, strings escaped as pydantic escapes them); values whose writing would
    differ (a float below 1e-4) send the range down the row-by-row path."""
    well = create_well(mod_acme)
    days = {
        "2024-04-01": {
            "oil_bbl": 80,
            "gas_mcf": 0.1,
            "water_bbl": 12345.678,
            "hours_on": 24,
            "bsw_pct": 0,
            "notes": 'a "quote", a \\ backslash, ünïcödé 😀 </script>',
        },
        "2024-04-02": {"oil_bbl": 1 / 3, "is_estimated": True},
        "2024-04-03": {"oil_bbl": 0.00001},  # PostgreSQL writes 1e-05, pydantic 0.00001
    }
    for day, values in days.items():
        put = mod_acme.client.put(_day_url(well["id"], day), json=values, headers=mod_acme.headers)
        assert put.status_code == 201, put.text
    tenant = mod_platform.resolver.resolve(mod_acme.slug)
    with mod_platform.tenant_databases.unit_of_work(tenant) as uow:
        written = uow.production.between_json(well["id"], date(2024, 4, 1), date(2024, 4, 2))
        fallback = uow.production.between_json(well["id"], date(2024, 4, 1), date(2024, 4, 3))
    assert written is not None and written.count == 2  # the database wrote these two
    assert fallback is None
    for end in ("2024-04-02", "2024-04-03"):
        response = mod_acme.client.get(
            f"/api/v1/wells/{well['id']}/production?from=2024-04-01&to={end}",
            headers=mod_acme.headers,
        )
        assert response.status_code == 200
        model = ProductionSeries.model_validate_json(response.content)
        assert response.content == model.model_dump_json(by_alias=True).encode()
        assert response.json()["items"][0]["oil_bbl"] == 80.0
