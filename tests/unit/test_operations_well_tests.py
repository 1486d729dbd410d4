"""Well tests and lease allocation: plausible tests, exact shares with a fixed remainder rule."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.core.common.errors import InputError
from shared.core.operations.model.well_tests import (
    Share,
    WellTest,
    allocate,
    allocate_lease,
    check_well_test,
    latest_tests,
)

T = datetime(2025, 4, 1, 6, 0, tzinfo=UTC)
D = Decimal


def _test(tid="t1", well="w1", start=T, hours=24, oil="120", gas="300", water="40"):
    return WellTest(tid, well, start, start + timedelta(hours=hours), D(oil), D(gas), D(water))


def test_a_plausible_test_passes_and_knows_its_hours():
    assert check_well_test(_test(hours=6)).hours == D("6.00")


@pytest.mark.parametrize(
    ("test", "field"),
    [
        (_test(hours=0), "end"),
        (_test(hours=-2), "end"),
        (_test(hours=24 * 8), "end"),
        (_test(oil="-1"), "oil_bbl_per_day"),
        (_test(oil="250000"), "oil_bbl_per_day"),
        (_test(gas="2000000"), "gas_mcf_per_day"),
        (_test(water="NaN"), "water_bbl_per_day"),
        (WellTest("t", "w", datetime(2025, 4, 1), datetime(2025, 4, 2), D(1), D(1), D(1)), "start"),
    ],
)
def test_an_implausible_test_names_the_field(test, field):
    with pytest.raises(InputError) as caught:
        check_well_test(test)
    assert caught.value.field == field


def test_allocation_by_rate_times_hours_with_the_remainder_to_the_largest_fractions():
    # GIVEN 1,000 bbl metered; weights 100×24 = 2400, 50×24 = 1200, 80×12 = 960 (total 4560)
    shares = [Share("w1", D(100), D(24)), Share("w2", D(50), D(24)), Share("w3", D(80), D(12))]
    # quotas: 526.315…, 263.157…, 210.526…; floors 526 + 263 + 210 = 999; one barrel left,
    # to the largest fraction (w3: .526 > w1: .315 > w2: .157)
    assert allocate(D(1000), shares) == {"w1": D(526), "w2": D(263), "w3": D(211)}


def test_a_tie_in_remainders_goes_to_the_smaller_well_id_whatever_the_order():
    shares = [Share("w-b", D(1), D(24)), Share("w-a", D(1), D(24)), Share("w-c", D(1), D(24))]
    # 100 / 3: 33 each, one left over, all remainders equal: to w-a
    assert allocate(D(100), shares) == {"w-a": D(34), "w-b": D(33), "w-c": D(33)}
    assert allocate(D(100), list(reversed(shares))) == allocate(D(100), shares)


def test_hundredths_allocate_to_the_hundredth():
    shares = [Share("w1", D("10.5"), D(24)), Share("w2", D("3.25"), D(20))]
    result = allocate(D("123.45"), shares, quantum=D("0.01"))
    # weights 252 and 65 (of 317); 12,345 hundredths: 9,813 + 219/317 and 2,531 + 98/317;
    # the one hundredth left goes to w1 (.691 > .309)
    assert result == {"w1": D("98.14"), "w2": D("25.31")}
    assert sum(result.values()) == D("123.45")


def test_allocation_refuses_what_cannot_be_shared():
    with pytest.raises(InputError) as caught:
        allocate(D(10), [Share("w1", D(0), D(24)), Share("w2", D(40), D(0))])
    assert caught.value.field == "shares"
    assert allocate(D(0), [Share("w1", D(0), D(24))]) == {"w1": D(0)}
    with pytest.raises(InputError) as caught:
        allocate(D("10.5"), [Share("w1", D(1), D(1))])
    assert caught.value.field == "total"
    with pytest.raises(InputError) as caught:
        allocate(D(10), [Share("w1", D(1), D(1)), Share("w1", D(2), D(1))])
    assert caught.value.field == "shares.1.well_id"
    with pytest.raises(InputError) as caught:
        allocate(D(10), [Share("w1", D(1), D(800))])
    assert caught.value.field == "shares.0.hours"


_share_lists = st.lists(
    st.tuples(st.integers(0, 10_000), st.integers(0, 2400)),  # rate in hundredths, hours in 1/100
    min_size=1,
    max_size=12,
).filter(lambda rows: any(r * h for r, h in rows))


@given(rows=_share_lists, total=st.integers(0, 10**7), seed=st.integers(0, 99))
def test_shares_add_up_exactly_stay_within_a_unit_of_their_quota_and_ignore_order(
    rows, total, seed
):
    shares = [Share(f"w{i:02d}", D(r) / 100, D(h) / 100) for i, (r, h) in enumerate(rows)]
    result = allocate(D(total), shares)
    assert sum(result.values()) == total
    whole = sum(Fraction(s.rate) * Fraction(s.hours) for s in shares)
    for share in shares:
        quota = total * Fraction(share.rate) * Fraction(share.hours) / whole
        assert quota - 1 < result[share.well_id] < quota + 1
    shuffled = shares[:]
    random.Random(seed).shuffle(shuffled)
    assert allocate(D(total), shuffled) == result


@given(rows=_share_lists, total=st.integers(0, 10**6))
def test_a_larger_claim_never_gets_less(rows, total):
    shares = [Share(f"w{i:02d}", D(r), D(h) / 100) for i, (r, h) in enumerate(rows)]
    result = allocate(D(total), shares)
    for a in shares:
        for b in shares:
            if a.rate * a.hours > b.rate * b.hours:
                assert result[a.well_id] >= result[b.well_id]


def test_the_latest_test_finished_by_the_day_is_used_per_product():
    tests = [
        _test("old", "w1", T - timedelta(days=30), oil="200"),
        _test("new", "w1", T, oil="100", water="0"),
        _test("future", "w1", T + timedelta(days=5), oil="999"),
        _test("w2", "w2", T, oil="50", gas="600", water="40"),
    ]
    latest = latest_tests(tests, as_of=T + timedelta(days=2))
    assert {w: t.test_id for w, t in latest.items()} == {"w1": "new", "w2": "w2"}
    allocated = allocate_lease(
        {"oil_bbl_per_day": D(140), "gas_mcf_per_day": D(900), "water_bbl_per_day": D(30)},
        latest,
        {"w1": D(24), "w2": D(12)},
    )
    # oil 100×24 : 50×12 = 4:1 → 112 / 28; gas 300×24 : 600×12 = 1:1; water all to w2
    assert allocated == {
        "oil_bbl_per_day": {"w1": D(112), "w2": D(28)},
        "gas_mcf_per_day": {"w1": D(450), "w2": D(450)},
        "water_bbl_per_day": {"w1": D(0), "w2": D(30)},
    }
    with pytest.raises(InputError) as caught:
        allocate_lease({"oil_bbl_per_day": D(1)}, latest, {"w1": D(24), "w9": D(24)})
    assert caught.value.field == "tests"
