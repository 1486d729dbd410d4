"""Rules for one well's daily production record."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from shared.core.errors import InputError

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

BOE_MCF_PER_BBL = 6.0


def validate_production_day(production_date: date, values: Mapping[str, Any], today: date) -> None:
    """Raise InputError naming the first field that breaks a production rule."""
    if production_date > today:
        raise InputError("production_date", f"{production_date} is in the future")
    for name in NON_NEGATIVE_FIELDS:
        value = values.get(name)
        if value is not None and value < 0:
            raise InputError(name, "must not be negative")
    hours_on = values.get("hours_on")
    if hours_on is not None and not 0 <= hours_on <= 24:
        raise InputError("hours_on", "must be between 0 and 24")
    bsw = values.get("bsw_pct")
    if bsw is not None and not 0 <= bsw <= 100:
        raise InputError("bsw_pct", "must be between 0 and 100")


def boe(oil_bbl: float | None, gas_mcf: float | None) -> float:
    """Barrels of oil equivalent, 6 Mcf of gas to one barrel."""
    return (oil_bbl or 0.0) + (gas_mcf or 0.0) / BOE_MCF_PER_BBL
