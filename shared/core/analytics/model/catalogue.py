"""The model features' catalogue: input signals and features with their units, window sizes.

Training (``models/``), scoring and the model manifests read the same catalogue; the
computation is in :mod:`shared.core.analytics.model.features`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SENSOR_WINDOW_HOURS = 336
"""Hours of readings one sensor feature row reads: 14 days."""
BASELINE_HOURS = 168
"""The reference week: hours 336 to 168 before the end of the window."""
RUNNING_SPM = 0.5
RUNNING_CURRENT_A = 1.0
"""A pump runs in an hour when its strokes per minute exceed 0.5 (or, unread, its current 1 A)."""
PRODUCTION_WINDOW_DAYS = 90
MIN_VALID_HOURS_24H = 12.0
"""Below this many running hours with every signal read in the last 24 h, no sensor scoring."""
MIN_BASELINE_HOURS = 48.0
"""... or this many in the reference week."""
MIN_PRODUCING_DAYS_30D = 7.0
"""Below this many producing days in the last 30 (or no oil in 7), no production scoring."""
BOE_MCF = 6.0
"""Mcf of gas per barrel of oil equivalent."""


@dataclass(frozen=True)
class Signal:
    """An input column; a value outside ``plausible`` is a glitch and counts as missing."""

    name: str
    unit: str
    description: str
    plausible: tuple[float, float] = (-math.inf, math.inf)


@dataclass(frozen=True)
class Feature:
    """One model input: name, unit (``1`` when dimensionless) and meaning."""

    name: str
    unit: str
    description: str
    neutral: float = 0.0


PRESSURE_PSI = (-15.0, 30_000.0)
SENSOR_SIGNALS: tuple[Signal, ...] = (
    Signal("motor_current", "A", "rod-pump motor current", (0.0, 2000.0)),
    Signal("vibration", "in/s", "pumping-unit vibration velocity", (0.0, 50.0)),
    Signal("tubing_pressure", "psi", "wellhead tubing pressure", PRESSURE_PSI),
    Signal("casing_pressure", "psi", "wellhead casing pressure", PRESSURE_PSI),
    Signal("flowline_temperature", "degF", "flow line temperature", (-80.0, 600.0)),
    Signal("strokes_per_minute", "spm", "pumping speed", (0.0, 60.0)),
    Signal("pump_fillage", "%", "downhole pump fillage from the dynamometer card", (0.0, 110.0)),
)
PRODUCTION_COLUMNS: tuple[Signal, ...] = (
    Signal("oil_bbl", "bbl", "oil produced that day", (0.0, 1e6)),
    Signal("gas_mcf", "Mcf", "gas produced that day", (0.0, 1e7)),
    Signal("water_bbl", "bbl", "water produced that day", (0.0, 1e6)),
    Signal("hours_on", "h", "hours the well produced that day", (0.0, 24.0)),
    Signal("choke_64ths", "1/64 in", "choke size", (0.0, 256.0)),
    Signal("tubing_pressure_psi", "psi", "tubing pressure", PRESSURE_PSI),
    Signal("casing_pressure_psi", "psi", "casing pressure", PRESSURE_PSI),
    Signal("line_pressure_psi", "psi", "flow line pressure", PRESSURE_PSI),
)

_PER_SIGNAL: tuple[tuple[str, str, str, float], ...] = (
    ("mean_24h", "{u}", "mean over running hours of the last 24 h", 0.0),
    ("std_24h", "{u}", "standard deviation over running hours of the last 24 h", 0.0),
    ("mean_72h", "{u}", "mean over running hours of the last 72 h", 0.0),
    ("min_72h", "{u}", "minimum over running hours of the last 72 h", 0.0),
    ("max_72h", "{u}", "maximum over running hours of the last 72 h", 0.0),
    ("slope_72h", "{u}/d", "least-squares slope over running hours of the last 72 h", 0.0),
    ("baseline", "{u}", "median over running hours of the reference week", 0.0),
    ("ratio_24h", "1", "mean_24h / baseline", 1.0),
    ("ratio_72h", "1", "mean_72h / baseline", 1.0),
    ("cv_24h", "1", "std_24h / baseline", 0.0),
    ("range_72h", "1", "(max_72h - min_72h) / baseline", 0.0),
    ("trend_72h", "1/d", "slope_72h / baseline", 0.0),
)
SENSOR_FEATURES: tuple[Feature, ...] = (
    *(
        Feature(f"{s.name}_{suffix}", unit.format(u=s.unit), f"{s.description}: {text}", neutral)
        for s in SENSOR_SIGNALS
        for suffix, unit, text, neutral in _PER_SIGNAL
    ),
    Feature("runtime_fraction_24h", "1", "fraction of the last 24 h the pump ran", 1.0),
    Feature("runtime_fraction_72h", "1", "fraction of the last 72 h the pump ran", 1.0),
    Feature("runtime_fraction_baseline", "1", "fraction of the reference week the pump ran", 1.0),
    Feature("valid_hours_24h", "h", "running hours of the last 24 h with every signal read"),
    Feature("baseline_hours", "h", "running hours of the reference week with every signal read"),
)
PRODUCTION_FEATURES: tuple[Feature, ...] = (
    Feature("oil_rate_7d", "bbl/d", "oil per producing day (24 h) over the last 7 days"),
    Feature("oil_rate_30d", "bbl/d", "oil per producing day over the last 30 days"),
    Feature("gas_rate_30d", "Mcf/d", "gas per producing day over the last 30 days"),
    Feature("water_rate_30d", "bbl/d", "water per producing day over the last 30 days"),
    Feature("boe_per_day_30d", "BOE/d", "oil + gas/6 per calendar day over the last 30 days"),
    Feature("water_cut_7d", "1", "water / (oil + water) over the last 7 days"),
    Feature("water_cut_30d", "1", "water / (oil + water) over the last 30 days"),
    Feature("water_cut_90d", "1", "water / (oil + water) over the last 90 days"),
    Feature("water_cut_trend_90d", "1/d", "least-squares slope of daily water cut, 90 days"),
    Feature("gor_30d", "scf/bbl", "gas-oil ratio over the last 30 days"),
    Feature("decline_90d", "1/yr", "nominal decline of the oil rate per producing day, 90 days"),
    Feature("runtime_fraction_30d", "1", "hours on / 24 h over the last 30 days", 1.0),
    Feature("shut_in_days_30d", "d", "days with zero hours on in the last 30 days"),
    Feature("producing_days_30d", "d", "days with production in the last 30 days"),
    Feature("choke_7d", "1/64 in", "mean choke of producing days, last 7 days"),
    Feature("choke_30d", "1/64 in", "mean choke of producing days, last 30 days"),
    Feature("choke_last", "1/64 in", "choke of the last producing day"),
    Feature("tubing_pressure_30d", "psi", "mean tubing pressure of producing days, 30 days"),
    Feature("casing_pressure_30d", "psi", "mean casing pressure of producing days, 30 days"),
    Feature("line_pressure_30d", "psi", "mean line pressure of producing days, 30 days"),
)
CHOKE_CANDIDATE = Feature("choke_candidate", "1/64 in", "choke size whose rate is predicted")
FEATURES: tuple[Feature, ...] = (*SENSOR_FEATURES, *PRODUCTION_FEATURES, CHOKE_CANDIDATE)
"""Every feature any model can read; a manifest copies the entries of its inputs."""
FEATURES_BY_NAME = {feature.name: feature for feature in FEATURES}
SENSOR_INDEX = {feature.name: i for i, feature in enumerate(SENSOR_FEATURES)}
PRODUCTION_INDEX = {feature.name: i for i, feature in enumerate(PRODUCTION_FEATURES)}
