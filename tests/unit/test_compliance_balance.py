"""Month-end balance rules of a lease, and allocating lease production to wells."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from shared.core.compliance.errors import ComplianceInputError
from shared.core.compliance.model.allocation import (
    WellTest,
    allocate_by_daily_volumes,
    allocate_by_well_tests,
)
from shared.core.compliance.model.apportion import apportion
from shared.core.compliance.model.balance import (
    Disposition,
    DispositionKind,
    LeaseMonth,
    ProblemCode,
    check_month,
)
from shared.core.compliance.model.period import Period

D = Decimal


def february() -> LeaseMonth:
    """Opening 180 bbl + produced 1,240 - sold 1,150 (two haulers) - used 10 = closing 260."""
    return LeaseMonth(
        lease_id="08-41234",
        period=Period(2026, 2),
        opening_inventory=D(180),
        produced=D(1240),
        dispositions=(
            Disposition(DispositionKind.SOLD, D(700), "Plains Marketing"),
            Disposition(DispositionKind.SOLD, D(450), "Sunoco"),
            Disposition(DispositionKind.USED_ON_LEASE, D(10)),
        ),
        closing_inventory=D(260),
        producing_days=28,
        previous_closing=D(180),
    )


def codes(month: LeaseMonth) -> list[ProblemCode]:
    return [problem.code for problem in check_month(month)]


def test_a_balanced_month_has_no_problems():
    assert check_month(february()) == []


def test_closing_off_by_five_is_out_of_balance_with_the_numbers():
    problems = check_month(replace(february(), closing_inventory=D(255)))
    assert [p.code for p in problems] == [ProblemCode.OUT_OF_BALANCE]
    problem = problems[0]
    assert problem.field == "closing_inventory"
    assert problem.numbers == {
        "opening": D(180),
        "produced": D(1240),
        "disposed": D(1160),
        "closing": D(255),
        "expected_closing": D(260),
        "difference": D(-5),
    }


def test_dispositions_above_what_was_available():
    """Opening 180 + produced 1,240 = 1,420 available; 1,500 sold exceeds it by 80."""
    month = replace(
        february(),
        dispositions=(Disposition(DispositionKind.SOLD, D(1500), "Plains Marketing"),),
        closing_inventory=D(0),
    )
    problems = check_month(month)
    assert [p.code for p in problems] == [
        ProblemCode.OUT_OF_BALANCE,
        ProblemCode.DISPOSED_ABOVE_AVAILABLE,
    ]
    assert problems[1].numbers == {"disposed": D(1500), "available": D(1420), "excess": D(80)}


def test_opening_must_equal_last_months_closing():
    problems = check_month(replace(february(), previous_closing=D(175)))
    assert [p.code for p in problems] == [ProblemCode.OPENING_NOT_LAST_CLOSING]
    assert problems[0].field == "opening_inventory"
    assert problems[0].numbers == {"opening": D(180), "previous_closing": D(175)}


def test_a_sale_without_purchaser_names_the_disposition():
    month = february()
    dispositions = (
        month.dispositions[0],
        replace(month.dispositions[1], purchaser="  "),
        month.dispositions[2],
    )
    problems = check_month(replace(month, dispositions=dispositions))
    assert [(p.code, p.field) for p in problems] == [
        (ProblemCode.SALE_WITHOUT_PURCHASER, "dispositions[1].purchaser")
    ]


def test_producing_days_above_the_days_of_the_month():
    assert codes(replace(february(), producing_days=29)) == [ProblemCode.PRODUCING_DAYS_ABOVE_MONTH]
    leap = replace(february(), period=Period(2028, 2), producing_days=29)
    assert codes(leap) == []


def test_refiling_must_be_flagged_amended():
    assert codes(replace(february(), previously_filed=True)) == [ProblemCode.REFILING_NOT_AMENDED]
    assert codes(replace(february(), previously_filed=True, amended=True)) == []


def test_negative_volumes_are_reported_alone():
    problems = check_month(replace(february(), produced=D(-1)))
    assert [(p.code, p.field) for p in problems] == [(ProblemCode.NEGATIVE_VOLUME, "produced")]


def test_several_problems_are_all_listed():
    month = replace(
        february(), closing_inventory=D(250), producing_days=30, previous_closing=D(170)
    )
    assert codes(month) == [
        ProblemCode.OUT_OF_BALANCE,
        ProblemCode.OPENING_NOT_LAST_CLOSING,
        ProblemCode.PRODUCING_DAYS_ABOVE_MONTH,
    ]


# --- allocation


def test_allocation_by_well_tests_is_exact_to_the_barrel():
    """Tests: A 12 bbl/d x 28 d = 336, B 8 x 28 = 224, C 5 x 20 = 100 (660 theoretical).
    Lease sold 1,000 bbl: exact shares 509.09, 339.39, 151.52 -> floors 509, 339, 151 (999);
    the last barrel goes to the largest remainder, C (0.515), so 509 + 339 + 152 = 1,000."""
    tests = {
        "A": WellTest(D(12), D(28)),
        "B": WellTest(D(8), D(28)),
        "C": WellTest(D(5), D(20)),
    }
    assert allocate_by_well_tests(D(1000), tests) == {"A": D(509), "B": D(339), "C": D(152)}


def test_allocation_by_daily_volumes():
    """Daily gauges sum to 40, 35 and 25 bbl; 1,001 bbl lease: 400.4, 350.35, 250.25
    -> 400, 350, 250 and the spare barrel to A (0.4 is the largest remainder)."""
    daily = {"A": [D(20), D(20)], "B": [D(15), D(20)], "C": [D(10), D(15)]}
    allocated = allocate_by_daily_volumes(D(1001), daily)
    assert allocated == {"A": D(401), "B": D(350), "C": D(250)}
    assert sum(allocated.values()) == D(1001)


def test_ties_go_to_the_smaller_key_so_the_split_is_deterministic():
    weights = {"well-b": D(1), "well-a": D(1), "well-c": D(1)}
    assert apportion(D(2), weights) == {"well-a": D(1), "well-b": D(1), "well-c": D(0)}
    assert apportion(D(2), dict(reversed(list(weights.items())))) == apportion(D(2), weights)


def test_tenths_of_a_unit():
    assert apportion(D("10.0"), {"a": D(2), "b": D(1)}, D("0.1")) == {"a": D("6.7"), "b": D("3.3")}


@pytest.mark.parametrize(
    ("total", "weights", "field"),
    [
        (D(10), {"a": D(0), "b": D(0)}, "tests"),
        (D(10), {"a": D(-1), "b": D(2)}, "tests"),
        (D(-1), {"a": D(1)}, "total"),
        (D("10.5"), {"a": D(1)}, "total"),
        (D(10), {}, "tests"),
    ],
)
def test_unsplittable_inputs_name_the_field(total, weights, field):
    with pytest.raises(ComplianceInputError) as caught:
        apportion(total, weights, field="tests")
    assert caught.value.field == field


def test_a_negative_test_rate_names_the_well():
    with pytest.raises(ComplianceInputError) as caught:
        allocate_by_well_tests(D(10), {"A": WellTest(D(-1), D(5))})
    assert caught.value.field == "tests[A]"
