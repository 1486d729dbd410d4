"""Held-out metrics of the four models (scikit-learn metrics; training side only)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import (  # type: ignore[import-untyped]  # scikit-learn ships no stubs
    mean_absolute_error,
    r2_score,
    roc_auc_score,
    roc_curve,
)

from models.datasets import MODES, RegressionSet, SensorSet
from models.synthetic_production import optimal_choke
from shared.core.analytics.model.scoring import Severity, severity_of

FALSE_ALARM_RATE = 0.02
"""The anomaly detector flags the 2 % most unusual normal windows (the LOW threshold)."""
SEVERITY_FALSE_ALARMS = {"flag": 0.02, "medium": 0.005, "high": 0.001}
MAX_FPR = 0.05


def anomaly_thresholds(
    normal_scores: NDArray[np.float64], normal_deviation: NDArray[np.float64]
) -> dict[str, float]:
    """Score and deviation thresholds from held-out normal windows (see scoring's docstring)."""
    cuts = {
        name: float(np.quantile(normal_scores, rate))
        for name, rate in SEVERITY_FALSE_ALARMS.items()
    }
    cuts["critical"] = cuts["high"] - (cuts["flag"] - cuts["high"])
    edge = float(np.quantile(normal_deviation, 0.999))
    cuts |= {"deviation_medium": edge, "deviation_high": 2 * edge, "deviation_critical": 4 * edge}
    return cuts


def anomaly_metrics(
    scores: NDArray[np.float64],
    deviation: NDArray[np.float64],
    test: SensorSet,
    thresholds: dict[str, float],
) -> dict[str, float]:
    """False alarms on clean windows; detection of faults before their onset.

    ``detection_rate_last_48h`` is the isolation forest alone at a 2 % false-alarm
    rate; ``flag_rule_*`` adds the deviation rule that scoring applies as well.
    """
    severity = [severity_of(s, d, thresholds) for s, d in zip(scores, deviation, strict=True)]
    flagged = np.array([level is not None for level in severity])
    alarm = scores < thresholds["flag"]
    faulted = ~test.clean
    last48 = faulted & (test.hours_to_failure < 48.0)
    serious = np.array([level in (Severity.HIGH, Severity.CRITICAL) for level in severity])
    shares = {
        "false_alarm_rate": alarm[test.clean],
        "detection_rate_last_48h": alarm[last48],
        "flag_rule_false_alarm_rate": flagged[test.clean],
        "flag_rule_detection_rate_last_48h": flagged[last48],
        "high_or_critical_rate_normal": serious[test.clean],
        "high_or_critical_rate_last_48h": serious[last48],
    }
    for code, mode in enumerate(MODES, start=1):
        shares[f"detection_rate_last_48h_{mode.value}"] = alarm[last48 & (test.mode == code)]
    # a share of nothing (a tiny field without that fault) is left out, not reported as 0
    metrics = {key: float(values.mean()) for key, values in shares.items() if values.size}
    detected, leads = [], []
    for well in np.unique(test.well[faulted]):
        rows = faulted & (test.well == well)
        detected.append(bool(alarm[rows & (test.hours_to_failure < 72.0)].any()))
        if alarm[rows].any():
            leads.append(float(test.hours_to_failure[rows & alarm].max()))
    metrics["event_detection_rate_72h"] = float(np.mean(detected)) if detected else 0.0
    metrics["median_lead_time_h"] = float(np.median(leads)) if leads else 0.0
    metrics["heldout_windows"] = float(len(scores))
    return metrics


def failure_metrics(
    probabilities: NDArray[np.float64], mode: NDArray[np.int64], classes: NDArray[np.int64]
) -> tuple[dict[str, float], float]:
    """ROC-AUC and recall at 5 % false positives of P(failure within 7 days) = 1 - P(none).

    ``classes`` are the mode codes of the probability columns (0, none, first).
    """
    risk = 1.0 - probabilities[:, 0]
    positive = mode > 0
    fpr, tpr, cuts = roc_curve(positive, risk)
    within = np.flatnonzero(fpr <= MAX_FPR)
    best = within[np.argmax(tpr[within])]
    threshold = float(min(cuts[best], 1.0))
    flagged = positive & (risk >= threshold)
    predicted_mode = classes[1 + np.argmax(probabilities[:, 1:], axis=1)]
    metrics = {
        "roc_auc": float(roc_auc_score(positive, risk)),
        "recall_at_5pct_fpr": float(tpr[best]),
        "fpr_at_threshold": float(fpr[best]),
        "mode_accuracy_of_flagged": float((predicted_mode[flagged] == mode[flagged]).mean())
        if flagged.any()
        else 0.0,
        "positive_share": float(positive.mean()),
        "heldout_windows": float(len(mode)),
    }
    return metrics, threshold


def regression_metrics(
    y: NDArray[np.floating[Any]], predicted: NDArray[np.floating[Any]]
) -> dict[str, float]:
    return {"r2": float(r2_score(y, predicted)), "mae": float(mean_absolute_error(y, predicted))}


def optimizer_metrics(
    predict: Callable[[NDArray[np.float32]], NDArray[np.float64]],
    test: RegressionSet,
    inputs: Sequence[str],
) -> dict[str, float]:
    """Fit of the rate factor and of the rate, and how close the search lands to the optimum."""
    factor = predict(test.x)
    metrics = {f"factor_{k}": v for k, v in regression_metrics(test.y, factor).items()}
    rate = regression_metrics(test.y * test.reference, factor * test.reference)
    metrics |= {"rate_r2": rate["r2"], "rate_mae_bbl_d": rate["mae"]}
    chokes = np.arange(8.0, 49.0)
    names = list(inputs)
    casing, line = names.index("casing_pressure_30d"), names.index("line_pressure_30d")
    rows = test.x[np.random.default_rng(1).permutation(len(test.x))[:300]]
    misses = []
    for row in rows:
        grid = row[None, :].repeat(len(chokes), axis=0)
        grid[:, names.index("choke_candidate")] = chokes
        best = chokes[int(np.argmax(predict(grid)))]
        misses.append(abs(best - float(optimal_choke(row[casing], row[line]))))
    metrics["choke_optimum_mae_64ths"] = float(np.mean(misses))
    return metrics
