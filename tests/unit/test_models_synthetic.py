"""The synthetic field: deterministic, Arps-shaped production, faults with precursors, labels."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import models.synthetic
import models.synthetic_production
from models.datasets import MODES, DataConfig, well_fault
from models.synthetic import (
    HORIZON_HOURS,
    FailureMode,
    Fault,
    generate_sensor_series,
    sensor_labels,
)
from models.synthetic_production import (
    choke_response,
    generate_production_series,
    optimal_choke,
    well_profile,
)
from shared.core.analytics.model.catalogue import PRODUCTION_COLUMNS, SENSOR_SIGNALS
from shared.core.decline.model import ModifiedHyperbolic

HOURS = 600
ONSET = 500
PRECURSOR = 120


def running_mean(values: np.ndarray, spm: np.ndarray) -> float:
    keep = np.isfinite(values) & (spm > 0.5)
    return float(values[keep].mean())


def running_std(values: np.ndarray, spm: np.ndarray) -> float:
    keep = np.isfinite(values) & (spm > 0.5)
    return float(values[keep].std())


def test_given_a_seed_then_sensor_and_production_series_are_reproducible():
    first = generate_sensor_series(11, 200, Fault(FailureMode.GAS_LOCK, 150, 72))
    again = generate_sensor_series(11, 200, Fault(FailureMode.GAS_LOCK, 150, 72))
    other = generate_sensor_series(12, 200)
    assert set(first) == {s.name for s in SENSOR_SIGNALS}
    for name in first:
        np.testing.assert_array_equal(first[name], again[name])
        assert not np.allclose(np.nan_to_num(first[name]), np.nan_to_num(other[name]))
    production = generate_production_series(11, 50)
    assert set(production) == {c.name for c in PRODUCTION_COLUMNS}
    np.testing.assert_array_equal(
        production["oil_bbl"], generate_production_series(11, 50)["oil_bbl"]
    )


def test_given_a_well_then_its_oil_follows_its_arps_decline_times_the_choke_response():
    profile = well_profile(4)
    assert isinstance(profile.decline, ModifiedHyperbolic)
    days = 900
    series = generate_production_series(4, days)
    age = profile.age_days + np.arange(days)
    read = sum(series[c] for c in ("oil_bbl", "choke_64ths", "casing_pressure_psi"))
    producing = (series["hours_on"] >= 20.0) & np.isfinite(read + series["line_pressure_psi"])
    rate = 24.0 * series["oil_bbl"][producing] / series["hours_on"][producing]
    pressures = series["casing_pressure_psi"], series["line_pressure_psi"]
    optimum = optimal_choke(*pressures)
    expected = profile.decline.rate(age) * choke_response(series["choke_64ths"], optimum)
    ratio = rate / expected[producing]
    assert np.median(ratio) == pytest.approx(1.0, abs=0.03)  # noise and flush only
    potential = profile.decline.rate(age)
    assert potential[-90:].mean() < potential[:90].mean()  # a declining well


def test_the_choke_response_peaks_at_the_optimum_choke():
    optimum = np.array(24.0)
    chokes = np.arange(8.0, 49.0)
    response = choke_response(chokes, optimum)
    assert chokes[np.argmax(response)] == 24.0 and response.max() == pytest.approx(1.0)
    depleted = optimal_choke(np.array(150.0), np.array(100.0))
    fresh = optimal_choke(np.array(600.0), np.array(100.0))
    assert depleted < fresh


def test_given_shut_in_days_then_nothing_is_produced_and_cuts_stay_fractions():
    series = generate_production_series(8, 1000)
    shut = series["hours_on"] == 0.0
    assert shut.any()
    assert np.nan_to_num(series["oil_bbl"][shut]).max() == 0.0
    flowing = series["oil_bbl"] > 0.0
    cut = series["water_bbl"][flowing] / (series["oil_bbl"] + series["water_bbl"])[flowing]
    assert np.nanmin(cut) >= 0.0 and np.nanmax(cut) < 1.0


def test_sensor_streams_have_daily_cycles():
    temperature = generate_sensor_series(5, 24 * 20, gap_rate=0.0)["flowline_temperature"]
    spm = generate_sensor_series(5, 24 * 20, gap_rate=0.0)["strokes_per_minute"]
    t = np.where(spm > 0.5, temperature, np.nan)
    centred = t - np.nanmean(t)

    def lag_correlation(lag: int) -> float:
        a, b = centred[:-lag], centred[lag:]
        keep = np.isfinite(a) & np.isfinite(b)
        return float(np.corrcoef(a[keep], b[keep])[0, 1])

    assert lag_correlation(24) > 0.5 > lag_correlation(12)


@pytest.mark.parametrize("mode", list(FailureMode))
def test_given_a_fault_then_the_series_is_unchanged_until_its_precursors_begin(mode):
    clean = generate_sensor_series(21, HOURS)
    faulty = generate_sensor_series(21, HOURS, Fault(mode, ONSET, PRECURSOR))
    before = slice(0, ONSET - PRECURSOR)
    for name in clean:
        np.testing.assert_array_equal(clean[name][before], faulty[name][before])


@pytest.mark.parametrize(
    ("mode", "signal", "check"),
    [
        (FailureMode.BEARING_WEAR, "vibration", lambda fault, clean: fault > 2.0 * clean),
        (FailureMode.PUMP_OFF, "pump_fillage", lambda fault, clean: fault < clean - 25.0),
        (FailureMode.PUMP_OFF, "motor_current", lambda fault, clean: fault < 0.8 * clean),
        (FailureMode.TUBING_LEAK, "tubing_pressure", lambda fault, clean: fault < 0.65 * clean),
        (FailureMode.TUBING_LEAK, "casing_pressure", lambda fault, clean: fault > clean),
    ],
)
def test_given_a_fault_then_its_precursor_shows_in_the_last_day_before_onset(mode, signal, check):
    clean = generate_sensor_series(31, HOURS)
    faulty = generate_sensor_series(31, HOURS, Fault(mode, ONSET, PRECURSOR))
    day = slice(ONSET - 24, ONSET)
    fault_mean = running_mean(faulty[signal][day], faulty["strokes_per_minute"][day])
    clean_mean = running_mean(clean[signal][day], clean["strokes_per_minute"][day])
    assert check(fault_mean, clean_mean)


def test_given_gas_lock_then_current_and_fillage_turn_erratic():
    clean = generate_sensor_series(41, HOURS)
    faulty = generate_sensor_series(41, HOURS, Fault(FailureMode.GAS_LOCK, ONSET, PRECURSOR))
    day = slice(ONSET - 24, ONSET)
    for signal in ("motor_current", "pump_fillage"):
        fault_std = running_std(faulty[signal][day], faulty["strokes_per_minute"][day])
        clean_std = running_std(clean[signal][day], clean["strokes_per_minute"][day])
        assert fault_std > 3.0 * clean_std


def test_precursors_grow_towards_the_onset():
    faulty = generate_sensor_series(51, HOURS, Fault(FailureMode.BEARING_WEAR, ONSET, PRECURSOR))
    spm = faulty["strokes_per_minute"]
    early = running_mean(faulty["vibration"][ONSET - 96 : ONSET - 72], spm[ONSET - 96 : ONSET - 72])
    late = running_mean(faulty["vibration"][ONSET - 24 : ONSET], spm[ONSET - 24 : ONSET])
    assert late > 1.5 * early


def test_given_a_fault_then_the_pump_is_down_from_its_onset():
    faulty = generate_sensor_series(61, HOURS, Fault(FailureMode.TUBING_LEAK, ONSET, PRECURSOR))
    after = faulty["strokes_per_minute"][ONSET:]
    assert np.nan_to_num(after).max() == 0.0


def test_labels_mark_the_seven_day_horizon_the_precursor_and_the_failure():
    fault = Fault(FailureMode.PUMP_OFF, ONSET, PRECURSOR)
    labels = sensor_labels(HOURS, fault)
    within = np.flatnonzero(labels["failure_within_7d"])
    assert within[0] == ONSET - HORIZON_HOURS + 1 and within[-1] == ONSET
    precursor = np.flatnonzero(labels["precursor"])
    assert precursor[0] == ONSET - PRECURSOR and precursor[-1] == ONSET - 1
    assert labels["failed"][ONSET:].all() and not labels["failed"][:ONSET].any()
    assert labels["hours_to_failure"][ONSET - 10] == 10.0
    assert np.isinf(labels["hours_to_failure"][ONSET + 1])
    healthy = sensor_labels(HOURS, None)
    assert not healthy["failure_within_7d"].any() and np.isinf(healthy["hours_to_failure"]).all()


def test_the_training_field_balances_failure_modes():
    config = DataConfig(train_wells=80)
    seeds = config.well_seeds("train")
    faults = [well_fault(config, seed, i) for i, seed in enumerate(seeds)]
    modes = [fault.mode for fault in faults if fault is not None]
    counts = {mode: modes.count(mode) for mode in MODES}
    assert 0.4 < len(modes) / len(seeds) < 0.8
    assert min(counts.values()) >= 0.5 * max(counts.values())
    assert set(config.well_seeds("train")).isdisjoint(config.well_seeds("test"))


def test_docstring_examples_run():
    for module in (models.synthetic, models.synthetic_production):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0
