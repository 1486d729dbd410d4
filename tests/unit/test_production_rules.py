"""Daily production rules name the field that breaks them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shared.core.common.errors import InputError
from shared.core.wells.model.production import NON_NEGATIVE_FIELDS, boe, validate_production_day

TODAY = date(2025, 6, 15)
GOOD = {
    "oil_bbl": 120.5,
    "gas_mcf": 300.0,
    "water_bbl": 40.0,
    "hours_on": 24,
    "bsw_pct": 25.0,
    "temperature_f": -20.0,
}


def test_a_complete_valid_day_passes():
    validate_production_day(TODAY, GOOD, TODAY)
    validate_production_day(TODAY - timedelta(days=3650), {}, TODAY)


@pytest.mark.parametrize("name", NON_NEGATIVE_FIELDS)
def test_negative_values_are_rejected_naming_the_field(name):
    # GIVEN a day with one negative quantity
    values = {**GOOD, name: -0.01}
    # WHEN validated THEN the error names that field
    with pytest.raises(InputError) as caught:
        validate_production_day(TODAY, values, TODAY)
    assert caught.value.field == name
    assert "negative" in caught.value.reason


@pytest.mark.parametrize("hours", [-1, 24.01, 25])
def test_hours_on_outside_0_to_24_is_rejected(hours):
    with pytest.raises(InputError) as caught:
        validate_production_day(TODAY, {**GOOD, "hours_on": hours}, TODAY)
    assert caught.value.field == "hours_on"


@pytest.mark.parametrize("hours", [0, 0.5, 24])
def test_hours_on_bounds_are_inclusive(hours):
    validate_production_day(TODAY, {**GOOD, "hours_on": hours}, TODAY)


@pytest.mark.parametrize("bsw", [-0.1, 100.1, 250])
def test_bsw_outside_0_to_100_is_rejected(bsw):
    with pytest.raises(InputError) as caught:
        validate_production_day(TODAY, {**GOOD, "bsw_pct": bsw}, TODAY)
    assert caught.value.field == "bsw_pct"


@pytest.mark.parametrize("bsw", [0, 100])
def test_bsw_bounds_are_inclusive(bsw):
    validate_production_day(TODAY, {**GOOD, "bsw_pct": bsw}, TODAY)


def test_a_future_date_is_rejected_naming_production_date():
    with pytest.raises(InputError) as caught:
        validate_production_day(TODAY + timedelta(days=1), GOOD, TODAY)
    assert caught.value.field == "production_date"


def test_missing_values_are_allowed():
    empty = {name: None for name in (*NON_NEGATIVE_FIELDS, "hours_on", "bsw_pct")}
    validate_production_day(TODAY, empty, TODAY)


def test_boe_counts_six_mcf_as_one_barrel():
    assert boe(10.0, 60.0) == 20.0
    assert boe(None, None) == 0.0
