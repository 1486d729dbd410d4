"""Severance and production taxes of TX, NM and OK, and filing deadlines, from the rule data.

Each expected amount is computed by hand in the docstring from the rate its source states
(the sources are in shared/core/compliance/model/rules/severance.json and deadlines.json).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from shared.core.compliance.errors import ComplianceInputError, NoRuleError
from shared.core.compliance.model.deadlines import due_date
from shared.core.compliance.model.period import Period
from shared.core.compliance.model.rulebook import Product
from shared.core.compliance.model.taxes import TaxRequest, compute_severance

D = Decimal


def tax(state, product, volume, price, period, **extra):
    return compute_severance(
        TaxRequest(state, product, D(volume), D(price), Period.parse(period), **extra)
    )


def amounts(result) -> dict[str, Decimal]:
    return {line.rule_id: line.amount for line in result.lines}


def test_texas_oil():
    """Texas Comptroller: 4.6 % of market value, cleanup fee 5/8 cent per barrel.
    1,000 bbl x $75 = $75,000; tax 0.046 x 75,000 = $3,450.00; fee 1,000 x 0.00625 = $6.25;
    due the 25th of the month after production."""
    result = tax("TX", Product.OIL, "1000", "75", "2026-10")
    assert amounts(result) == {
        "tx_oil_production_tax": D("3450.00"),
        "tx_oil_cleanup_fee": D("6.25"),
    }
    assert (result.tax, result.fees, result.total, result.rate) == (
        D("3450.00"),
        D("6.25"),
        D("3456.25"),
        D("0.046"),
    )
    assert result.due_date.due == date(2026, 11, 25)


def test_texas_oil_due_date_is_the_comptrollers_example():
    """The Comptroller's page: 'April 25 for March production'."""
    assert tax("TX", Product.OIL, "1", "1", "2026-03").due_date.due == date(2026, 4, 25)


def test_texas_gas():
    """7.5 % of market value and $0.000667 per Mcf (34 TAC §3.732(c)).
    10,000 Mcf x $3.10 = $31,000; tax $2,325.00; fee 10,000 x 0.000667 = $6.67;
    due the 20th of the second month ('April 20 for February activity')."""
    result = tax("TX", Product.GAS, "10000", "3.10", "2026-02")
    assert amounts(result) == {
        "tx_gas_production_tax": D("2325.00"),
        "tx_gas_cleanup_fee": D("6.67"),
    }
    assert result.due_date.due == date(2026, 4, 20)


def test_texas_condensate_is_taxed_with_gas():
    """4.6 % of the condensate's value, reported with gas: 500 bbl x $70 = $35,000 -> $1,610.00."""
    result = tax("TX", Product.CONDENSATE, "500", "70", "2026-02")
    assert amounts(result) == {"tx_condensate_production_tax": D("1610.00")}
    assert result.due_date.due == date(2026, 4, 20)


def test_texas_2014_still_had_the_regulatory_tax():
    """September 2001 to August 2015: also 3/16 cent per barrel. 1,000 bbl: $1.875 -> $1.88,
    fees 6.25 + 1.88 = $8.13."""
    result = tax("TX", Product.OIL, "1000", "95", "2014-09")
    assert amounts(result)["tx_oil_regulatory_tax"] == D("1.88")
    assert result.fees == D("8.13")
    assert "tx_oil_regulatory_tax" not in amounts(tax("TX", Product.OIL, "1000", "95", "2015-09"))


def test_texas_enhanced_recovery_halves_the_tax_but_not_the_fee():
    """Certified EOR: 2.3 % -> 0.023 x 75,000 = $1,725.00; the fee is unaffected (Nat. Res.
    Code §81.116(d))."""
    result = tax(
        "TX", Product.OIL, "1000", "75", "2026-10", flags=frozenset({"enhanced_oil_recovery"})
    )
    assert amounts(result) == {
        "tx_oil_production_tax": D("1725.00"),
        "tx_oil_cleanup_fee": D("6.25"),
    }
    assert result.lines[0].condition is not None


def test_oklahoma_first_36_months_rate():
    """68 O.S. §1001(B)(3): 5 % for 36 months from the month of first production.
    25,000 Mcf x $2.40 = $60,000: gross production tax $3,000.00; the petroleum excise tax
    after its June 2026 sunset is 0.085 %: $51.00; due the 25th of the second month."""
    result = tax("OK", Product.GAS, "25000", "2.40", "2026-10", first_production=Period(2025, 3))
    assert amounts(result) == {
        "ok_gross_production_tax": D("3000.00"),
        "ok_petroleum_excise_tax_after_sunset": D("51.00"),
    }
    assert result.due_date.due == date(2026, 12, 25)


@pytest.mark.parametrize(
    ("first", "rate"),
    [(Period(2023, 11), D("0.05")), (Period(2023, 10), D("0.07")), (Period(2026, 10), D("0.05"))],
)
def test_oklahoma_the_37th_month_pays_the_full_rate(first, rate):
    """First production 2023-11: October 2026 is month 36 (reduced); from 2023-10 it is month 37."""
    result = tax("OK", Product.OIL, "100", "70", "2026-10", first_production=first)
    assert result.lines[0].rate == rate


def test_oklahoma_without_first_production_is_taxed_in_full_with_a_note():
    result = tax("OK", Product.OIL, "100", "70", "2026-05")
    assert result.lines[0].rate == D("0.07")
    assert amounts(result)["ok_petroleum_excise_tax"] == D("6.65")  # 7,000 x 0.00095
    assert any("first production" in note for note in result.notes)


def test_new_mexico_oil():
    """800 bbl x $71.20 = $56,960: severance 3.75 % = $2,136.00; emergency school 3.15 % =
    $1,794.24; conservation 0.24 % (WTI last quarter $72.15 > $70) = $136.704 -> $136.70.
    Total $4,066.94, due the 25th of the second month."""
    result = tax(
        "NM",
        Product.OIL,
        "800",
        "71.20",
        "2026-10",
        reference_prices={"wti_previous_quarter_average": D("72.15")},
    )
    assert amounts(result) == {
        "nm_severance_tax": D("2136.00"),
        "nm_emergency_school_tax_oil": D("1794.24"),
        "nm_conservation_tax": D("136.70"),
    }
    assert result.total == D("4066.94")
    assert result.rate == D("0.0714")
    assert result.due_date.due == date(2026, 12, 25)


def test_new_mexico_conservation_tax_base_rate_below_70_dollars():
    """WTI at $65: 0.19 % of $56,960 = $108.224 -> $108.22."""
    result = tax(
        "NM",
        Product.OIL,
        "800",
        "71.20",
        "2026-10",
        reference_prices={"wti_previous_quarter_average": D("65")},
    )
    assert amounts(result)["nm_conservation_tax"] == D("108.22")


def test_new_mexico_oil_needs_the_wti_reference_naming_it():
    with pytest.raises(ComplianceInputError) as caught:
        tax("NM", Product.OIL, "800", "71.20", "2026-10")
    assert caught.value.field == "reference_prices.wti_previous_quarter_average"


@pytest.mark.parametrize(
    ("average", "rate"),
    [(D("14.00"), D("0.0158")), (D("16.50"), D("0.0236")), (D("20"), D("0.0315"))],
)
def test_new_mexico_stripper_school_tax_follows_the_average_taxable_value(average, rate):
    """§7-31-4(A)(4),(5): stripper property 1.58 % at <= $15, 2.36 % above $15 up to $18."""
    result = tax(
        "NM",
        Product.OIL,
        "100",
        "60",
        "2026-10",
        flags=frozenset({"stripper_well_property"}),
        reference_prices={
            "wti_previous_quarter_average": D(60),
            "nm_oil_average_annual_taxable_value": average,
        },
    )
    school = next(line for line in result.lines if line.rule_id == "nm_emergency_school_tax_oil")
    assert school.rate == rate
    assert any("stripper_well_property" in note for note in result.notes) == (rate == D("0.0315"))


def test_new_mexico_gas_with_deductions():
    """Gas: 3.75 % + 4 % + 0.19 %. 10,000 Mcf x $2.50 = $25,000 less $3,125 state royalty =
    $21,875 taxable: $820.31 (820.3125), $875.00, $41.56 (41.5625)."""
    result = tax("NM", Product.GAS, "10000", "2.50", "2026-10", value_deductions=D(3125))
    assert result.taxable_value == D(21875)
    assert amounts(result) == {
        "nm_severance_tax": D("820.31"),
        "nm_emergency_school_tax_gas": D("875.00"),
        "nm_conservation_tax": D("41.56"),
    }


@pytest.mark.parametrize(
    ("state", "product", "period", "extra", "field"),
    [
        ("CA", Product.OIL, "2026-10", {}, "state"),
        ("TX", Product.OIL, "2000-01", {}, "period"),
        ("TX", Product.OIL, "2026-10", {"flags": frozenset({"stripper"})}, "flags"),
        ("TX", Product.OIL, "2026-10", {"first_production": Period(2026, 11)}, "first_production"),
        ("TX", Product.OIL, "2026-10", {"value_deductions": D(10**9)}, "value_deductions"),
    ],
)
def test_bad_requests_name_the_field(state, product, period, extra, field):
    with pytest.raises(ComplianceInputError) as caught:
        tax(state, product, "1000", "75", period, **extra)
    assert caught.value.field == field


def test_no_rule_errors_say_where_rules_start():
    with pytest.raises(NoRuleError) as caught:
        tax("TX", Product.OIL, "1000", "75", "2000-01")
    assert "2001-09" in caught.value.reason


@pytest.mark.parametrize("text", ["2026-13", "26-10", "2026/10", "1899-12"])
def test_a_bad_period_names_the_field(text):
    with pytest.raises(ComplianceInputError) as caught:
        Period.parse(text)
    assert caught.value.field == "period"


# --- deadlines


def test_form_pr_default_and_variants():
    """16 TAC §3.58 not retrieved and sources disagree: the default is the last day of the
    month after production; the other readings stay selectable."""
    february = Period(2026, 2)
    assert due_date("tx_form_pr", february).due == date(2026, 3, 31)
    assert due_date("tx_form_pr", february, "fifteenth_second_month").due == date(2026, 4, 15)
    assert due_date("tx_form_pr", february, "fifteenth_following_month").due == date(2026, 3, 15)
    assert "3.58" in (due_date("tx_form_pr", february).source.citation or "")


def test_state_production_reports():
    """NM C-115: 15th of the second month ('January production is due by March 15');
    OK gross production: 25th of the second month (68 O.S. §1009(B))."""
    january = Period(2026, 1)
    assert due_date("nm_c115", january).due == date(2026, 3, 15)
    assert due_date("ok_gross_production", january).due == date(2026, 3, 25)
    assert due_date("nm_production_taxes", january).due == date(2026, 3, 25)


def test_yearly_emissions_report_is_due_march_31():
    assert due_date("epa_ghgrp_annual_report", Period(2025, 7)).due == date(2026, 3, 31)


@pytest.mark.parametrize(
    ("obligation", "variant", "field"),
    [("tx_form_p", None, "obligation"), ("tx_form_pr", "sometime", "variant")],
)
def test_unknown_obligations_and_variants_name_the_field(obligation, variant, field):
    with pytest.raises(NoRuleError) as caught:
        due_date(obligation, Period(2026, 1), variant)
    assert caught.value.field == field
