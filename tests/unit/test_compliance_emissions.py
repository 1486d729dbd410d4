"""Emissions by 40 CFR 98 subparts C and W, each equation worked by hand in the docstring."""

from __future__ import annotations

import pytest

from shared.core.compliance.errors import ComplianceInputError, NoRuleError, OutOfRangeError
from shared.core.compliance.model.emissions import (
    combustion,
    flare,
    flare_efficiency,
    gwp_set,
    intensity_kg_per_boe,
    pneumatic_devices,
    produced_water_tanks,
    storage_tanks,
)

GAS = {"CH4": 0.85, "C2H6": 0.07, "C3H8": 0.03, "CO2": 0.02}


def test_combustion_with_table_c1_and_c2_defaults():
    """Equation C-1: CO2 = 1e-3 x Fuel x HHV x EF. 1,000,000 scf x 1.026e-3 mmBtu/scf =
    1,026 mmBtu; CO2 = 1e-3 x 1,026 x 53.06 = 54.43956 t; C-8: CH4 = 1e-3 x 1,026 x 1.0e-3
    = 0.001026 t, N2O = 1e-3 x 1,026 x 1.0e-4 = 0.0001026 t.
    CO2e (AR4 25/298) = 54.43956 + 0.02565 + 0.0305748 = 54.4957848 t;
    CO2e (AR5 28/265) = 54.43956 + 0.028728 + 0.027189 = 54.495477 t."""
    result = combustion(1_000_000)
    assert result.co2_t == pytest.approx(54.43956, abs=1e-9)
    assert result.ch4_t == pytest.approx(0.001026, abs=1e-12)
    assert result.n2o_t == pytest.approx(0.0001026, abs=1e-12)
    assert result.co2e_t(gwp_set("AR4")[1]) == pytest.approx(54.4957848, abs=1e-9)
    assert result.co2e_t(gwp_set("AR5")[1]) == pytest.approx(54.495477, abs=1e-9)


def test_combustion_with_a_measured_hhv():
    """250,000 scf at 1.087 mmBtu/Mscf = 271.75 mmBtu; CO2 = 1e-3 x 271.75 x 53.06 = 14.419055 t."""
    result = combustion(250_000, 1.087)
    assert result.co2_t == pytest.approx(14.419055, abs=1e-9)
    assert result.details["heat_mmbtu"] == pytest.approx(271.75)


def test_flare_w19_w20_with_one_efficiency():
    """Vs = 1,000,000 scf, eta = 0.98, lit all year (ZU = 0).
    W-19: CH4 = Vs x 0.85 x (1 - 0.98) = 17,000 scf; W-36: 17,000 x 0.0192 / 1000 = 0.3264 t.
    W-20: CO2 = Vs x 0.02 + Vs x 0.98 x (0.85x1 + 0.07x2 + 0.03x3) = 20,000 + 1,058,400
    = 1,078,400 scf; x 0.0526 / 1000 = 56.72384 t.
    W-40: HHV from composition (GPA 2145: 1010.0, 1769.7, 2516.1 Btu/scf) = 858.5 + 123.879
    + 75.483 = 1,057.862 Btu/scf; N2O = 1e6 x 1.057862e-3 x 1.0e-4 x 1e-3 = 1.057862e-4 t."""
    result = flare(1_000_000, GAS, 0.98)
    assert result.ch4_t == pytest.approx(0.3264, abs=1e-12)
    assert result.co2_t == pytest.approx(56.72384, abs=1e-9)
    assert result.n2o_t == pytest.approx(1.057862e-4, abs=1e-12)


def test_flare_unlit_share_is_vented():
    """ZU = 0.1: CH4 = 1e6 x 0.85 x (0.9 x 0.02 + 0.1) = 100,300 scf = 1.92576 t;
    CO2 = 20,000 + 1e6 x 0.9 x 0.98 x 1.08 = 972,560 scf = 51.156656 t."""
    result = flare(1_000_000, GAS, 0.98, unlit_fraction=0.1)
    assert result.ch4_t == pytest.approx(1.92576, abs=1e-9)
    assert result.co2_t == pytest.approx(51.156656, abs=1e-9)


def test_flare_tier_3_defaults_from_reporting_year_2025():
    """98.233(n)(1)(iii): tier 3 destruction 92 %, combustion 90.5 %.
    CH4 = 1e6 x 0.85 x 0.08 = 68,000 scf = 1.3056 t; CO2 = 20,000 + 1e6 x 0.905 x 1.08
    = 997,400 scf = 52.46324 t."""
    defaults = flare_efficiency(2025)
    assert (defaults.destruction, defaults.combustion) == (0.92, 0.905)
    result = flare(1_000_000, GAS, defaults.combustion, defaults.destruction)
    assert result.ch4_t == pytest.approx(1.3056, abs=1e-12)
    assert result.co2_t == pytest.approx(52.46324, abs=1e-9)
    assert (flare_efficiency(2025, "tier1").destruction, flare_efficiency(2020).combustion) == (
        0.98,
        0.98,
    )


def test_flare_measured_hhv_and_aliases():
    """Aliases name the same constituents; a measured HHV replaces the composition's."""
    result = flare(
        1_000_000, {"c1": 0.85, "C2": 0.07, "c3": 0.03, "co2": 0.02}, 0.98, hhv_mmbtu_per_mscf=1.2
    )
    assert result.co2_t == pytest.approx(56.72384, abs=1e-9)
    assert result.n2o_t == pytest.approx(1.2e-4, abs=1e-12)


@pytest.mark.parametrize(
    ("composition", "field"),
    [
        ({"CH4": 0.9, "C2H6": 0.2}, "composition"),
        ({"CH4": 0.9, "XYZ": 0.05}, "composition"),
        ({"CH4": -0.1}, "composition"),
    ],
)
def test_bad_compositions_name_the_field(composition, field):
    with pytest.raises(ComplianceInputError) as caught:
        flare(1000, composition, 0.98)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"combustion_efficiency": 1.2}, "efficiency"),
        ({"combustion_efficiency": 0.0}, "efficiency"),
        ({"combustion_efficiency": 0.98, "unlit_fraction": 1.5}, "unlit_fraction"),
        ({"combustion_efficiency": 0.98, "hhv_mmbtu_per_mscf": 1026.0}, "hhv"),
    ],
)
def test_bad_flare_parameters_name_the_field(kwargs, field):
    with pytest.raises(ComplianceInputError) as caught:
        flare(1000, GAS, **kwargs)
    assert caught.value.field == field


def test_pneumatic_devices_2025_table_w1():
    """W-1B with Table W-1 (2025): 10 intermittent x 8.8 + 4 low bleed x 6.8 scf/h = 115.2 scf/h;
    x 8,760 h = 1,009,152 scf of gas. CH4 0.80: 807,321.6 scf x 0.0192 / 1000 = 15.50057472 t;
    CO2 0.01: 10,091.52 scf x 0.0526 / 1000 = 0.53081395 t."""
    result = pneumatic_devices({"intermittent_bleed": 10, "low_bleed": 4}, 0.80, 0.01, 2025)
    assert result.ch4_t == pytest.approx(15.50057472, abs=1e-9)
    assert result.co2_t == pytest.approx(0.530813952, abs=1e-9)


def test_pneumatic_devices_before_2025_use_table_w1a_and_the_leap_year():
    """Table W-1A: (10 x 13.5 + 4 x 1.39) scf/h x 8,784 h (2024) = 1,234,679.04 scf;
    CH4 0.80 -> 987,743.232 scf = 18.96467 t."""
    result = pneumatic_devices({"intermittent_bleed": 10, "low_bleed": 4}, 0.80, 0.0, 2024)
    assert result.ch4_t == pytest.approx(18.964670054, abs=1e-8)


def test_storage_tanks_w15a():
    """3 separators under 10 bbl/d on crude: CH4 3 x 4.2 Mscf = 12,600 scf = 0.24192 t;
    CO2 3 x 2.8 Mscf = 8,400 scf = 0.44184 t."""
    result = storage_tanks(3, "crude_oil", 2025)
    assert result.ch4_t == pytest.approx(0.24192, abs=1e-12)
    assert result.co2_t == pytest.approx(0.44184, abs=1e-12)
    assert storage_tanks(1, "condensate", 2025).ch4_t == pytest.approx(0.33792, abs=1e-12)


def test_produced_water_w15b_from_2025_only():
    """20,000 bbl of water from a 120 psi separator: 0.0142 t/kbbl x 20 kbbl = 0.284 t CH4."""
    assert produced_water_tanks(20_000, 120, 2025).ch4_t == pytest.approx(0.284, abs=1e-12)
    assert produced_water_tanks(20_000, 40, 2025).ch4_t == pytest.approx(0.03, abs=1e-12)
    with pytest.raises(NoRuleError):
        produced_water_tanks(20_000, 120, 2024)


def test_intensity_per_barrel_of_oil_equivalent():
    """100 t CO2e over 10,000 bbl + 30,000 Mcf / 6 = 15,000 BOE = 6.667 kg CO2e/BOE."""
    assert intensity_kg_per_boe(100.0, 10_000, 30_000) == pytest.approx(100_000 / 15_000)
    with pytest.raises(ComplianceInputError) as caught:
        intensity_kg_per_boe(1.0, 0, 0)
    assert caught.value.field == "production"


def test_table_a1_gwps_by_reporting_year():
    assert gwp_set(reporting_year=2023)[0] == "AR4"
    assert gwp_set(reporting_year=2025)[0] == "AR5"
    assert (gwp_set("ar5")[1].ch4, gwp_set("AR5")[1].n2o) == (28, 265)
    with pytest.raises(ComplianceInputError) as caught:
        gwp_set("AR9")
    assert caught.value.field == "gwp"


def test_a_huge_or_negative_volume_is_refused():
    with pytest.raises(OutOfRangeError) as caught:
        combustion(-5)
    assert caught.value.field == "gas_scf"
    with pytest.raises(OutOfRangeError):
        combustion(float("inf"))
