"""The plausibility limits, the text and JSON checks and the body depth scan, without I/O."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from functions.api.json_depth import json_depth_exceeds
from shared.core.common import limits
from shared.core.common.errors import InputError
from shared.core.etl.errors import RowRejectedError
from shared.core.etl.model.config import EtlConfigInput
from shared.core.etl.model.fields import Entity
from shared.core.etl.model.mapping import RowMapper
from shared.core.etl.services.checks import check_settings

TODAY = date(2025, 6, 15)
NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("value", [1e308, -1e308, math.inf, math.nan, 10**400, 100_000.01, True])
def test_a_daily_oil_volume_beyond_its_limit_or_not_a_finite_number_is_refused(value):
    assert limits.OIL_BBL_PER_DAY.problem(value) is not None


@pytest.mark.parametrize("value", [0, 0.5, 12.5, 100_000])
def test_a_daily_oil_volume_inside_its_limit_passes(value):
    assert limits.OIL_BBL_PER_DAY.problem(value) is None


def test_a_negative_quantity_says_so():
    assert limits.PRESSURE_PSI.problem(-1) == "must not be negative"
    assert limits.TEMPERATURE_F.problem(-40) is None


@pytest.mark.parametrize(
    "text",
    ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "1899-12-31T23:59:59+00:00"],
)
def test_times_past_the_calendar_are_refused_without_overflowing(text):
    moment = datetime.fromisoformat(text)
    assert limits.moment_problem(moment, None) is not None
    assert limits.moment_problem(moment, NOW) is not None


def test_a_device_clock_years_ahead_is_taken_as_reported_but_not_a_day_ahead_of_now():
    ahead = datetime(2031, 1, 1, tzinfo=UTC)
    assert limits.moment_problem(ahead, None) is None
    assert limits.moment_problem(ahead, NOW) is not None


def test_dates_of_what_happened_run_from_1900_to_tomorrow_and_contracts_to_2200():
    assert limits.HAPPENED.problem(date(2025, 6, 16), TODAY) is None
    assert limits.HAPPENED.problem(date(2025, 6, 17), TODAY) is not None
    assert limits.HAPPENED.problem(date(1899, 12, 31), TODAY) is not None
    assert limits.WELL_HISTORY.problem(date(1861, 3, 1), TODAY) is None
    assert limits.CONTRACT.problem(date(2060, 1, 1), TODAY) is None
    assert limits.CONTRACT.problem(date(9999, 12, 31), TODAY) is not None


@pytest.mark.parametrize(
    "char",
    ["\x00", "\x07", "\t", "\n", "\x1b", "\x7f", "\x85", "\u061c", "\u200e", "\u200f"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\ud800"],
)
def test_one_line_text_refuses_control_bidi_and_surrogate_characters(char):
    problem = limits.SINGLE_LINE.problem(f"Well{char}7")
    assert problem is not None and f"U+{ord(char):04X} at 4" in problem


def test_multiline_text_keeps_tabs_and_line_breaks_but_not_other_controls():
    assert limits.MULTILINE.problem("line 1\r\n\tline 2") is None
    assert limits.MULTILINE.problem("paid \u202e0001") is not None
    assert limits.MULTILINE.problem("bell \x07") is not None
    assert limits.SINGLE_LINE.problem("Müller – 日本 “A-1” ½") is None


@pytest.mark.parametrize(
    "email", ["a\u202e@acme.test", "a@acme.te\u200est", "a\x00@acme.test", "no-at.acme.test"]
)
def test_e_mail_addresses_with_hidden_characters_are_refused(email):
    assert limits.email_problem(email) is not None


def test_free_form_json_is_walked_without_recursion_and_names_the_path():
    deep: object = 1
    for _ in range(100_000):
        deep = {"a": deep}
    found = limits.json_problem({"ok": [1, "two"], "deep": deep})
    assert found is not None and found[0].startswith("deep.a.a")
    assert limits.json_problem({"n": 10**400}) == ("n", f"must be within ±{2**53 - 1}")
    assert limits.json_problem({"x": [1.0, math.nan]}) == ("x.1", "must be a finite number")
    assert limits.json_problem({"k\u202e": 1}) is not None
    assert limits.json_problem({"fine": {"list": [1, 2.5, "t\nu", None, True]}}) is None


def test_check_values_names_the_first_field_out_of_its_rule():
    rules = {"oil_bbl": limits.OIL_BBL_PER_DAY, "notes": limits.MULTILINE}
    limits.check_values({"oil_bbl": None, "notes": "ok"}, rules, TODAY)
    with pytest.raises(InputError) as caught:
        limits.check_values({"oil_bbl": 1e308}, rules, TODAY)
    assert caught.value.field == "oil_bbl"


def test_the_body_depth_scan_counts_arrays_and_objects_but_not_strings():
    assert json_depth_exceeds(b"[" * 100_000 + b"]" * 100_000, 32)
    assert json_depth_exceeds(b"{" * 100_000, 32)  # never closed: still too deep
    assert not json_depth_exceeds(b"[" * 32 + b"]" * 32, 32)
    assert json_depth_exceeds(b"[" * 33 + b"]" * 33, 32)
    text = b'{"name": "' + b"[" * 100 + b'\\"' + b"{" * 100 + b'", "list": [[1], [2]]}'
    assert not json_depth_exceeds(text, 32)
    wide = b"[" + b",".join([b'{"a": [1, {"b": 2}]}'] * 10_000) + b"]"
    assert not json_depth_exceeds(wide, 32)


def _production_row_mapper() -> RowMapper:
    mapping = {
        "well_api_number": "API",
        "production_date": "Day",
        "oil_bbl": "Oil",
        "notes": "Notes",
    }
    return RowMapper(
        Entity.PRODUCTION,
        ["Key", "API", "Day", "Oil", "Notes"],
        mapping,
        {},
        lambda row: (row[0],),
        {"42501201300000": "well-1"},
        TODAY,
    )


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ((1, "42-501-20130", "2025-01-01", 10**400, None), "oil_bbl"),
        ((2, "42-501-20130", "2025-01-01", Decimal("1e400"), None), "oil_bbl"),
        ((3, "42-501-20130", "2025-01-01", "1e308", None), "oil_bbl"),
        ((4, "42-501-20130", date(1, 1, 1), 1, None), "production_date"),
        ((5, "42-501-20130", "2025-01-01", 1, "ok \u202e ko"), "notes"),
    ],
)
def test_an_etl_or_import_row_beyond_a_limit_is_rejected_not_raised(row, field):
    with pytest.raises(RowRejectedError) as caught:
        _production_row_mapper().map_row(row)
    assert caught.value.field == field


def _etl(**transforms: object) -> EtlConfigInput:
    return EtlConfigInput.model_validate(
        {
            "source_kind": "mysql",
            "entities": {
                "production": {
                    "source_table": "Production",
                    "key_columns": ["Id"],
                    "column_mapping": {
                        "well_api_number": "API", "production_date": "Day", "oil_bbl": "Oil",
                    },
                    "transforms": transforms,
                }
            },
        }
    )  # fmt: skip


def test_an_etl_default_or_map_value_beyond_the_fields_limit_is_refused_at_save_time():
    with pytest.raises(InputError) as caught:
        check_settings(_etl(oil_bbl={"type": "DEFAULT", "value": 1e308}))
    assert caught.value.field == "entities.production.transforms.oil_bbl.0.value"
    with pytest.raises(InputError) as caught:
        check_settings(_etl(oil_bbl={"type": "MAP", "mapping": {"n/a": -5}}))
    assert caught.value.field == "entities.production.transforms.oil_bbl.0.mapping.n/a"
    check_settings(_etl(oil_bbl={"type": "DEFAULT", "value": 0}))


def test_an_etl_value_beyond_any_json_reader_is_a_shape_error():
    with pytest.raises(ValidationError):
        _etl(oil_bbl={"type": "DEFAULT", "value": 10**400})
    with pytest.raises(ValidationError):
        _etl(oil_bbl={"type": "DEFAULT", "value": math.inf})
