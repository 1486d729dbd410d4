"""Greenhouse-gas emissions by the methods of 40 CFR 98 subparts C and W.

* Combustion of natural gas (subpart C, Tier 1/2): equation C-1
  CO2 = 1e-3 × Fuel × HHV × EF and C-8 for CH4 and N2O, with the Table C-1
  default HHV (1.026 mmBtu/Mscf) or a measured one and the Table C-1/C-2 factors.
* Flares (subpart W, 98.233(n)): equations W-19 and W-20 on the gas sent to the
  flare (scf at 60 °F, 14.7 psia) and its composition by mole fraction,
  Es,CH4 = Vs·XCH4·[ZL(1 - ηD) + ZU] and Es,CO2 = Vs·XCO2 + Vs·ZL·ηC·Σ Yj·Rj
  (Rj carbon atoms: 1 methane … 5 pentanes plus; ZU the share sent while
  unlit), masses by W-36 (0.0192 kg CH4/scf, 0.0526 kg CO2/scf) and N2O by
  W-40 with 1.0e-4 kg/mmBtu. Before reporting year 2025 one efficiency η was
  used for both ηD and ηC.
* Pneumatic devices (W-1B with Table W-1A or W-1 factors) and small storage
  tanks (W-15/W-15A, W-15B for produced water), by the factor set of the
  reporting year.
* CO2e with the GWPs of a chosen assessment report, and intensity in
  kg CO2e per barrel of oil equivalent (6 Mcf = 1 BOE).

Physics in floats; tonnes are reported to 6 decimal places (1 g).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from shared.core.compliance.errors import ComplianceInputError, NoRuleError, OutOfRangeError
from shared.core.compliance.model.rulebook import (
    Efficiency,
    GwpSet,
    PneumaticFactors,
    YearRanged,
    emission_book,
    gwp_book,
)

Ranged = TypeVar("Ranged", bound=YearRanged)

TONNE_PLACES = 6
MCF_PER_BOE = 6.0
MAX_SCF = 1e13
HHV_RANGE = (0.1, 5.0)  # mmBtu/Mscf, a guard against mistyped units
COMPOSITION_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Emissions:
    """Masses in metric tons and how they were computed."""

    co2_t: float
    ch4_t: float
    n2o_t: float
    method: str
    details: Mapping[str, float]

    def co2e_t(self, gwp: GwpSet) -> float:
        return self.co2_t * gwp.co2 + self.ch4_t * gwp.ch4 + self.n2o_t * gwp.n2o


def gwp_set(name: str | None = None, reporting_year: int | None = None) -> tuple[str, GwpSet]:
    """The GWPs of assessment report ``name``, or those of 40 CFR 98 Table A-1 for a year."""
    book = gwp_book()
    if name is not None:
        key = name.strip().upper()
        if key not in book.sets:
            raise ComplianceInputError(
                "gwp", f"'{name}' is not one of {', '.join(sorted(book.sets))}"
            )
        return key, book.sets[key]
    if reporting_year is None:
        raise ComplianceInputError("gwp", "name an assessment report or a reporting year")
    for entry in book.table_a1:
        if entry.covers(reporting_year):
            return entry.set, book.sets[entry.set]
    raise NoRuleError("reporting_year", f"Table A-1 has no GWPs for {reporting_year}")


def combustion(gas_scf: float, hhv_mmbtu_per_mscf: float | None = None) -> Emissions:
    """Natural gas burned in a heater, engine or other unit (equations C-1 and C-8)."""
    factors = emission_book().combustion["natural_gas"]
    _volume("gas_scf", gas_scf)
    hhv = (
        factors.hhv_mmbtu_per_scf if hhv_mmbtu_per_mscf is None else _hhv(hhv_mmbtu_per_mscf) / 1000
    )
    heat = gas_scf * hhv  # mmBtu
    return Emissions(
        co2_t=1e-3 * heat * factors.co2_kg_per_mmbtu,
        ch4_t=1e-3 * heat * factors.ch4_kg_per_mmbtu,
        n2o_t=1e-3 * heat * factors.n2o_kg_per_mmbtu,
        method="40 CFR 98 subpart C, equations C-1 and C-8"
        + (" (Table C-1 default HHV)" if hhv_mmbtu_per_mscf is None else " (measured HHV)"),
        details={"gas_scf": gas_scf, "hhv_mmbtu_per_mscf": hhv * 1000, "heat_mmbtu": heat},
    )


def flare_efficiency(reporting_year: int, tier: str | None = None) -> Efficiency:
    """Default destruction and combustion efficiencies of 98.233(n)(1) for a reporting year."""
    rules = _for_year(emission_book().flare_efficiencies, reporting_year, "flare efficiencies")
    chosen = tier or rules.default_tier
    if chosen not in rules.tiers:
        raise ComplianceInputError(
            "tier", f"'{chosen}' is not one of {', '.join(sorted(rules.tiers))}"
        )
    return rules.tiers[chosen]


def flare(
    gas_scf: float,
    composition: Mapping[str, float],
    combustion_efficiency: float,
    destruction_efficiency: float | None = None,
    unlit_fraction: float = 0.0,
    hhv_mmbtu_per_mscf: float | None = None,
) -> Emissions:
    """Gas sent to a flare (equations W-19, W-20, W-36 and W-40)."""
    _volume("gas_scf", gas_scf)
    eta_c = _fraction("efficiency", combustion_efficiency, allow_zero=False)
    eta_d = (
        eta_c
        if destruction_efficiency is None
        else _fraction("destruction_efficiency", destruction_efficiency, allow_zero=False)
    )
    unlit = _fraction("unlit_fraction", unlit_fraction)
    lit = 1.0 - unlit
    mix = parse_composition(composition)
    carbon = {name: count for name, count in _carbon_atoms().items()}
    carbon_moles = sum(share * carbon[name] for name, share in mix.items() if name in carbon)
    ch4_scf = gas_scf * mix.get("CH4", 0.0) * (lit * (1.0 - eta_d) + unlit)
    co2_scf = gas_scf * mix.get("CO2", 0.0) + gas_scf * lit * eta_c * carbon_moles
    hhv = _flare_hhv(mix, hhv_mmbtu_per_mscf)
    book = emission_book()
    density = book.densities_kg_per_scf
    return Emissions(
        co2_t=co2_scf * density.co2 * 1e-3,
        ch4_t=ch4_scf * density.ch4 * 1e-3,
        n2o_t=gas_scf * hhv * book.flare_n2o_kg_per_mmbtu.value * 1e-3,
        method="40 CFR 98.233(n), equations W-19, W-20, W-36 and W-40",
        details={
            "gas_scf": gas_scf,
            "combustion_efficiency": eta_c,
            "destruction_efficiency": eta_d,
            "unlit_fraction": unlit,
            "ch4_scf": ch4_scf,
            "co2_scf": co2_scf,
            "hhv_mmbtu_per_mscf": hhv * 1000,
        },
    )


def parse_composition(composition: Mapping[str, float]) -> dict[str, float]:
    """Mole fractions by canonical name; the rest up to 1 is taken as non-carbon inerts."""
    hydrocarbons = emission_book().hydrocarbons
    known = set(hydrocarbons.components) | set(hydrocarbons.non_combustible)
    mix: dict[str, float] = {}
    for raw, share in composition.items():
        key = raw.strip().upper()
        name = hydrocarbons.aliases.get(key, key)
        if name not in known:
            raise ComplianceInputError(
                "composition",
                f"'{raw}' is not one of {', '.join(sorted(known))} (or their aliases)",
            )
        if not math.isfinite(share) or not 0.0 <= share <= 1.0:
            raise ComplianceInputError(
                "composition", f"{raw}={share} is not a mole fraction from 0 to 1"
            )
        mix[name] = mix.get(name, 0.0) + share
    total = sum(mix.values())
    if total > 1.0 + COMPOSITION_TOLERANCE:
        raise ComplianceInputError("composition", f"mole fractions sum to {total:.6g}, above 1")
    return mix


def pneumatic_devices(
    counts: Mapping[str, int],
    ch4_mole_fraction: float,
    co2_mole_fraction: float,
    reporting_year: int,
    hours: float | None = None,
) -> Emissions:
    """Natural gas pneumatic device vents by population (equation W-1B, Calculation Method 4)."""
    factors = _for_year(
        emission_book().pneumatic_devices, reporting_year, "pneumatic device factors"
    )
    year_hours = 24.0 * (366 if calendar.isleap(reporting_year) else 365)
    in_service = year_hours if hours is None else hours
    if not math.isfinite(in_service) or not 0.0 <= in_service <= year_hours:
        raise OutOfRangeError("hours", in_service, 0, year_hours, f"hours in {reporting_year}")
    whole_gas = 0.0
    for kind, count in counts.items():
        rate = _device_rate(factors, kind)
        if count < 0:
            raise ComplianceInputError(f"counts.{kind}", f"must not be negative, got {count}")
        whole_gas += count * rate * in_service
    return _vented(whole_gas, ch4_mole_fraction, co2_mole_fraction, f"W-1B ({factors.id})")


def storage_tanks(units: int, liquid: str, reporting_year: int) -> Emissions:
    """Atmospheric tanks fed by wells or separators under 10 bbl/day (equation W-15/W-15A)."""
    factors = _for_year(emission_book().storage_tanks, reporting_year, "storage tank factors")
    if liquid not in factors.mscf_per_year_per_unit:
        raise ComplianceInputError("liquid", f"'{liquid}' is not crude_oil or condensate")
    if units < 0:
        raise ComplianceInputError("units", f"must not be negative, got {units}")
    rates = factors.mscf_per_year_per_unit[liquid]
    ch4_scf, co2_scf = rates["CH4"] * 1000 * units, rates["CO2"] * 1000 * units
    return _masses(co2_scf, ch4_scf, f"W-15A ({factors.id}, {liquid})")


def produced_water_tanks(
    water_bbl: float, separator_pressure_psi: float, reporting_year: int
) -> Emissions:
    """Methane from produced-water tanks (equation W-15B, from reporting year 2025)."""
    factors = _for_year(emission_book().storage_tanks, reporting_year, "storage tank factors")
    table = factors.produced_water_t_ch4_per_kbbl
    if table is None:
        raise NoRuleError("reporting_year", f"no produced-water factors for {reporting_year}")
    _volume("water_bbl", water_bbl)
    if not math.isfinite(separator_pressure_psi) or separator_pressure_psi < 0:
        raise ComplianceInputError(
            "separator_pressure", f"must be 0 psi or more, got {separator_pressure_psi}"
        )
    band = (
        "up_to_50_psi"
        if separator_pressure_psi <= 50
        else ("up_to_250_psi" if separator_pressure_psi <= 250 else "above_250_psi")
    )
    ch4 = table[band] * water_bbl * 0.001
    return Emissions(0.0, ch4, 0.0, f"W-15B ({band})", {"water_bbl": water_bbl})


def intensity_kg_per_boe(co2e_t: float, oil_bbl: float, gas_mcf: float) -> float:
    """kg CO2e per barrel of oil equivalent produced (6 Mcf = 1 BOE)."""
    _volume("oil_bbl", oil_bbl)
    _volume("gas_mcf", gas_mcf)
    boe = oil_bbl + gas_mcf / MCF_PER_BOE
    if boe <= 0:
        raise ComplianceInputError("production", "no oil or gas produced; intensity is undefined")
    return co2e_t * 1000.0 / boe


def _vented(
    whole_gas_scf: float, ch4_fraction: float, co2_fraction: float, equation: str
) -> Emissions:
    ch4 = _fraction("ch4_mole_fraction", ch4_fraction)
    co2 = _fraction("co2_mole_fraction", co2_fraction)
    if ch4 + co2 > 1.0 + COMPOSITION_TOLERANCE:
        raise ComplianceInputError("co2_mole_fraction", "CH4 and CO2 mole fractions sum above 1")
    return _masses(
        whole_gas_scf * co2, whole_gas_scf * ch4, equation, {"whole_gas_scf": whole_gas_scf}
    )


def _masses(
    co2_scf: float, ch4_scf: float, equation: str, extra: Mapping[str, float] | None = None
) -> Emissions:
    density = emission_book().densities_kg_per_scf
    return Emissions(
        co2_t=co2_scf * density.co2 * 1e-3,
        ch4_t=ch4_scf * density.ch4 * 1e-3,
        n2o_t=0.0,
        method=f"40 CFR 98.233, equation {equation} and W-36",
        details={"co2_scf": co2_scf, "ch4_scf": ch4_scf, **(extra or {})},
    )


def _device_rate(factors: PneumaticFactors, kind: str) -> float:
    rates = factors.scf_per_hour_per_device
    if kind not in rates:
        raise ComplianceInputError("counts", f"'{kind}' is not one of {', '.join(sorted(rates))}")
    return rates[kind]


def _carbon_atoms() -> dict[str, int]:
    return {
        name: part.carbon_atoms for name, part in emission_book().hydrocarbons.components.items()
    }


def _flare_hhv(mix: Mapping[str, float], hhv_mmbtu_per_mscf: float | None) -> float:
    """HHV of the flared gas in mmBtu/scf: measured, or from its composition."""
    if hhv_mmbtu_per_mscf is not None:
        return _hhv(hhv_mmbtu_per_mscf) / 1000
    components = emission_book().hydrocarbons.components
    btu_per_scf = sum(
        share * components[name].hhv_btu_per_scf
        for name, share in mix.items()
        if name in components
    )
    return btu_per_scf / 1e6


def _for_year(rules: tuple[Ranged, ...], year: int, what: str) -> Ranged:
    for rule in rules:
        if rule.covers(year):
            return rule
    raise NoRuleError("reporting_year", f"no {what} for reporting year {year}")


def _volume(field: str, value: float) -> None:
    if not math.isfinite(value) or not 0.0 <= value <= MAX_SCF:
        raise OutOfRangeError(field, value, 0, MAX_SCF, "a plausible volume")


def _hhv(value: float) -> float:
    if not math.isfinite(value) or not HHV_RANGE[0] <= value <= HHV_RANGE[1]:
        raise OutOfRangeError("hhv", value, *HHV_RANGE, "natural gas heating values (mmBtu/Mscf)")
    return value


def _fraction(field: str, value: float, *, allow_zero: bool = True) -> float:
    low_ok = value >= 0.0 if allow_zero else value > 0.0
    if not math.isfinite(value) or not low_ok or value > 1.0:
        raise ComplianceInputError(
            field, f"must be a fraction {'from' if allow_zero else 'above'} 0 to 1, got {value}"
        )
    return value
