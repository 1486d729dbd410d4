"""The four shipped models: names, versions, inputs and outputs (no scikit-learn here).

Inputs are names from :data:`shared.core.analytics.model.catalogue.FEATURES`; the
manifest of each model copies their entries (name, unit, description), and
scoring selects the columns by those names.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.core.analytics.model.catalogue import SENSOR_SIGNALS
from shared.core.analytics.model.scoring import ANOMALY_MODEL as ANOMALY
from shared.core.analytics.model.scoring import FAILURE_MODEL as FAILURE
from shared.core.analytics.model.scoring import OPTIMIZER_MODEL as OPTIMIZER
from shared.core.analytics.model.scoring import WATER_CUT_MODEL as WATER_CUT

__all__ = ["ANOMALY", "FAILURE", "OPTIMIZER", "SPECS", "WATER_CUT", "ModelSpec"]


@dataclass(frozen=True)
class ModelSpec:
    name: str
    version: str
    description: str
    inputs: tuple[str, ...]
    output: str
    """The ONNX output that ``ModelScorer.score`` returns."""
    kind: str
    """decision (lower is more anomalous), probabilities (one column per class) or value."""


def _relative(*suffixes: str) -> tuple[str, ...]:
    return tuple(f"{s.name}_{suffix}" for s in SENSOR_SIGNALS for suffix in suffixes)


SPECS: dict[str, ModelSpec] = {
    ANOMALY: ModelSpec(
        ANOMALY,
        "1.0.0",
        "IsolationForest on well-relative sensor features; lower is more unusual (see thresholds)",
        _relative("ratio_24h", "ratio_72h", "cv_24h", "range_72h", "trend_72h"),
        "scores",
        "decision",
    ),
    FAILURE: ModelSpec(
        FAILURE,
        "1.0.0",
        "ExtraTrees (randomized forest): no failure within 7 days, or the coming failure mode",
        (
            *_relative("ratio_24h", "ratio_72h", "cv_24h", "range_72h", "trend_72h"),
            "runtime_fraction_24h",
            "runtime_fraction_72h",
        ),
        "probabilities",
        "probabilities",
    ),
    OPTIMIZER: ModelSpec(
        OPTIMIZER,
        "1.0.0",
        "GradientBoosting: oil rate at a candidate choke / oil_rate_7d at the current choke",
        (
            "choke_candidate",
            "choke_7d",
            "casing_pressure_30d",
            "line_pressure_30d",
            "water_cut_30d",
            "gor_30d",
        ),
        "variable",
        "value",
    ),
    WATER_CUT: ModelSpec(
        WATER_CUT,
        "1.0.0",
        "GradientBoosting: water cut (fraction) of the next 30 days",
        (
            "water_cut_7d",
            "water_cut_30d",
            "water_cut_90d",
            "water_cut_trend_90d",
            "choke_7d",
            "choke_30d",
            "oil_rate_30d",
            "gor_30d",
            "decline_90d",
            "casing_pressure_30d",
            "runtime_fraction_30d",
        ),
        "variable",
        "value",
    ),
}
