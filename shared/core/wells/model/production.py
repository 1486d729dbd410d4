"""Rules for one well's daily production record."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from shared.core.common import limits
from shared.core.common.errors import InputError

VOLUME_FIELDS = ("oil_bbl", "gas_mcf", "water_bbl", "condensate_bbl")
NON_NEGATIVE_FIELDS = (
    *VOLUME_FIELDS,
    "tubing_pressure_psi",
    "casing_pressure_psi",
    "line_pressure_psi",
    "choke_64ths",
    "gor_scf_bbl",
)
PRODUCTION_FIELDS = (
    *NON_NEGATIVE_FIELDS,
    "hours_on",
    "temperature_f",
    "bsw_pct",
    "is_estimated",
    "notes",
)
PRODUCTION_LIMITS: dict[str, limits.Rule] = {
    "oil_bbl": limits.OIL_BBL_PER_DAY,
    "gas_mcf": limits.GAS_MCF_PER_DAY,
    "water_bbl": limits.WATER_BBL_PER_DAY,
    "condensate_bbl": limits.CONDENSATE_BBL_PER_DAY,
    "tubing_pressure_psi": limits.PRESSURE_PSI,
    "casing_pressure_psi": limits.PRESSURE_PSI,
    "line_pressure_psi": limits.PRESSURE_PSI,
    "choke_64ths": limits.CHOKE_64THS,
    "gor_scf_bbl": limits.GOR_SCF_BBL,
    "hours_on": limits.HOURS_PER_DAY,
    "temperature_f": limits.TEMPERATURE_F,
    "bsw_pct": limits.BSW_PCT,
    "notes": limits.MULTILINE,
}

BOE_MCF_PER_BBL = 6.0


def validate_production_day(production_date: date, values: Mapping[str, Any], today: date) -> None:
    """Raise InputError naming the first field that breaks a production rule or limit."""
    if production_date > today:
        raise InputError("production_date", f"{production_date} is in the future")
    if production_date < limits.EARLIEST_RECORD_DATE:
        raise InputError("production_date", f"must not be before {limits.EARLIEST_RECORD_DATE}")
    limits.check_values(values, PRODUCTION_LIMITS, today)


def boe(oil_bbl: float | None, gas_mcf: float | None) -> float:
    """Barrels of oil equivalent, 6 Mcf of gas to one barrel."""
    return (oil_bbl or 0.0) + (gas_mcf or 0.0) / BOE_MCF_PER_BBL
