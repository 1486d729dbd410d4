"""Gauges, strapping tables and the gross observed volume of a haul."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shared.core.compliance.errors import (
    ComplianceInputError,
    GaugeOrderError,
    OutOfRangeError,
    StrappingTableError,
)
from shared.core.compliance.model.strapping import (
    Gauge,
    StrappingRow,
    StrappingTable,
    hauled_volume,
)

# A 210-bbl tank strapped every foot (1.6698 bbl per inch, a 10 ft by 12 ft tank's
# nominal), with a slightly narrower first foot as real straps have for the bottom.
ROWS = [
    (0, "0.00"),
    (12, "19.50"),
    (24, "39.54"),
    (36, "59.58"),
    (48, "79.62"),
    (60, "99.66"),
    (72, "119.70"),
    (84, "139.74"),
    (96, "159.78"),
    (108, "179.82"),
    (120, "199.86"),
    (126, "209.88"),
]


def table() -> StrappingTable:
    return StrappingTable([StrappingRow(Decimal(h), Decimal(v)) for h, v in ROWS])


@pytest.mark.parametrize(
    ("text", "inches"),
    [
        ("5' 3 1/4\"", "63.25"),
        ("5'3\"", "63"),
        ("5-3-1", "63.25"),
        ("5-3-2", "63.5"),
        ("5 ft 3 in", "63"),
        ("10' 0 3/4\"", "120.75"),
        ("0' 0\"", "0"),
    ],
)
def test_gauges_in_feet_inches_and_quarters(text, inches):
    assert Gauge.parse(text).total_inches == Decimal(inches)


@pytest.mark.parametrize("text", ["5' 12\"", "5-3-4", "five feet", "5' 3 1/3\"", "", "-1' 2\""])
def test_a_malformed_gauge_names_the_field(text):
    with pytest.raises(ComplianceInputError) as caught:
        Gauge.parse(text, "opening_gauge")
    assert caught.value.field == "opening_gauge"


def test_volume_is_interpolated_between_rows():
    """5' 3 1/4" = 63.25 in lies between 60 in (99.66 bbl) and 72 in (119.70 bbl):
    99.66 + (3.25/12) x (119.70 - 99.66) = 99.66 + 5.4275 = 105.0875 -> 105.09 bbl."""
    assert table().volume(Gauge(5, 3, 1)) == Decimal("105.09")


def test_volume_on_a_row_is_the_rows_volume():
    assert table().volume(Gauge(8)) == Decimal("159.78")
    assert table().volume(Gauge(0)) == Decimal("0.00")
    assert table().volume(Gauge(10, 6)) == Decimal("209.88")


def test_a_haul_is_opening_minus_closing():
    """Opening 9' 2 1/2" (110.5 in): 179.82 + (2.5/12) x 20.04 = 183.995 -> 184.00 bbl;
    closing 1' 4" (16 in): 19.50 + (4/12) x 20.04 = 26.18 bbl; hauled 157.82 bbl."""
    assert hauled_volume(table(), Gauge.parse("9' 2 1/2\""), Gauge.parse("1' 4\"")) == Decimal(
        "157.82"
    )


@pytest.mark.parametrize("closing", ["9' 2 1/2\"", "9' 3\""])
def test_closing_not_below_opening_names_the_closing_gauge(closing):
    with pytest.raises(GaugeOrderError) as caught:
        hauled_volume(table(), Gauge.parse("9' 2 1/2\""), Gauge.parse(closing))
    assert caught.value.field == "closing_gauge"
    assert caught.value.numbers["opening_inches"] == Decimal("110.5")


def test_a_gauge_above_the_table_names_which_gauge():
    with pytest.raises(OutOfRangeError) as caught:
        hauled_volume(table(), Gauge(11), Gauge(2))
    assert caught.value.field == "opening_gauge"


@pytest.mark.parametrize(
    ("rows", "field"),
    [
        ([(0, "0"), (12, "20"), (12, "40")], "strapping[2].height_inches"),
        ([(0, "0"), (12, "20"), (24, "20")], "strapping[2].volume_bbl"),
        ([(0, "0"), (12, "20"), (24, "10")], "strapping[2].volume_bbl"),
        ([(0, "0")], "strapping"),
        ([(0, "0"), (-12, "20")], "strapping[1]"),
    ],
)
def test_a_table_that_is_not_strictly_increasing_is_refused(rows, field):
    with pytest.raises(StrappingTableError) as caught:
        StrappingTable([StrappingRow(Decimal(h), Decimal(v)) for h, v in rows])
    assert caught.value.field == field
