"""Transforms and coercion of single values: each rule, and the reason when a value breaks it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from shared.core.etl.errors import RowRejectedError
from shared.core.etl.model.coerce import coercer_for
from shared.core.etl.model.config import EntityMapping
from shared.core.etl.model.fields import FIELDS, Entity
from shared.core.etl.model.transforms import compile_chain


def chain(field: str, *transforms: dict) -> list:
    mapping = EntityMapping.model_validate(
        {"source_table": "t", "key_columns": ["id"], "column_mapping": {field: "c"},
         "transforms": {field: list(transforms)}}
    )  # fmt: skip
    return compile_chain(field, mapping.transforms[field])


def apply(steps: list, value):
    for step in steps:
        value = step(value)
    return value


def test_map_translates_known_values_and_keeps_or_refuses_the_rest():
    # GIVEN the notes' status MAP, once keeping unknown values and once refusing them
    keep = chain("status", {"type": "MAP", "mapping": {"Active": "PRODUCING", "P&A": "PLUGGED"}})
    strict = chain(
        "status", {"type": "MAP", "mapping": {"Active": "PRODUCING"}, "otherwise": "reject"}
    )
    # WHEN values pass through THEN they translate, pass, or are rejected with the reason
    assert [apply(keep, v) for v in ("Active", "P&A", "Drilling", None)] == [
        "PRODUCING", "PLUGGED", "Drilling", None
    ]  # fmt: skip
    with pytest.raises(RowRejectedError, match="'Drilling' is not in the MAP of status"):
        apply(strict, "Drilling")


def test_a_map_value_with_quotes_is_just_a_value():
    steps = chain("name", {"type": "MAP", "mapping": {"x": "O'Brien\"; DROP TABLE wells;--"}})
    assert apply(steps, "x") == "O'Brien\"; DROP TABLE wells;--"


def test_case_and_trim_steps_chain_in_order():
    steps = chain("name", {"type": "TRIM"}, {"type": "UPPERCASE"})
    assert apply(steps, "  smith 1h ") == "SMITH 1H"
    assert apply(chain("name", {"type": "LOWERCASE"}), "ABC") == "abc"
    assert apply(steps, 42) == 42  # not text: untouched


@pytest.mark.parametrize(
    ("field", "unit", "value", "expected"),
    [
        ("oil_bbl", "m3", 1, 6.28981),
        ("gas_mcf", "m3", 1000, 35.3147),
        ("gas_mcf", "e3m3", Decimal("2.5"), 88.28675),
        ("water_bbl", "m3", "1,000.5", 1000.5 * 6.28981),
        ("tubing_pressure_psi", "kpa", 100, 14.5038),
    ],
)
def test_unit_conversions(field, unit, value, expected):
    to_unit = FIELDS[Entity.PRODUCTION][field].unit
    steps = chain(field, {"type": "UNIT", "from_unit": unit, "to_unit": to_unit})
    assert apply(steps, value) == pytest.approx(expected)


def test_a_decimal_comma_is_refused_not_misread():
    steps = chain("oil_bbl", {"type": "UNIT", "from_unit": "m3", "to_unit": "bbl"})
    with pytest.raises(RowRejectedError, match="'12,5' is not a number"):
        apply(steps, "12,5")


def test_dates_parse_by_the_configured_formats_in_order():
    steps = chain("production_date", {"type": "DATE", "formats": ["%m/%d/%Y", "%d.%m.%Y"]})
    assert apply(steps, "03/04/2024") == date(2024, 3, 4)
    assert apply(steps, "04.03.2024") == date(2024, 3, 4)
    assert apply(steps, datetime(2024, 3, 4, 7, 30)) == date(2024, 3, 4)
    assert apply(steps, "") is None
    with pytest.raises(RowRejectedError, match="'2024-03-04' matches none of the date formats"):
        apply(steps, "2024-03-04")


def test_default_fills_nulls_and_empty_text_only():
    steps = chain("well_type", {"type": "DEFAULT", "value": "GAS"})
    assert [apply(steps, v) for v in (None, "", "OIL")] == ["GAS", "GAS", "OIL"]


def test_coercion_enforces_each_fields_type_and_rules():
    production = FIELDS[Entity.PRODUCTION]
    wells = FIELDS[Entity.WELLS]
    hours = coercer_for(production["hours_on"])
    assert hours("12") == 12.0
    with pytest.raises(RowRejectedError, match="25 is above 24"):
        hours(25)
    api = coercer_for(production["well_api_number"])
    assert api("42-501-20130") == "42501201300000"
    with pytest.raises(RowRejectedError, match="state code 99"):
        api("99-501-20130")
    status = coercer_for(wells["status"])
    assert status("shut-in") == "SHUT_IN"
    with pytest.raises(RowRejectedError, match="translate it with a MAP"):
        status("Active")
    day = coercer_for(production["production_date"])
    with pytest.raises(RowRejectedError, match="add a DATE transform"):
        day("03/04/2024")
    flag = coercer_for(production["is_estimated"])
    assert [flag(v) for v in ("Y", "no", 1, None)] == [True, False, True, None]
    notes = coercer_for(production["notes"])
    with pytest.raises(RowRejectedError, match="longer than 2000"):
        notes("x" * 2001)


def test_a_date_column_parses_new_days_in_every_chunk_as_the_step_does():
    from shared.core.etl.errors import RowRejectedError
    from shared.core.etl.model.config import DateTransform
    from shared.core.etl.model.transforms import compile_column_transform, compile_transform

    rule = DateTransform(type="DATE", formats=["%m/%d/%Y"])
    column, one = compile_column_transform("day", rule), compile_transform("day", rule)
    first = ["03/01/2024", "03/02/2024", "03/01/2024"]
    second = ["03/02/2024", "03/03/2024", " 03/04/2024 ", ""]
    assert column(first) == [one(v) for v in first]
    assert column(second) == [one(v) for v in second]
    with pytest.raises(RowRejectedError):
        column(["03/05/2024", "2024-03-05"])
