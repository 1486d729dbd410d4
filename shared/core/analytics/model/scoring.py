"""Score one well: anomaly, failure risk, choke suggestion and water cut through a ModelScorer.

:func:`score_well_window` is what the nightly scoring job calls per well. It
computes the features with :mod:`shared.core.analytics.model.features` (the code
training used), picks each model's inputs by the names in its manifest and
reads thresholds and bounds from the manifests too, so shipping new models
needs no code change here. A model is skipped, with the reason in
``WellScores.skipped``, when its window has too little data.

An anomaly is flagged when the isolation-forest score falls below ``flag``
(2 % of held-out normal windows) or when an input deviates from its training
median by ``deviation_high`` robust standard deviations or more (twice the
largest deviation of 99.9 % of normal windows). Its severity is the higher of
two tiers, both set on held-out normal windows when the model was trained:

- score: LOW below ``flag``, MEDIUM below ``medium`` (0.5 % of normal windows),
  HIGH below ``high`` (0.1 %), CRITICAL below ``critical`` (as far again below);
- deviation (largest robust z of the inputs): MEDIUM from ``deviation_medium``
  (the 99.9 % quantile of normal windows), HIGH from ``deviation_high`` (2x),
  CRITICAL from ``deviation_critical`` (4x).

An isolation forest scores a point far outside the training data about as it
scores one at its edge, so the score alone cannot tell a slight oddity from a
failing pump; the deviation tier can.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

from shared.core.analytics.model.catalogue import (
    MIN_BASELINE_HOURS,
    MIN_PRODUCING_DAYS_30D,
    MIN_VALID_HOURS_24H,
    PRODUCTION_FEATURES,
    PRODUCTION_INDEX,
    SENSOR_FEATURES,
)
from shared.core.analytics.model.features import (
    column_indices,
    optimizer_inputs,
    production_features,
    production_scoreable,
    sensor_features,
    sensor_scoreable,
)
from shared.core.ports.scoring import ModelManifest, ModelScorer

ANOMALY_MODEL = "anomaly_detector"
FAILURE_MODEL = "failure_predictor"
OPTIMIZER_MODEL = "production_optimizer"
WATER_CUT_MODEL = "water_cut_predictor"
MODEL_NAMES = (ANOMALY_MODEL, FAILURE_MODEL, OPTIMIZER_MODEL, WATER_CUT_MODEL)

MIN_CHOKE_GAIN = 0.02
"""A choke change is suggested only for a predicted oil gain of 2 % or more."""
EVIDENCE_MIN_Z = 3.0
EVIDENCE_COUNT = 3
SUMMARY = ("boe_per_day_30d", "oil_rate_30d", "water_cut_30d", "gor_30d", "decline_90d")


class Severity(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"


@dataclass(frozen=True)
class Evidence:
    """An input far from its training median: ``z`` in robust standard deviations."""

    feature: str
    unit: str
    value: float
    typical: float
    z: float


@dataclass(frozen=True)
class AnomalyResult:
    score: float
    """Isolation-forest decision score: lower is more unusual."""
    is_anomaly: bool
    severity: Severity | None
    deviation: float
    """Largest robust z of the inputs (robust standard deviations from the training median)."""
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class FailureRisk:
    probability: float
    """P(the pump fails within 7 days)."""
    likely_mode: str
    mode_probabilities: Mapping[str, float]
    alert_threshold: float
    """The model's threshold at a 5 % false-positive rate on held-out wells."""


@dataclass(frozen=True)
class ChokeSuggestion:
    current_choke_64ths: float
    suggested_choke_64ths: float
    current_rate_bbl_d: float
    suggested_rate_bbl_d: float
    expected_gain_pct: float
    change_recommended: bool


@dataclass(frozen=True)
class WaterCutForecast:
    predicted_30d: float
    """Water cut (fraction) expected over the next 30 days."""
    current_30d: float


@dataclass(frozen=True)
class WellScores:
    anomaly: AnomalyResult | None
    failure: FailureRisk | None
    choke: ChokeSuggestion | None
    water_cut: WaterCutForecast | None
    production: Mapping[str, float] = field(default_factory=dict)
    skipped: Mapping[str, str] = field(default_factory=dict)
    model_versions: Mapping[str, str] = field(default_factory=dict)


def score_well_window(
    scorer: ModelScorer,
    sensor_window: Mapping[str, ArrayLike] | None,
    production_window: Mapping[str, ArrayLike] | None,
) -> WellScores:
    """All four models on one well's latest sensor (hourly) and production (daily) windows."""
    skipped: dict[str, str] = {}
    anomaly = failure = None
    if sensor_window is None:
        skipped |= dict.fromkeys((ANOMALY_MODEL, FAILURE_MODEL), "no sensor window")
    else:
        sensors = sensor_features(sensor_window)
        reason = _sensor_gap(sensors)
        if reason:
            skipped |= dict.fromkeys((ANOMALY_MODEL, FAILURE_MODEL), reason)
        else:
            anomaly = detect_anomaly(scorer, sensors)
            failure = failure_risk(scorer, sensors)
    choke = cut = None
    summary: dict[str, float] = {}
    if production_window is None:
        skipped |= dict.fromkeys((OPTIMIZER_MODEL, WATER_CUT_MODEL), "no production window")
    else:
        production = production_features(production_window)
        summary = {name: float(production[PRODUCTION_INDEX[name]]) for name in SUMMARY}
        reason = _production_gap(production)
        if reason:
            skipped |= dict.fromkeys((OPTIMIZER_MODEL, WATER_CUT_MODEL), reason)
        else:
            choke = suggest_choke(scorer, production)
            if choke is None:
                skipped[OPTIMIZER_MODEL] = "no choke size in the production window"
            cut = forecast_water_cut(scorer, production)
    versions = {name: scorer.manifest(name).version for name in MODEL_NAMES if name not in skipped}
    return WellScores(anomaly, failure, choke, cut, summary, skipped, versions)


def detect_anomaly(scorer: ModelScorer, sensors: NDArray[np.float32]) -> AnomalyResult:
    manifest = scorer.manifest(ANOMALY_MODEL)
    inputs = sensors[column_indices(manifest.input_names, SENSOR_FEATURES)]
    score = float(scorer.score(ANOMALY_MODEL, inputs[None, :])[0])
    z = robust_z(inputs[None, :], manifest)[0]
    deviation = float(np.max(np.abs(z))) if z.size else 0.0
    severity = severity_of(score, deviation, manifest.thresholds)
    evidence = _evidence(manifest, inputs, z) if severity is not None else ()
    return AnomalyResult(score, severity is not None, severity, deviation, evidence)


def robust_z(rows: NDArray[np.float32], manifest: ModelManifest) -> NDArray[np.float64]:
    """(value - training median) / robust scale for each input with a reference."""
    centre = np.array([manifest.reference.get(n, (0.0, np.inf))[0] for n in manifest.input_names])
    scale = np.array([manifest.reference.get(n, (0.0, np.inf))[1] for n in manifest.input_names])
    return np.asarray((rows.astype(np.float64) - centre) / scale, dtype=np.float64)


def severity_of(score: float, deviation: float, thresholds: Mapping[str, float]) -> Severity | None:
    """Severity from the score and the largest robust z; None when not anomalous."""
    order = (Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)
    tiers = [-1]
    for rank, key in enumerate(("flag", "medium", "high", "critical")):
        if score < thresholds[key]:
            tiers.append(rank)
    for rank, key in ((1, "deviation_medium"), (2, "deviation_high"), (3, "deviation_critical")):
        if deviation >= thresholds.get(key, np.inf):
            tiers.append(rank)
    flagged = score < thresholds["flag"] or deviation >= thresholds.get("deviation_high", np.inf)
    return order[max(tiers)] if flagged else None


def failure_risk(scorer: ModelScorer, sensors: NDArray[np.float32]) -> FailureRisk:
    manifest = scorer.manifest(FAILURE_MODEL)
    inputs = sensors[column_indices(manifest.input_names, SENSOR_FEATURES)]
    probabilities = scorer.score(FAILURE_MODEL, inputs[None, :])[0].astype(np.float64)
    by_class = dict(zip(manifest.classes, probabilities.tolist(), strict=True))
    none = by_class.pop("none", 0.0)
    likely = max(by_class, key=by_class.__getitem__)
    threshold = manifest.thresholds.get("alert_at_5pct_fpr", 0.5)
    return FailureRisk(float(1.0 - none), likely, by_class, threshold)


def suggest_choke(scorer: ModelScorer, production: NDArray[np.float32]) -> ChokeSuggestion | None:
    """Bounded search: every 1/64 in within ``max_step`` of the current choke, one batch.

    Candidates stay inside the choke range the model was trained on; a current
    choke outside it is kept. None when the window has no choke size.
    """
    manifest = scorer.manifest(OPTIMIZER_MODEL)
    low, high = manifest.bounds.get("choke_64ths", (8.0, 48.0))
    step = manifest.bounds.get("max_step_64ths", (8.0,))[0]
    current = float(production[PRODUCTION_INDEX["choke_last"]])
    current = current if current > 0 else float(production[PRODUCTION_INDEX["choke_7d"]])
    if current <= 0:
        return None
    start, stop = max(low, current - step), min(high, current + step)
    candidates = np.unique(np.append(np.arange(np.ceil(start), stop + 1e-9), current))
    factors = scorer.score(
        OPTIMIZER_MODEL, optimizer_inputs(production, candidates, manifest.input_names)
    )
    reference = float(production[PRODUCTION_INDEX["oil_rate_7d"]])
    rates = factors.astype(np.float64) * reference
    now = float(rates[np.flatnonzero(candidates == current)[0]])
    best = int(np.argmax(rates))
    gain = (rates[best] - now) / now if now > 0 else 0.0
    change = bool(gain >= MIN_CHOKE_GAIN)
    chosen = best if change else int(np.flatnonzero(candidates == current)[0])
    return ChokeSuggestion(
        current_choke_64ths=current,
        suggested_choke_64ths=float(candidates[chosen]),
        current_rate_bbl_d=now,
        suggested_rate_bbl_d=float(rates[chosen]),
        expected_gain_pct=float(100.0 * (rates[chosen] - now) / now) if now > 0 else 0.0,
        change_recommended=change,
    )


def forecast_water_cut(scorer: ModelScorer, production: NDArray[np.float32]) -> WaterCutForecast:
    manifest = scorer.manifest(WATER_CUT_MODEL)
    inputs = production[column_indices(manifest.input_names, PRODUCTION_FEATURES)]
    predicted = float(np.clip(scorer.score(WATER_CUT_MODEL, inputs[None, :])[0], 0.0, 1.0))
    return WaterCutForecast(predicted, float(production[PRODUCTION_INDEX["water_cut_30d"]]))


def _evidence(
    manifest: ModelManifest, inputs: NDArray[np.float32], z: NDArray[np.float64]
) -> tuple[Evidence, ...]:
    found = [
        Evidence(spec.name, spec.unit, value, manifest.reference[spec.name][0], float(zi))
        for spec, value, zi in zip(manifest.inputs, inputs.tolist(), z, strict=True)
        if spec.name in manifest.reference
    ]
    found.sort(key=lambda item: -abs(item.z))
    return tuple(item for item in found[:EVIDENCE_COUNT] if abs(item.z) >= EVIDENCE_MIN_Z)


def _sensor_gap(sensors: NDArray[np.float32]) -> str | None:
    if sensor_scoreable(sensors[None, :])[0]:
        return None
    return (
        f"too few running hours with readings (at least {MIN_VALID_HOURS_24H:g} of the last "
        f"24 h and {MIN_BASELINE_HOURS:g} of the reference week)"
    )


def _production_gap(production: NDArray[np.float32]) -> str | None:
    if production_scoreable(production[None, :])[0]:
        return None
    return f"fewer than {MIN_PRODUCING_DAYS_30D:g} producing days in 30, or no oil in 7"
