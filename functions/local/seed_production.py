"""Daily production of one demo well: an Arps hyperbolic decline with field-like noise.

Every well-day draws from its own `random.Random(f"{key}/{date}")`, so a day's
numbers do not depend on the window they are generated in: re-seeding on a
later day rewrites the days both runs share with the same values.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

DOWNTIME_CHANCE = 0.025
SHUT_IN_DAY_CHANCE = 0.004
DOWNTIME_REASONS = (
    "Down: rod pump repair",
    "Down: power outage",
    "Down: high line pressure from the gatherer",
    "Down: flowline leak repaired",
    "Down: pumping unit belt change",
    "Down: tank battery full, waiting on trucks",
)
SHUT_IN_REASONS = (
    "Shut in: electrical storm, power off",
    "Shut in: purchaser curtailment",
    "Shut in: wellhead leak",
)
LONG_SHUT_IN_NOTE = "Shut in: waiting on workover rig (parted rods)"


@dataclass(frozen=True)
class Decline:
    """Arps hyperbolic decline: q(t) = qi / (1 + b·Di·t)^(1/b), t in years."""

    qi_bbl_d: float
    di_per_year: float
    b: float

    def rate(self, years: float) -> float:
        return float(self.qi_bbl_d / (1.0 + self.b * self.di_per_year * years) ** (1.0 / self.b))


@dataclass(frozen=True)
class WellBehaviour:
    key: str
    first_production: date
    decline: Decline
    gor0_scf_bbl: float
    water_cut0: float
    water_cut_max: float
    water_cut_tau_years: float
    tubing_psi0: float
    casing_ratio: float
    line_psi: float
    choke_64ths: float | None
    shut_in_from: date | None = None


def daily_rows(
    well_id: str, behaviour: WellBehaviour, start: date, end: date
) -> Iterator[dict[str, Any]]:
    """One production row per day from max(start, first production) to `end`."""
    day = max(start, behaviour.first_production)
    while day <= end:
        yield {"well_id": well_id, "production_date": day, **_day_values(behaviour, day)}
        day += timedelta(days=1)


def _day_values(well: WellBehaviour, day: date) -> dict[str, Any]:
    rng = random.Random(f"{well.key}/{day.isoformat()}")
    years = (day - well.first_production).days / 365.25
    if well.shut_in_from is not None and day >= well.shut_in_from:
        return _shut_in(well, day, LONG_SHUT_IN_NOTE)
    if rng.random() < SHUT_IN_DAY_CHANCE:
        return _shut_in(well, day, rng.choice(SHUT_IN_REASONS))
    hours_on, note = 24.0, None
    if rng.random() < DOWNTIME_CHANCE:
        hours_on, note = round(rng.uniform(4.0, 20.0) * 2) / 2, rng.choice(DOWNTIME_REASONS)
    potential = well.decline.rate(years) * rng.gauss(1.0, 0.04)
    oil = max(potential, 0.0) * hours_on / 24.0
    water_cut = _water_cut(well, years)
    gor = well.gor0_scf_bbl * (1.0 + 0.12 * years) * rng.gauss(1.0, 0.03)
    tubing = _tubing_pressure(well, years) * rng.gauss(1.0, 0.02)
    return {
        "oil_bbl": round(oil, 2),
        "gas_mcf": round(oil * gor / 1000.0, 2),
        "water_bbl": round(oil * water_cut / (1.0 - water_cut) * rng.gauss(1.0, 0.03), 2),
        "hours_on": hours_on,
        "choke_64ths": well.choke_64ths,
        "tubing_pressure_psi": round(tubing, 1),
        "casing_pressure_psi": round(tubing * well.casing_ratio, 1),
        "line_pressure_psi": round(well.line_psi * rng.gauss(1.0, 0.03), 1),
        "temperature_f": round(_temperature(day) + rng.gauss(0.0, 1.5), 1),
        "bsw_pct": round(water_cut * 100.0, 1),
        "gor_scf_bbl": round(gor, 0),
        "notes": note,
    }


def _shut_in(well: WellBehaviour, day: date, note: str) -> dict[str, Any]:
    """No flow: volumes zero, pressures build toward the static wellhead pressure."""
    static = well.line_psi + (well.tubing_psi0 - well.line_psi) * 0.9
    return {
        "oil_bbl": 0.0,
        "gas_mcf": 0.0,
        "water_bbl": 0.0,
        "hours_on": 0.0,
        "choke_64ths": None,
        "tubing_pressure_psi": round(static, 1),
        "casing_pressure_psi": round(static * 1.05, 1),
        "line_pressure_psi": round(well.line_psi, 1),
        "temperature_f": round(_temperature(day), 1),
        "bsw_pct": None,
        "gor_scf_bbl": None,
        "notes": note,
    }


def _water_cut(well: WellBehaviour, years: float) -> float:
    rise = math.exp(-max(years, 0.0) / well.water_cut_tau_years)
    return well.water_cut_max - (well.water_cut_max - well.water_cut0) * rise


def _tubing_pressure(well: WellBehaviour, years: float) -> float:
    share = math.sqrt(well.decline.rate(years) / well.decline.qi_bbl_d)
    return well.line_psi + (well.tubing_psi0 - well.line_psi) * share


def _temperature(day: date) -> float:
    """Wellhead temperature with West Texas seasons (°F)."""
    phase = 2.0 * math.pi * (day.timetuple().tm_yday - 105) / 365.25
    return 92.0 + 14.0 * math.sin(phase)
