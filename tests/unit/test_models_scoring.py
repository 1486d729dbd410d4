"""score_well_window: the four shipped models on synthetic wells, and its rules on a fake scorer."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from models.synthetic import FailureMode, Fault, generate_sensor_series
from models.synthetic_production import generate_production_series
from shared.adapters.onnx.scorer import OnnxModelScorer
from shared.core.analytics.model.scoring import (
    ANOMALY_MODEL,
    FAILURE_MODEL,
    OPTIMIZER_MODEL,
    WATER_CUT_MODEL,
    Severity,
    WellScores,
    score_well_window,
    severity_of,
)
from shared.core.ports.scoring import ModelManifest

HOURS = 30 * 24
SIGNATURE = {
    FailureMode.BEARING_WEAR: "vibration",
    FailureMode.PUMP_OFF: ("pump_fillage", "motor_current"),
    FailureMode.TUBING_LEAK: "tubing_pressure",
    FailureMode.GAS_LOCK: ("pump_fillage", "motor_current"),
}
THRESHOLDS = {
    "flag": 0.0,
    "medium": -0.02,
    "high": -0.05,
    "critical": -0.1,
    "deviation_medium": 5.0,
    "deviation_high": 10.0,
    "deviation_critical": 20.0,
}


@pytest.fixture(scope="module")
def scorer() -> OnnxModelScorer:
    return OnnxModelScorer()


def score(scorer, seed: int, fault: Fault | None = None, days: int = 120) -> WellScores:
    sensors = generate_sensor_series(seed, HOURS, fault)
    return score_well_window(scorer, sensors, generate_production_series(seed, days))


def test_given_healthy_wells_then_few_anomalies_and_low_failure_risk(scorer):
    results = [score(scorer, 700 + i) for i in range(20)]
    flagged = [r for r in results if r.anomaly is not None and r.anomaly.is_anomaly]
    risky = [r for r in results if r.failure and r.failure.probability >= r.failure.alert_threshold]
    assert len(flagged) <= 2 and len(risky) <= 2
    assert not any(
        r.anomaly and r.anomaly.severity in (Severity.HIGH, Severity.CRITICAL) for r in results
    )


@pytest.mark.parametrize("mode", list(FailureMode))
def test_given_a_fault_about_to_fail_then_anomaly_severity_evidence_and_risk_point_at_it(
    scorer, mode
):
    fault = Fault(mode, onset_hour=HOURS, precursor_hours=144)
    result = score(scorer, 800 + list(FailureMode).index(mode), fault)
    assert result.anomaly is not None and result.anomaly.is_anomaly
    assert result.anomaly.severity in (Severity.HIGH, Severity.CRITICAL)
    assert result.anomaly.evidence and result.anomaly.evidence[0].feature.startswith(
        SIGNATURE[mode]
    )
    assert result.failure is not None
    assert result.failure.probability >= result.failure.alert_threshold
    assert result.failure.likely_mode == mode.value


def test_choke_suggestion_stays_within_bounds_and_only_moves_for_a_gain(scorer):
    for seed in range(900, 915):
        result = score(scorer, seed)
        if result.choke is None:
            continue
        choke = result.choke
        assert 8.0 <= choke.suggested_choke_64ths <= 48.0
        assert abs(choke.suggested_choke_64ths - choke.current_choke_64ths) <= 8.0
        assert choke.expected_gain_pct >= 0.0
        assert choke.change_recommended == (choke.expected_gain_pct >= 2.0)
        if not choke.change_recommended:
            assert choke.suggested_choke_64ths == choke.current_choke_64ths


def test_water_cut_forecast_is_a_fraction_near_the_current_one(scorer):
    result = score(scorer, 950)
    assert result.water_cut is not None
    assert 0.0 <= result.water_cut.predicted_30d <= 1.0
    assert abs(result.water_cut.predicted_30d - result.water_cut.current_30d) < 0.15
    assert set(result.production) >= {"boe_per_day_30d", "water_cut_30d", "gor_30d", "decline_90d"}
    assert result.model_versions == dict.fromkeys(
        (ANOMALY_MODEL, FAILURE_MODEL, OPTIMIZER_MODEL, WATER_CUT_MODEL), "1.0.0"
    )


def test_given_no_windows_or_a_stopped_pump_then_models_are_skipped_with_a_reason(scorer):
    nothing = score_well_window(scorer, None, None)
    assert nothing.anomaly is nothing.failure is nothing.choke is nothing.water_cut is None
    assert set(nothing.skipped) == {ANOMALY_MODEL, FAILURE_MODEL, OPTIMIZER_MODEL, WATER_CUT_MODEL}
    sensors = generate_sensor_series(5, HOURS)
    sensors["strokes_per_minute"][-30:] = 0.0
    sensors["motor_current"][-30:] = 0.0
    production = generate_production_series(5, 90)
    production["hours_on"][-30:] = 0.0
    stopped = score_well_window(scorer, sensors, production)
    assert stopped.anomaly is None and "running hours" in stopped.skipped[ANOMALY_MODEL]
    assert stopped.choke is None and "producing days" in stopped.skipped[OPTIMIZER_MODEL]


class FakeScorer:
    """A ModelScorer with the shipped manifests and scripted outputs."""

    def __init__(self, real: OnnxModelScorer, outputs) -> None:
        self.real = real
        self.outputs = outputs

    def manifest(self, model_name: str) -> ModelManifest:
        return self.real.manifest(model_name)

    def score(self, model_name: str, features: np.ndarray) -> np.ndarray:
        return np.asarray(self.outputs[model_name](features), dtype=np.float32)


def test_the_choke_search_picks_the_best_predicted_rate_within_its_step(scorer):
    names = scorer.manifest(OPTIMIZER_MODEL).input_names
    column = names.index("choke_candidate")
    outputs = {
        OPTIMIZER_MODEL: lambda x: 1.0 - 0.001 * (x[:, column] - 30.0) ** 2,  # best at 30
        WATER_CUT_MODEL: lambda x: np.full(len(x), 1.7),  # clipped to 1
    }
    production = generate_production_series(3, 90)
    production["choke_64ths"][:] = 20.0
    result = score_well_window(FakeScorer(scorer, outputs), None, production)
    assert result.choke is not None and result.choke.current_choke_64ths == 20.0
    assert result.choke.suggested_choke_64ths == 28.0  # 30 is beyond the 8/64 step
    assert result.choke.change_recommended and result.choke.expected_gain_pct > 2.0
    assert result.water_cut is not None and result.water_cut.predicted_30d == 1.0


def test_failure_risk_is_one_minus_the_probability_of_no_failure(scorer):
    classes = scorer.manifest(FAILURE_MODEL).classes
    probabilities = np.linspace(1.0, 2.0, len(classes))
    probabilities = probabilities / probabilities.sum()
    outputs = {
        ANOMALY_MODEL: lambda x: np.full(len(x), 0.1),
        FAILURE_MODEL: lambda x: np.tile(probabilities, (len(x), 1)),
    }
    result = score_well_window(FakeScorer(scorer, outputs), generate_sensor_series(4, HOURS), None)
    assert result.failure is not None
    assert result.failure.probability == pytest.approx(1.0 - probabilities[0], rel=1e-6)
    assert result.failure.likely_mode == classes[-1]
    assert result.anomaly is not None and not result.anomaly.is_anomaly
    assert result.anomaly.evidence == ()


@pytest.mark.parametrize(
    ("score_value", "deviation", "expected"),
    [
        (0.05, 2.0, None),
        (-0.01, 2.0, Severity.LOW),
        (-0.03, 2.0, Severity.MEDIUM),
        (-0.06, 2.0, Severity.HIGH),
        (-0.2, 2.0, Severity.CRITICAL),
        (-0.01, 6.0, Severity.MEDIUM),
        (0.05, 6.0, None),  # a moderate deviation alone does not flag
        (0.05, 12.0, Severity.HIGH),  # a large one does
        (-0.01, 25.0, Severity.CRITICAL),
    ],
)
def test_severity_is_the_higher_of_the_score_and_deviation_tiers(score_value, deviation, expected):
    assert severity_of(score_value, deviation, THRESHOLDS) is expected


def test_without_deviation_thresholds_only_the_score_decides():
    score_only = {k: v for k, v in THRESHOLDS.items() if not k.startswith("deviation")}
    assert severity_of(0.05, 1e9, score_only) is None
    assert severity_of(-0.06, 1e9, score_only) is Severity.HIGH


def test_a_manifest_round_trips_through_its_dictionary(scorer):
    manifest = scorer.manifest(ANOMALY_MODEL)
    again = ModelManifest.from_dict(manifest.to_dict())
    assert again == replace(manifest)
    assert again.input_names == manifest.input_names


def test_given_no_choke_readings_then_no_choke_suggestion_but_a_water_cut(scorer):
    production = generate_production_series(6, 90)
    production["choke_64ths"][:] = np.nan
    result = score_well_window(scorer, None, production)
    assert result.choke is None and "choke" in result.skipped[OPTIMIZER_MODEL]
    assert result.water_cut is not None
    assert OPTIMIZER_MODEL not in result.model_versions


def test_a_current_choke_outside_the_trained_range_is_kept(scorer):
    production = generate_production_series(7, 90)
    production["choke_64ths"][:] = 60.0
    result = score_well_window(scorer, None, production)
    assert result.choke is not None and not result.choke.change_recommended
    assert result.choke.suggested_choke_64ths == 60.0
