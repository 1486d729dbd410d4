"""Feature computation on small hand-made windows: shapes, units, known values."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

from shared.core.analytics.model import features as f
from shared.core.analytics.model.catalogue import (
    FEATURES,
    PRODUCTION_FEATURES,
    PRODUCTION_INDEX,
    PRODUCTION_WINDOW_DAYS,
    SENSOR_FEATURES,
    SENSOR_INDEX,
    SENSOR_SIGNALS,
    SENSOR_WINDOW_HOURS,
)
from shared.core.analytics.model.features import (
    column_indices,
    optimizer_inputs,
    production_feature_matrix,
    production_features,
    sensor_feature_matrix,
    sensor_features,
)
from shared.core.common.errors import InputError

HOURS = SENSOR_WINDOW_HOURS
BASE = {
    "motor_current": 40.0,
    "vibration": 0.2,
    "tubing_pressure": 150.0,
    "casing_pressure": 100.0,
    "flowline_temperature": 90.0,
    "strokes_per_minute": 8.0,
    "pump_fillage": 90.0,
}


def steady_window(hours: int = HOURS) -> dict[str, np.ndarray]:
    return {name: np.full(hours, value) for name, value in BASE.items()}


def value(row: np.ndarray, name: str) -> float:
    return float(row[SENSOR_INDEX[name]])


def production_window(days: int = PRODUCTION_WINDOW_DAYS, **overrides: float) -> dict:
    columns = {
        "oil_bbl": 100.0,
        "gas_mcf": 200.0,
        "water_bbl": 25.0,
        "hours_on": 24.0,
        "choke_64ths": 24.0,
        "tubing_pressure_psi": 150.0,
        "casing_pressure_psi": 400.0,
        "line_pressure_psi": 100.0,
    } | overrides
    return {name: np.full(days, v) for name, v in columns.items()}


def test_catalogue_names_are_unique_and_every_feature_has_a_unit_and_description():
    names = [feature.name for feature in FEATURES]
    assert len(names) == len(set(names))
    assert all(feature.unit and feature.description for feature in FEATURES)
    assert len(SENSOR_FEATURES) == 12 * len(SENSOR_SIGNALS) + 5


def test_units_follow_the_signal():
    units = {feature.name: feature.unit for feature in FEATURES}
    assert units["tubing_pressure_mean_24h"] == "psi"
    assert units["vibration_slope_72h"] == "in/s/d"
    assert units["pump_fillage_ratio_24h"] == "1"
    assert units["motor_current_trend_72h"] == "1/d"
    assert units["boe_per_day_30d"] == "BOE/d"
    assert units["gor_30d"] == "scf/bbl"
    assert units["decline_90d"] == "1/yr"


def test_given_steady_readings_when_featurised_then_ratios_are_one_and_spreads_zero():
    row = sensor_features(steady_window())
    assert row.shape == (len(SENSOR_FEATURES),) and row.dtype == np.float32
    for signal, level in BASE.items():
        assert value(row, f"{signal}_mean_24h") == pytest.approx(level, rel=1e-6)
        assert value(row, f"{signal}_baseline") == pytest.approx(level, rel=1e-6)
        assert value(row, f"{signal}_ratio_24h") == pytest.approx(1.0)
        assert value(row, f"{signal}_std_24h") == pytest.approx(0.0, abs=1e-5)
        assert value(row, f"{signal}_trend_72h") == pytest.approx(0.0, abs=1e-6)
    assert value(row, "runtime_fraction_24h") == 1.0
    assert value(row, "valid_hours_24h") == 24.0
    assert value(row, "baseline_hours") == 168.0


def test_given_a_linear_ramp_when_featurised_then_slope_is_per_day():
    window = steady_window()
    window["vibration"] = 0.2 + 0.05 * np.arange(HOURS) / 24.0  # +0.05 in/s per day
    row = sensor_features(window)
    assert value(row, "vibration_slope_72h") == pytest.approx(0.05, rel=1e-4)
    mean_24 = 0.2 + 0.05 * (HOURS - 12.5) / 24.0
    assert value(row, "vibration_mean_24h") == pytest.approx(mean_24, rel=1e-5)
    baseline = 0.2 + 0.05 * 83.5 / 24.0  # median of the reference week, hours 0-167
    assert value(row, "vibration_baseline") == pytest.approx(baseline, rel=1e-5)
    assert value(row, "vibration_min_72h") == pytest.approx(0.2 + 0.05 * (HOURS - 72) / 24)


def test_given_downtime_when_featurised_then_stopped_hours_are_left_out_of_statistics():
    window = steady_window()
    stopped = slice(HOURS - 6, HOURS)
    window["strokes_per_minute"][stopped] = 0.0
    window["motor_current"][stopped] = 0.0
    window["pump_fillage"][stopped] = 0.0
    row = sensor_features(window)
    assert value(row, "runtime_fraction_24h") == pytest.approx(18 / 24)
    assert value(row, "motor_current_mean_24h") == pytest.approx(40.0)
    assert value(row, "pump_fillage_ratio_24h") == pytest.approx(1.0)
    assert value(row, "valid_hours_24h") == 18.0


def test_given_unread_strokes_during_downtime_then_current_decides_if_the_pump_ran():
    window = steady_window()
    window["strokes_per_minute"][-3:] = np.nan
    window["motor_current"][-3:] = 0.0  # stopped, strokes not read
    row = sensor_features(window)
    assert value(row, "motor_current_mean_24h") == pytest.approx(40.0)
    assert value(row, "motor_current_cv_24h") == pytest.approx(0.0, abs=1e-6)
    assert value(row, "runtime_fraction_24h") == pytest.approx(21 / 24)


def test_given_gaps_and_a_dead_sensor_then_features_stay_finite_with_neutral_values():
    window = steady_window()
    window["casing_pressure"][:] = np.nan
    window["tubing_pressure"][::5] = np.nan
    row = sensor_features(window)
    assert np.isfinite(row).all()
    assert value(row, "casing_pressure_ratio_24h") == 1.0
    assert value(row, "casing_pressure_baseline") == 0.0
    assert value(row, "tubing_pressure_ratio_24h") == pytest.approx(1.0)
    assert value(row, "valid_hours_24h") == 0.0  # no hour had every signal


def test_a_short_window_is_padded_with_missing_hours():
    row = sensor_features(steady_window(hours=100))
    assert value(row, "baseline_hours") == 0.0
    assert value(row, "vibration_ratio_24h") == 1.0
    assert value(row, "valid_hours_24h") == 24.0


def test_matrix_rows_equal_single_windows_ending_at_the_same_hour():
    rng = np.random.default_rng(3)
    series = {name: level * (1 + 0.05 * rng.standard_normal(500)) for name, level in BASE.items()}
    ends = np.array([200, 336, 421, 500])
    matrix = sensor_feature_matrix(series, ends)
    for row, end in zip(matrix, ends, strict=True):
        single = sensor_features({name: values[:end] for name, values in series.items()})
        np.testing.assert_array_equal(row, single)


def test_missing_column_or_ragged_window_is_an_input_error():
    window = steady_window()
    del window["vibration"]
    with pytest.raises(InputError) as missing:
        sensor_features(window)
    assert missing.value.field == "vibration"
    ragged = steady_window()
    ragged["vibration"] = ragged["vibration"][:-1]
    with pytest.raises(InputError):
        sensor_features(ragged)


def test_given_steady_production_then_rates_cuts_and_ratios_are_exact():
    row = production_features(production_window())
    p = {feature.name: float(row[i]) for i, feature in enumerate(PRODUCTION_FEATURES)}
    assert p["oil_rate_30d"] == pytest.approx(100.0)
    assert p["boe_per_day_30d"] == pytest.approx(100.0 + 200.0 / 6.0)
    assert p["water_cut_30d"] == pytest.approx(0.2)
    assert p["gor_30d"] == pytest.approx(2000.0)
    assert p["decline_90d"] == pytest.approx(0.0, abs=1e-6)
    assert p["runtime_fraction_30d"] == 1.0 and p["shut_in_days_30d"] == 0.0
    assert p["choke_last"] == 24.0 and p["casing_pressure_30d"] == pytest.approx(400.0)


def test_given_partial_days_and_shut_ins_then_rates_are_per_producing_day():
    window = production_window()
    for column in ("hours_on", "oil_bbl", "gas_mcf", "water_bbl"):
        window[column][-10:-5] = 0.0  # shut in
        window[column][-5:] /= 2.0  # 12 hours on
    row = production_features(window)
    assert row[PRODUCTION_INDEX["oil_rate_7d"]] == pytest.approx(100.0)
    assert row[PRODUCTION_INDEX["shut_in_days_30d"]] == 5.0
    assert row[PRODUCTION_INDEX["producing_days_30d"]] == 25.0
    expected_runtime = (20 * 24 + 5 * 12) / (30 * 24)
    assert row[PRODUCTION_INDEX["runtime_fraction_30d"]] == pytest.approx(expected_runtime)
    assert row[PRODUCTION_INDEX["boe_per_day_30d"]] == pytest.approx(
        (20 * (100 + 200 / 6) + 5 * (50 + 100 / 6)) / 30, rel=1e-5
    )


def test_given_an_exponential_decline_then_decline_is_nominal_per_year():
    days = np.arange(PRODUCTION_WINDOW_DAYS)
    nominal_per_year = 0.35
    window = production_window()
    window["oil_bbl"] = 200.0 * np.exp(-nominal_per_year / 365.25 * days)
    row = production_features(window)
    assert row[PRODUCTION_INDEX["decline_90d"]] == pytest.approx(nominal_per_year, rel=1e-4)


def test_given_rising_water_then_the_water_cut_trend_is_per_day():
    window = production_window()
    cut = 0.2 + 0.001 * np.arange(PRODUCTION_WINDOW_DAYS)
    window["water_bbl"] = 100.0 * cut / (1.0 - cut)
    row = production_features(window)
    assert row[PRODUCTION_INDEX["water_cut_trend_90d"]] == pytest.approx(0.001, rel=1e-3)


def test_production_matrix_rows_equal_single_windows():
    rng = np.random.default_rng(9)
    series = production_window(days=200)
    series["oil_bbl"] = 80.0 + 10.0 * rng.standard_normal(200)
    ends = np.array([90, 150, 200])
    matrix = production_feature_matrix(series, ends)
    for row, end in zip(matrix, ends, strict=True):
        single = production_features({k: v[:end] for k, v in series.items()})
        np.testing.assert_array_equal(row, single)


def test_optimizer_inputs_put_each_candidate_choke_in_its_column():
    row = production_features(production_window())
    names = ("choke_candidate", "choke_7d", "gor_30d")
    matrix = optimizer_inputs(row, [16, 20, 24], names)
    assert matrix.dtype == np.float32 and matrix.shape == (3, 3)
    np.testing.assert_array_equal(matrix[:, 0], [16, 20, 24])
    assert (matrix[:, 1] == 24.0).all() and matrix[0, 2] == pytest.approx(2000.0)


def test_column_indices_name_unknown_features():
    np.testing.assert_array_equal(
        column_indices(["vibration_ratio_24h", "motor_current_mean_24h"], SENSOR_FEATURES),
        [SENSOR_INDEX["vibration_ratio_24h"], 0],
    )
    with pytest.raises(InputError, match="no_such_feature"):
        column_indices(["no_such_feature"], SENSOR_FEATURES)


def test_docstring_examples_run():
    result = doctest.testmod(f)
    assert result.failed == 0 and result.attempted > 0


def test_features_never_hold_nan_even_for_empty_windows():
    empty = {name: np.full(HOURS, np.nan) for name in BASE}
    assert np.isfinite(sensor_features(empty)).all()
    nothing = {k: np.full(PRODUCTION_WINDOW_DAYS, math.nan) for k in production_window()}
    assert np.isfinite(production_features(nothing)).all()


@pytest.mark.parametrize("glitch", [1e300, -1e300, math.inf, 1e30, 99.0, -5.0])
def test_a_sensor_glitch_counts_as_a_missing_hour(glitch):
    # GIVEN a noisy window, and the same window with one vibration hour a glitch or missing
    rng = np.random.default_rng(4)
    window = {name: v * (1 + 0.02 * rng.standard_normal(HOURS)) for name, v in BASE.items()}
    glitched = {name: values.copy() for name, values in window.items()}
    missing = {name: values.copy() for name, values in window.items()}
    glitched["vibration"][-3] = glitch
    missing["vibration"][-3] = np.nan
    # WHEN their features are computed
    row, expected = sensor_features(glitched), sensor_features(missing)
    # THEN they are equal: finite, and nothing skewed by the glitch
    assert np.all(np.isfinite(row))
    np.testing.assert_array_equal(row, expected)


def test_an_implausible_production_day_counts_as_missing():
    window = production_window()
    glitched = {name: np.array(values, dtype=float) for name, values in window.items()}
    missing = {name: values.copy() for name, values in glitched.items()}
    glitched["oil_bbl"][-2], missing["oil_bbl"][-2] = 1e12, np.nan
    glitched["hours_on"][-4], missing["hours_on"][-4] = 30.0, np.nan
    np.testing.assert_array_equal(production_features(glitched), production_features(missing))
