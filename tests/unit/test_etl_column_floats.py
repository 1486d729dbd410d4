"""Whole-column conversions of the ETL's fast path give what the value-by-value path gives."""

from __future__ import annotations

import math
import random
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from shared.adapters.sql.etl.load import index_order
from shared.core.etl.model.transforms import plain_floats


def _same(left: list[float], right: list[float]) -> bool:
    pairs = zip(left, right, strict=True)
    return all(a == b and math.copysign(1, a) == math.copysign(1, b) for a, b in pairs)


@pytest.mark.parametrize("distinct", [1, 7, 40, 5000], ids=["one", "seven", "forty", "many"])
def test_decimal_columns_convert_as_float_of_each_value(distinct: int) -> None:
    # GIVEN Decimal columns from one repeated value to nearly all distinct, and ints
    rng = random.Random(distinct)
    pool = [Decimal(rng.randrange(-(10**6), 10**6)).scaleb(-3) for _ in range(distinct)]
    values = [rng.choice(pool) for _ in range(5000)] + [24, Decimal("24.00"), Decimal("1E+2")]
    # WHEN converted a column at a time
    converted = plain_floats(values)
    # THEN each value is float(value), exactly
    assert converted is not None and _same(converted, [float(v) for v in values])


def test_columns_with_other_values_are_left_to_the_value_path() -> None:
    assert plain_floats([Decimal("1.5")] * 300 + ["2"]) is None
    assert plain_floats([Decimal("1.5")] * 300 + [True]) is None


def test_index_order_is_the_stable_sort_of_the_well_day_pairs() -> None:
    # GIVEN a chunk's wells and days in source order (cursor order, not index order)
    rng = random.Random(7)
    wells = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(30)]
    days = [date(2024, 1, 1) + timedelta(days=n) for n in range(50)]
    pairs = [(rng.choice(wells), rng.choice(days)) for _ in range(3000)]
    well_ids, dates = [w for w, _ in pairs], [d for _, d in pairs]
    # WHEN ordered for the write
    order = index_order(well_ids, dates)
    # THEN it is exactly what sorting the pairs gives (ties keep their source order)
    assert order == sorted(range(len(pairs)), key=pairs.__getitem__)
