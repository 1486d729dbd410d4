"""API well numbers: accepted forms are normalized to 14 digits, bad ones name the field."""

from __future__ import annotations

import pytest

from shared.core.common.errors import InputError
from shared.core.wells.model.api_number import format_api_number, normalize_api_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("4250120130", "42501201300000"),
        ("425012013003", "42501201300300"),
        ("42501201300301", "42501201300301"),
        ("42-501-20130", "42501201300000"),
        ("42-501-20130-03", "42501201300300"),
        ("42-501-20130-03-01", "42501201300301"),
        (" 42 501 20130 03 01 ", "42501201300301"),
        ("42.501.20130", "42501201300000"),
        ("05-123-45678", "05123456780000"),
        ("50-001-00001", "50001000010000"),
        ("60-817-40001", "60817400010000"),
    ],
)
def test_accepted_forms_normalize_to_fourteen_digits(raw, expected):
    # GIVEN an API number as an operator writes it
    # WHEN it is normalized
    # THEN it is the 14-digit form, sidetrack and event padded with zeros
    assert normalize_api_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason_part"),
    [
        ("425012013", "10, 12 or 14 digits"),
        ("42501201300", "10, 12 or 14 digits"),
        ("4250120130030", "10, 12 or 14 digits"),
        ("425012013003001", "10, 12 or 14 digits"),
        ("42-501-2013A", "only digits"),
        ("API 4250120130", "only digits"),
        ("", "only digits"),
        ("   ", "only digits"),
        ("00-501-20130", "state code 00"),
        ("51-501-20130", "state code 51"),
        ("99-501-20130", "state code 99"),
        ("42-000-20130", "county code 000"),
        ("42-501-00000", "unique well code"),
    ],
)
def test_invalid_numbers_are_rejected_naming_the_field(raw, reason_part):
    # GIVEN a malformed API number
    # WHEN it is normalized for the field `api_number`
    with pytest.raises(InputError) as caught:
        normalize_api_number(raw)
    # THEN the error names the field and says what is wrong
    assert caught.value.field == "api_number"
    assert reason_part in caught.value.reason


def test_the_error_names_the_field_the_caller_gives():
    with pytest.raises(InputError) as caught:
        normalize_api_number("1", field="rows.3.api_number")
    assert caught.value.field == "rows.3.api_number"


def test_dashed_and_undashed_forms_of_one_well_are_equal():
    # GIVEN the same well written three ways
    forms = ["42-501-20130", "4250120130", "42501201300000"]
    # WHEN normalized
    # THEN they are one number, displayed with dashes
    assert {normalize_api_number(form) for form in forms} == {"42501201300000"}
    assert format_api_number("42501201300301") == "42-501-20130-03-01"
