"""Synthetic rod-pump sensor streams with failure modes and their labels (numpy only).

Deterministic by seed: a well's seed fixes its baselines, daily cycles, slow
drift, noise, downtime and telemetry gaps. Hourly signals are those of
:data:`shared.core.analytics.model.catalogue.SENSOR_SIGNALS`.

A :class:`Fault` fails the pump at ``onset_hour``; over ``precursor_hours``
before it the fault's signature ramps in (progress ``p`` from 0 to 1, shaped
``p**1.5`` so it accelerates), and from the onset on the unit is down:

- bearing wear: vibration rises to 3.5x and turns spiky, current +6 %;
- pump-off: fillage falls towards 35 %, current -35 %, the pump idles more often;
- tubing leak: tubing pressure decays by 55 %, casing pressure +8 %;
- gas lock: fillage and current swing erratically, growing with ``p``.

Examples
--------
>>> series = generate_sensor_series(7, hours=48)
>>> sorted(series) == sorted(s.name for s in SENSOR_SIGNALS)
True
>>> fault = Fault(FailureMode.PUMP_OFF, onset_hour=400, precursor_hours=120)
>>> labels = sensor_labels(500, fault)
>>> bool(labels["failure_within_7d"][300]), bool(labels["failed"][450])
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypedDict

import numpy as np
from numpy.typing import NDArray
from scipy.signal import lfilter  # type: ignore[import-untyped]

from shared.core.analytics.model.catalogue import SENSOR_SIGNALS

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
SENSOR_STREAM = 1
HORIZON_HOURS = 7 * 24
"""The failure predictor's horizon: failure within 7 days."""


class FailureMode(StrEnum):
    BEARING_WEAR = "bearing_wear"
    PUMP_OFF = "pump_off"
    TUBING_LEAK = "tubing_leak"
    GAS_LOCK = "gas_lock"


@dataclass(frozen=True)
class Fault:
    """A failure at ``onset_hour`` announced by precursors over ``precursor_hours``."""

    mode: FailureMode
    onset_hour: int
    precursor_hours: int = 120

    def progress(self, hours: int) -> FloatArray:
        """Precursor progress per hour: 0 before, rising to 1 at the onset, 1 after."""
        h = np.arange(hours, dtype=np.float64)
        start = self.onset_hour - self.precursor_hours
        return np.clip((h - start) / self.precursor_hours, 0.0, 1.0) ** 1.5


@dataclass(frozen=True)
class PumpProfile:
    """A well's normal operating point, drawn from its seed."""

    baseline: dict[str, float]
    daily_amplitude: dict[str, float]
    noise: dict[str, float]
    peak_hour: float
    downtime_per_day: float


def pump_profile(well_seed: int) -> PumpProfile:
    rng = np.random.default_rng([well_seed, SENSOR_STREAM, 0])
    baseline = {
        "motor_current": rng.uniform(28.0, 55.0),
        "vibration": rng.uniform(0.12, 0.30),
        "tubing_pressure": rng.uniform(90.0, 260.0),
        "casing_pressure": rng.uniform(40.0, 220.0),
        "flowline_temperature": rng.uniform(78.0, 105.0),
        "strokes_per_minute": rng.uniform(5.5, 10.0),
        "pump_fillage": rng.uniform(82.0, 97.0),
    }
    relative = {"motor_current": 0.03, "vibration": 0.03, "tubing_pressure": 0.015}
    daily = {name: relative.get(name, 0.0) * value for name, value in baseline.items()}
    daily["flowline_temperature"] = rng.uniform(3.0, 7.0)
    daily["pump_fillage"] = rng.uniform(0.5, 1.5)
    noise = {
        "motor_current": 0.015 * baseline["motor_current"],
        "vibration": 0.06 * baseline["vibration"],
        "tubing_pressure": 0.015 * baseline["tubing_pressure"],
        "casing_pressure": 0.015 * baseline["casing_pressure"],
        "flowline_temperature": 0.8,
        "strokes_per_minute": 0.005 * baseline["strokes_per_minute"],
        "pump_fillage": 1.5,
    }
    return PumpProfile(baseline, daily, noise, rng.uniform(13.0, 16.0), rng.uniform(0.05, 0.3))


def generate_sensor_series(
    well_seed: int, hours: int, fault: Fault | None = None, *, gap_rate: float = 0.005
) -> dict[str, FloatArray]:
    """Hourly readings of one rod-pumped well, hour 0 at local midnight; NaN for a gap."""
    profile = pump_profile(well_seed)
    rng = np.random.default_rng([well_seed, SENSOR_STREAM, 1])
    h = np.arange(hours, dtype=np.float64)
    cycle = np.cos(2.0 * np.pi * (h - profile.peak_hour) / 24.0)
    series: dict[str, FloatArray] = {}
    for signal in SENSOR_SIGNALS:
        base = profile.baseline[signal.name]
        drift = _slow_drift(rng, hours, 0.012 * base)
        series[signal.name] = (
            base
            + drift
            + profile.daily_amplitude[signal.name] * cycle
            + rng.normal(0.0, profile.noise[signal.name], hours)
        )
    down = _downtime(rng, hours, profile.downtime_per_day)
    gaps = {name: rng.random(hours) < gap_rate for name in series}
    stopped = _stopped_readings(profile, cycle, rng)
    if fault is not None:  # its own stream: before the precursors, the series is unchanged
        fault_rng = np.random.default_rng([well_seed, SENSOR_STREAM, 2])
        down |= _apply_fault(series, fault, profile, fault_rng)
    for name, values in series.items():
        values[down] = stopped[name][down]
        values[gaps[name]] = np.nan
    series["pump_fillage"] = np.clip(series["pump_fillage"], 0.0, 100.0)
    return series


class SensorLabels(TypedDict):
    """Per-hour labels of one well's sensor series (see :func:`sensor_labels`)."""

    failure_within_7d: BoolArray
    precursor: BoolArray
    failed: BoolArray
    hours_to_failure: FloatArray


def sensor_labels(hours: int, fault: Fault | None) -> SensorLabels:
    """Per-hour labels; a window ending before hour ``e`` takes the labels of ``e``.

    ``failure_within_7d``: the pump fails at ``e`` or in the 7 days after;
    ``precursor``: precursors under way and not failed yet; ``failed``: at or after
    the onset; ``hours_to_failure``: onset - e (inf without a fault or once failed).
    """
    h = np.arange(hours)
    if fault is None:
        no = np.zeros(hours, dtype=bool)
        return {
            "failure_within_7d": no,
            "precursor": no.copy(),
            "failed": no.copy(),
            "hours_to_failure": np.full(hours, np.inf),
        }
    to_failure = (fault.onset_hour - h).astype(np.float64)
    before = to_failure > 0
    return {
        "failure_within_7d": (to_failure >= 0) & (to_failure < HORIZON_HOURS),
        "precursor": before & (to_failure <= fault.precursor_hours),
        "failed": ~before,
        "hours_to_failure": np.where(to_failure >= 0, to_failure, np.inf),
    }


def _slow_drift(rng: np.random.Generator, hours: int, scale: float) -> FloatArray:
    """AR(1) wander with stationary standard deviation ``scale`` (a day-scale memory)."""
    phi = 0.97
    shocks = rng.normal(0.0, scale * np.sqrt(1.0 - phi**2), hours)
    shocks[0] = rng.normal(0.0, scale)
    drift: FloatArray = lfilter([1.0], [1.0, -phi], shocks)
    return drift


def _downtime(rng: np.random.Generator, hours: int, per_day: float) -> BoolArray:
    down = np.zeros(hours, dtype=bool)
    for _ in range(rng.poisson(per_day * hours / 24.0)):
        start = int(rng.integers(0, max(hours, 1)))
        down[start : start + int(rng.integers(1, 7))] = True
    return down


def _apply_fault(
    series: dict[str, FloatArray], fault: Fault, profile: PumpProfile, rng: np.random.Generator
) -> BoolArray:
    """Add the precursors in place; return the hours the unit is down because of the fault."""
    hours = len(series["motor_current"])
    p = fault.progress(hours)
    base = profile.baseline
    if fault.mode is FailureMode.BEARING_WEAR:
        spikes = np.abs(rng.normal(0.0, 0.4 * base["vibration"], hours))
        series["vibration"] *= 1.0 + 2.5 * p
        series["vibration"] += p * spikes
        series["motor_current"] *= 1.0 + 0.06 * p
    elif fault.mode is FailureMode.PUMP_OFF:
        series["pump_fillage"] -= (base["pump_fillage"] - 35.0) * p
        series["motor_current"] *= 1.0 - 0.35 * p
        series["flowline_temperature"] -= 4.0 * p
        series["tubing_pressure"] *= 1.0 - 0.1 * p
    elif fault.mode is FailureMode.TUBING_LEAK:
        series["tubing_pressure"] *= 1.0 - 0.55 * p
        series["casing_pressure"] *= 1.0 + 0.08 * p
        series["motor_current"] *= 1.0 - 0.05 * p
        series["flowline_temperature"] -= 3.0 * p
    else:  # gas lock
        swings = rng.random(hours)
        series["pump_fillage"] *= 1.0 - 0.55 * p * swings
        series["motor_current"] *= 1.0 + 0.25 * p * rng.normal(0.0, 1.0, hours).clip(-2.5, 2.5)
    idle = fault.mode is FailureMode.PUMP_OFF
    idling = rng.random(hours) < (0.25 * p if idle else 0.0)
    return idling | (np.arange(hours) >= fault.onset_hour)


def _stopped_readings(
    profile: PumpProfile, cycle: FloatArray, rng: np.random.Generator
) -> dict[str, FloatArray]:
    """Readings of a stopped pump, every hour: no current, strokes or fillage; pressures build."""
    n = len(cycle)
    base = profile.baseline
    ambient = base["flowline_temperature"] - 12.0
    swing = profile.daily_amplitude["flowline_temperature"] * 1.5 * cycle
    return {
        "motor_current": np.zeros(n),
        "vibration": np.abs(rng.normal(0.01, 0.005, n)),
        "tubing_pressure": base["tubing_pressure"] * 1.1 + rng.normal(0.0, 2.0, n),
        "casing_pressure": base["casing_pressure"] * 1.05 + rng.normal(0.0, 2.0, n),
        "flowline_temperature": ambient + swing + rng.normal(0.0, 0.8, n),
        "strokes_per_minute": np.zeros(n),
        "pump_fillage": np.zeros(n),
    }
