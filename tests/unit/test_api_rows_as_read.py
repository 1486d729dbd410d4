"""Rows the server just read go to JSON as they are only when that writes the very bytes
the response model would."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pydantic_core
import pytest
from pydantic import TypeAdapter

from functions.api.schemas import scada as scada_schemas
from functions.api.schemas.common import PageOut, as_response_model, page_out, rows_fit
from functions.api.schemas.production import ProductionOut, ProductionSeries
from functions.api.schemas.scada import ReadingsOut, readings_answer_json
from functions.api.schemas.wells import WellOut, wells_page_json
from shared.core.common.pages import Page
from shared.core.wells.model.records import Well

WELL = str(uuid.uuid4())


class _Key(str):
    """A str subclass, as SQLAlchemy's quoted_name."""


def _day(n: int, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "well_id": WELL,
        "production_date": date(2025, 1, 1) + timedelta(days=n),
        "oil_bbl": [80.0, 1e300, 1.5e-07, -0.0, float("nan")][n % 5],
        "gas_mcf": 240.25,
        "water_bbl": None,
        "condensate_bbl": None,
        "hours_on": 24.0,
        "choke_64ths": None,
        "tubing_pressure_psi": float("inf") if n == 3 else None,
        "casing_pressure_psi": None,
        "line_pressure_psi": None,
        "temperature_f": None,
        "bsw_pct": None,
        "gor_scf_bbl": None,
        "is_estimated": n % 2 == 0,
        "notes": 'ünï "q" \n\t</script>' if n % 3 else None,
        "updated_at": datetime(
            2026, 1, 1, 1, 2, 3, n, tzinfo=UTC if n % 4 else timezone(-timedelta(hours=5))
        ),
        "updated_by": "admin@acme.test",
    }
    row.update(changes)
    return row


def _as_the_model_writes(rows: list[dict[str, Any]]) -> bytes:
    adapter = TypeAdapter(ProductionSeries)
    series = {"well_id": uuid.UUID(WELL), "from": date(2025, 1, 1), "to": date(2026, 1, 1)}
    model = adapter.validate_python({**series, "days": len(rows), "items": rows})
    return adapter.dump_json(model, by_alias=True)


def test_rows_as_read_write_the_bytes_of_the_response_model() -> None:
    rows = [_day(n) for n in range(40)]
    assert rows_fit(rows, ProductionOut)
    series = {"well_id": uuid.UUID(WELL), "from": date(2025, 1, 1), "to": date(2026, 1, 1)}
    body = pydantic_core.to_json({**series, "days": 40, "items": rows}, inf_nan_mode="null")
    assert body == _as_the_model_writes(rows)


def test_rows_that_validation_would_change_do_not_fit() -> None:
    assert not rows_fit([_day(0), _day(1, oil_bbl=80)], ProductionOut)  # int: 80 vs 80.0
    assert not rows_fit([_day(0, production_date=datetime(2025, 1, 1))], ProductionOut)
    assert not rows_fit([{**_day(0), "extra": 1}], ProductionOut)
    reordered = dict(reversed(list(_day(0).items())))
    assert not rows_fit([reordered], ProductionOut)
    assert not rows_fit([_day(0)], WellOut)  # computed fields: always validated
    keyed = {_Key(key): value for key, value in _day(0).items()}
    assert not rows_fit([keyed], ProductionOut)  # keys of a str subclass
    assert rows_fit([], ProductionOut)


def _well(n: int, **changes: Any) -> Well:
    at = datetime(2025, 1, 2, 3, 4, 5, 123456 * (n % 2), tzinfo=UTC)
    values: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "name": f'Well {n} "ü" \\ </script>',
        "api_number": "42501201300300" if n % 2 else None,
        "well_type": "OIL",
        "status": ["PRODUCING", "PLANNED", "SHUT_IN"][n % 3],
        "spud_date": date(2020, 1, 1) + timedelta(days=n),
        "surface_latitude": [31.5, 1e-05, float("nan"), -0.0][n % 4],
        "total_depth_ft": 10000.0,
        "is_horizontal": n % 2 == 0,
        "created_at": at,
        "updated_at": at,
    }
    return Well(**{**values, **changes})


def _page(wells: list[Well]) -> Page[Well]:
    return Page(items=wells, total=120, limit=len(wells), offset=50)


def test_a_wells_page_as_read_writes_the_bytes_of_the_response_model() -> None:
    page = _page([_well(n) for n in range(12)])
    model = as_response_model(PageOut[WellOut], page_out(page))  # what FastAPI writes
    assert wells_page_json(page) == model
    assert wells_page_json(_page([])) == as_response_model(PageOut[WellOut], page_out(_page([])))


def test_wells_that_validation_would_change_or_refuse_are_validated() -> None:
    assert wells_page_json(_page([_well(0), _well(1, total_depth_ft=8000)])) is None  # int
    assert wells_page_json(_page([_well(0, status="RETIRED")])) is None  # not a WellStatus
    assert wells_page_json(_page([_well(0, spud_date=datetime(2020, 1, 1))])) is None


INDIA = timezone(timedelta(hours=5, minutes=30))


def _bucket(n: int, **changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {  # the service's key order, not the model's
        "tag": ["TP", 'ü "q"\u2028</script>', "🛢️"][n % 3],
        "unit": None if n % 4 == 0 else "psi",
        "tag_id": n % 8,
        "bucket_start": datetime(
            2026, 1, 1, n % 24, tzinfo=UTC if n % 5 else timezone(timedelta(hours=5, minutes=30))
        ),
        "count": 12,
        "min": [1.0, -0.0, 1e300, float("nan"), None][n % 5],
        "max": [2.5, float("inf"), float("-inf"), 5e-324, None][n % 5],
        "avg": 1.5 if n % 3 else None,
        "last": 1.7,
    }
    item.update(changes)
    return item


def _readings(items: list[dict[str, Any]], bucket: str | None = "1h") -> dict[str, Any]:
    moment = datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=-6)))
    return {
        "well_id": WELL,
        "from": moment,
        "to": moment + timedelta(days=14),
        "bucket": bucket,
        "items": items,
        "limit": 1000,
        "offset": 0,
        "next_offset": None,
    }


def test_buckets_as_read_write_the_bytes_of_the_response_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    content = _readings([_bucket(n) for n in range(60)])
    validated: list[int] = []

    def counting(model: Any, answer: dict[str, Any]) -> bytes:
        validated.append(len(answer["items"]))
        return as_response_model(model, answer)

    monkeypatch.setattr(scada_schemas, "as_response_model", counting)
    body = readings_answer_json(content)
    assert validated == [0]  # the envelope only: no bucket went through validation
    assert body == as_response_model(ReadingsOut, content)
    assert b'"bucket":"1h","items":[{"tag":"TP","tag_id":0,"unit":null,' in body


def test_buckets_validation_would_change_go_through_it() -> None:
    for changed in ({"min": 1}, {"count": 12.0}, {"bucket_start": date(2026, 1, 1)}):
        content = _readings([_bucket(0), _bucket(1, **changed)])
        assert readings_answer_json(content) == as_response_model(ReadingsOut, content)
    assert readings_answer_json(_readings([], "1h")) == as_response_model(
        ReadingsOut, _readings([], "1h")
    )
