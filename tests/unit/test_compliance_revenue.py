"""Owner revenue: decimal interests checked to exactly 1, net revenue, distribution to the cent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from shared.core.compliance.errors import ComplianceInputError, InterestsTotalError
from shared.core.compliance.model.period import Period
from shared.core.compliance.model.revenue import (
    InterestLine,
    InterestType,
    Owner,
    Sale,
    check_interests,
    distribute,
    net_revenue,
)
from shared.core.compliance.model.rulebook import Product

D = Decimal
START = date(2025, 1, 1)


def line(owner, kind, interest, start=START, end=None, product=Product.OIL):
    return InterestLine(owner, kind, product, D(interest), start, end)


def division_order() -> list[InterestLine]:
    """3/16 royalty, 1/32 override, and the 25/32 working interest net of them held
    50/30/20: 0.390625, 0.234375, 0.15625. Sum: 0.1875 + 0.03125 + 0.78125 = 1 exactly."""
    return [
        line("R-ranch", InterestType.ROYALTY, "0.1875"),
        line("O-override", InterestType.OVERRIDING_ROYALTY, "0.03125"),
        line("W1-operator", InterestType.WORKING, "0.390625"),
        line("W2-partner", InterestType.WORKING, "0.234375"),
        line("W3-partner", InterestType.WORKING, "0.15625"),
    ]


def owners(**overrides: Owner) -> dict[str, Owner]:
    known = {
        owner_id: Owner(owner_id, owner_id, tax_id="12-3456789", address="PO Box 1, Midland TX")
        for owner_id in ("R-ranch", "O-override", "W1-operator", "W2-partner", "W3-partner")
    }
    return {**known, **overrides}


def sale() -> Sale:
    """1,234.56 bbl x $71.37 = $88,110.5472 -> $88,110.55 gross; less $4,053.09 severance
    tax and $617.28 trucking = $83,440.18 net."""
    return Sale(Product.OIL, D("1234.56"), D("71.37"), D("4053.09"), {"trucking": D("617.28")})


def test_net_revenue_in_cents():
    revenue = net_revenue(sale())
    assert (revenue.gross, revenue.taxes, revenue.deductions, revenue.net) == (
        D("88110.55"),
        D("4053.09"),
        D("617.28"),
        D("83440.18"),
    )


def test_distribution_to_the_cent_sums_to_the_net_exactly():
    """8,344,018 cents x each interest: 1,564,503.375 / 260,750.5625 / 3,259,382.03125 /
    1,955,629.21875 / 1,303,752.8125. Floors sum to 8,344,016; the 2 cents left go to the
    largest remainders, W3 (.8125) and O (.5625)."""
    result = distribute(sale(), division_order(), owners(), Period(2026, 2))
    amounts = {share.owner_id: share.amount for share in result.shares}
    assert amounts == {
        "R-ranch": D("15645.03"),
        "O-override": D("2607.51"),
        "W1-operator": D("32593.82"),
        "W2-partner": D("19556.29"),
        "W3-partner": D("13037.53"),
    }
    assert sum(amounts.values()) == result.revenue.net == D("83440.18")
    assert result.payable == result.revenue.net and result.suspense == 0


def test_equal_interests_break_ties_by_owner_id():
    lines = [line(f"owner-{n}", InterestType.WORKING, "0.25") for n in "dcba"]
    who = {f"owner-{n}": Owner(f"owner-{n}", n, "1", "x") for n in "abcd"}
    result = distribute(Sale(Product.OIL, D(1), D("0.02")), lines, who, Period(2026, 2))
    assert [(s.owner_id, s.amount) for s in result.shares] == [
        ("owner-a", D("0.01")),
        ("owner-b", D("0.01")),
        ("owner-c", D("0.00")),
        ("owner-d", D("0.00")),
    ]


def test_owners_missing_data_go_to_suspense():
    result = distribute(
        sale(),
        division_order(),
        owners(**{"W3-partner": Owner("W3-partner", "W3", tax_id=None, address="x")})
        | {"O-override": Owner("O-override", "O", "1", "x", hold_reason="title dispute")},
        Period(2026, 2),
    )
    suspended = {s.owner_id: s.suspense_reasons for s in result.shares if s.in_suspense}
    assert suspended == {"O-override": ("title dispute",), "W3-partner": ("missing tax id",)}
    assert result.suspense == D("2607.51") + D("13037.53")
    assert result.payable + result.suspense == result.revenue.net


def test_an_owner_without_a_record_is_in_suspense():
    who = owners()
    del who["R-ranch"]
    result = distribute(sale(), division_order(), who, Period(2026, 2))
    assert next(s for s in result.shares if s.owner_id == "R-ranch").suspense_reasons == (
        "no owner record",
    )


def test_interests_one_hundred_thousandth_short_are_refused():
    lines = division_order()
    lines[-1] = line("W3-partner", InterestType.WORKING, "0.15624")
    with pytest.raises(InterestsTotalError) as caught:
        check_interests(lines)
    assert caught.value.field == "interests[oil]"
    assert caught.value.numbers == {"total": D("0.99999"), "difference": D("-0.00001")}


def test_a_transfer_is_effective_dated():
    """W1 conveys half its interest to W4 from March 1: February pays W1 the whole 0.390625,
    March splits it 0.1953125 / 0.1953125."""
    lines = division_order()
    lines[2] = line("W1-operator", InterestType.WORKING, "0.390625", end=date(2026, 2, 28))
    lines += [
        line("W1-operator", InterestType.WORKING, "0.1953125", start=date(2026, 3, 1)),
        line("W4-buyer", InterestType.WORKING, "0.1953125", start=date(2026, 3, 1)),
    ]
    who = owners(**{"W4-buyer": Owner("W4-buyer", "W4", "1", "x")})
    february = distribute(sale(), lines, who, Period(2026, 2))
    march = distribute(sale(), lines, who, Period(2026, 3))
    assert {s.owner_id for s in february.shares} == set(owners())
    assert {s.owner_id: s.decimal_interest for s in march.shares}["W4-buyer"] == D("0.1953125")
    assert sum(s.amount for s in march.shares) == march.revenue.net


def test_a_gap_in_a_transfer_is_found_on_its_day():
    lines = division_order()
    lines[2] = line("W1-operator", InterestType.WORKING, "0.390625", end=date(2026, 2, 27))
    lines.append(line("W1-operator", InterestType.WORKING, "0.390625", start=date(2026, 3, 1)))
    with pytest.raises(InterestsTotalError) as caught:
        check_interests(lines)
    assert "2026-02-28" in caught.value.reason


def test_products_are_checked_separately():
    gas = [line("R-ranch", InterestType.ROYALTY, "0.2", product=Product.GAS)]
    with pytest.raises(InterestsTotalError) as caught:
        check_interests([*division_order(), *gas])
    assert caught.value.field == "interests[gas]"


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (line("", InterestType.ROYALTY, "0.1"), "interests[0].owner_id"),
        (line("x", InterestType.ROYALTY, "0"), "interests[0].decimal_interest"),
        (line("x", InterestType.ROYALTY, "1.5"), "interests[0].decimal_interest"),
        (line("x", InterestType.ROYALTY, "0.5", end=date(2024, 1, 1)), "interests[0].effective_to"),
    ],
)
def test_bad_interest_lines_name_the_field(bad, field):
    with pytest.raises(ComplianceInputError) as caught:
        check_interests([bad])
    assert caught.value.field == field


def test_deductions_above_the_gross_are_refused():
    with pytest.raises(ComplianceInputError) as caught:
        net_revenue(Sale(Product.OIL, D(10), D(5), D(10), {"gathering": D(45)}))
    assert caught.value.field == "deductions"
