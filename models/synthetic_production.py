"""Synthetic daily production on an Arps decline, with chokes, shut-ins and noise (numpy only).

A well's seed fixes a modified-hyperbolic decline
(:class:`shared.core.decline.model.ModifiedHyperbolic`: qi, secant-effective Di,
b, terminal decline), its age at day 0, gas-oil ratio and water-cut history,
and pressures. Columns are :data:`shared.core.analytics.model.catalogue.PRODUCTION_COLUMNS`.

Physics that the models must learn:

- the decline gives the oil rate per producing day at the best choke;
- the choke response ``r e^(1 - r)`` with ``r = choke / optimum`` peaks at the
  optimum choke, which grows with the casing-minus-line pressure drop
  (:func:`optimal_choke`), so a depleting well wants a smaller choke;
- water cut rises with cumulative time towards a well's maximum and by coning
  above the optimum choke; GOR rises slowly with age;
- operators move the choke every 10-40 days; partial days, multi-day shut-ins
  (with flush production after), 5 % rate noise and a few unread values.

Examples
--------
>>> days = generate_production_series(3, days=60)
>>> sorted(days)[:3], len(days["oil_bbl"])
(['casing_pressure_psi', 'choke_64ths', 'gas_mcf'], 60)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from shared.core.decline.model import DeclineType, ModifiedHyperbolic, TimeUnit, nominal_per_day

FloatArray = NDArray[np.float64]
PRODUCTION_STREAM = 2
CHOKE_MIN, CHOKE_MAX = 8.0, 48.0


@dataclass(frozen=True)
class WellProfile:
    decline: ModifiedHyperbolic
    age_days: float
    gor_scf_bbl: float
    gor_growth_per_year: float
    water_cut_start: float
    water_cut_max: float
    water_cut_days: float
    casing_psi: float
    line_psi: float


def well_profile(well_seed: int) -> WellProfile:
    rng = np.random.default_rng([well_seed, PRODUCTION_STREAM, 0])
    b = rng.uniform(0.3, 1.4)
    decline = ModifiedHyperbolic(
        qi=rng.uniform(60.0, 600.0),
        di=nominal_per_day(rng.uniform(0.45, 0.85), DeclineType.SECANT, TimeUnit.YEAR, b),
        b=b,
        dlim=nominal_per_day(rng.uniform(0.06, 0.10), DeclineType.TANGENT, TimeUnit.YEAR),
    )
    start = rng.uniform(0.02, 0.35)
    return WellProfile(
        decline=decline,
        age_days=rng.uniform(60.0, 1500.0),
        gor_scf_bbl=rng.uniform(400.0, 3000.0),
        gor_growth_per_year=rng.uniform(0.02, 0.15),
        water_cut_start=start,
        water_cut_max=min(0.95, start + rng.uniform(0.2, 0.6)),
        water_cut_days=rng.uniform(400.0, 2000.0),
        casing_psi=rng.uniform(250.0, 700.0),
        line_psi=rng.uniform(60.0, 140.0),
    )


def optimal_choke(casing_psi: FloatArray, line_psi: FloatArray) -> FloatArray:
    """Choke (64ths) of the highest oil rate for a casing-minus-line pressure drop."""
    return np.clip(12.0 + 0.08 * (casing_psi - line_psi), 14.0, 44.0)


def choke_response(choke: FloatArray, optimum: FloatArray) -> FloatArray:
    """Oil rate as a fraction of the rate at the optimum choke: 1 at the optimum."""
    r = np.asarray(choke, dtype=np.float64) / optimum
    return r * np.exp(1.0 - r)


def generate_production_series(
    well_seed: int, days: int, *, choke_change_days: tuple[int, int] = (10, 40)
) -> dict[str, FloatArray]:
    """Daily volumes and readings of one well; day 0 is ``well_profile(seed).age_days`` old."""
    profile = well_profile(well_seed)
    rng = np.random.default_rng([well_seed, PRODUCTION_STREAM, 1])
    age = profile.age_days + np.arange(days, dtype=np.float64)
    potential = profile.decline.rate(age)
    line = profile.line_psi * (1.0 + rng.normal(0.0, 0.02, days))
    depletion = (potential / profile.decline.qi) ** 0.4
    casing = (line + (profile.casing_psi - profile.line_psi) * depletion) * (
        1.0 + rng.normal(0.0, 0.01, days)
    )
    optimum = optimal_choke(casing, line)
    choke = _choke_schedule(rng, days, float(optimum[0]), choke_change_days)
    over = np.maximum(choke / optimum - 1.0, 0.0)
    hours, flush = _hours_on(rng, days)
    rate = potential * choke_response(choke, optimum) * flush
    rate *= np.exp(rng.normal(0.0, 0.05, days))
    progress = 1.0 - np.exp(-age / profile.water_cut_days)
    start, top = profile.water_cut_start, profile.water_cut_max
    cut = start + (top - start) * progress + 0.12 * over + rng.normal(0.0, 0.01, days)
    cut = np.clip(cut, 0.0, 0.97)
    gor = profile.gor_scf_bbl * (1.0 + profile.gor_growth_per_year * age / 365.25)
    gor *= (1.0 + 0.1 * over) * np.exp(rng.normal(0.0, 0.05, days))
    oil = rate * hours / 24.0
    tubing = line + (casing - line) / (1.0 + (choke / 20.0) ** 2)
    tubing = np.where(hours > 0.0, tubing, casing) * (1.0 + rng.normal(0.0, 0.015, days))
    series = {
        "oil_bbl": oil,
        "gas_mcf": oil * gor / 1000.0,
        "water_bbl": oil * cut / (1.0 - cut),
        "hours_on": hours,
        "choke_64ths": choke,
        "tubing_pressure_psi": tubing,
        "casing_pressure_psi": casing,
        "line_pressure_psi": line,
    }
    for values in series.values():
        values[rng.random(days) < 0.003] = np.nan
    return series


def _choke_schedule(
    rng: np.random.Generator, days: int, optimum: float, every: tuple[int, int]
) -> FloatArray:
    choke = np.empty(days)
    current = float(np.clip(round(optimum * rng.uniform(0.6, 1.4)), CHOKE_MIN, CHOKE_MAX))
    day = 0
    while day < days:
        span = int(rng.integers(every[0], every[1] + 1))
        choke[day : day + span] = current
        step = int(rng.integers(2, 11)) * (1 if rng.random() < 0.5 else -1)
        current = float(np.clip(current + step, CHOKE_MIN, CHOKE_MAX))
        day += span
    return choke


def _hours_on(rng: np.random.Generator, days: int) -> tuple[FloatArray, FloatArray]:
    """Hours on per day (partial days, shut-ins) and the flush factor after each shut-in."""
    hours = np.full(days, 24.0)
    partial = rng.random(days) < 0.04
    hours[partial] = rng.uniform(4.0, 22.0, int(partial.sum()))
    flush = np.ones(days)
    for _ in range(rng.poisson(days / 120.0)):
        start = int(rng.integers(0, max(days, 1)))
        end = min(days, start + int(rng.integers(1, 11)))
        hours[start:end] = 0.0
        after = np.arange(days - end, dtype=np.float64)
        flush[end:] *= 1.0 + 0.25 * np.exp(-after / 3.0)
    return hours, flush
