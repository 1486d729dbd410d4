"""Train the four models on synthetic wells and measure them on held-out wells.

``train_all`` returns :class:`TrainedModel` records (estimator, inputs,
metrics, thresholds, training fingerprint, a held-out input sample);
``save``/``load`` keep them in a build directory for export and verify.
scikit-learn lives here and in :mod:`models.export`, never at run time.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import joblib  # type: ignore[import-untyped]
import numpy as np
from numpy.typing import NDArray
from sklearn.ensemble import (  # type: ignore[import-untyped]  # scikit-learn ships no stubs
    ExtraTreesClassifier,
    GradientBoostingRegressor,
    IsolationForest,
)

from models import evaluation as ev
from models.datasets import (
    CLASSES,
    DataConfig,
    RegressionSet,
    SensorSet,
    fingerprint,
    production_sets,
    sensor_set,
)
from models.specs import ANOMALY, FAILURE, OPTIMIZER, SPECS, WATER_CUT
from shared.core.analytics.model.catalogue import PRODUCTION_FEATURES, SENSOR_FEATURES
from shared.core.analytics.model.features import column_indices

Float32Array = NDArray[np.float32]
HELDOUT_ROWS = 2000
BUILD_FILE = "models.joblib"


class Steps(Protocol):
    """Where training reports progress (the CLI draws progress bars)."""

    def begin(self, label: str, total: int) -> None: ...
    def advance(self) -> None: ...


class QuietSteps:
    def begin(self, label: str, total: int) -> None:
        pass

    def advance(self) -> None:
        pass


@dataclass
class TrainedModel:
    name: str
    estimator: Any
    inputs: tuple[str, ...]
    metrics: dict[str, float]
    fingerprint: str
    heldout: Float32Array
    thresholds: dict[str, float] = field(default_factory=dict)
    reference: dict[str, list[float]] = field(default_factory=dict)
    classes: tuple[str, ...] = ()
    bounds: dict[str, list[float]] = field(default_factory=dict)
    training_rows: int = 0


def train_all(
    config: DataConfig, steps: Steps | None = None, n_jobs: int = 2
) -> dict[str, TrainedModel]:
    """Generate the field, train every model, measure each on held-out wells."""
    steps = steps or QuietSteps()
    sensors = {split: _sensor_split(config, split, steps) for split in ("train", "test")}
    optimizer_inputs = list(SPECS[OPTIMIZER].inputs)
    production = {}
    for split in ("train", "test"):
        steps.begin(f"production wells ({split})", _wells(config, split))
        production[split] = production_sets(config, split, optimizer_inputs, steps.advance)
    steps.begin("fitting models", 4)
    models: dict[str, TrainedModel] = {}
    fits: tuple[tuple[str, Callable[[], TrainedModel]], ...] = (
        (ANOMALY, lambda: train_anomaly(sensors["train"], sensors["test"])),
        (FAILURE, lambda: train_failure(sensors["train"], sensors["test"], n_jobs)),
        (OPTIMIZER, lambda: train_optimizer(production["train"][0], production["test"][0])),
        (WATER_CUT, lambda: train_water_cut(production["train"][1], production["test"][1])),
    )
    for name, fit in fits:
        models[name] = fit()
        steps.advance()
    return models


def train_anomaly(train: SensorSet, test: SensorSet) -> TrainedModel:
    inputs = SPECS[ANOMALY].inputs
    columns = column_indices(inputs, SENSOR_FEATURES)
    x_train, x_test = train.x[train.clean][:, columns], test.x[:, columns]
    model = IsolationForest(n_estimators=100, max_samples=512, random_state=7)
    model.fit(x_train)
    low, centre, high = np.percentile(x_train, [25.0, 50.0, 75.0], axis=0)
    robust = (high - low) / 1.349  # the standard deviation of a normal distribution
    scale = np.maximum(np.where(robust > 1e-3, robust, x_train.std(axis=0)), 1e-3)
    deviation = np.abs((x_test - centre) / scale).max(axis=1)
    scores = model.decision_function(x_test)
    thresholds = ev.anomaly_thresholds(scores[test.clean], deviation[test.clean])
    metrics = ev.anomaly_metrics(scores, deviation, test, thresholds)
    reference = {
        name: [float(c), float(s)] for name, c, s in zip(inputs, centre, scale, strict=True)
    }
    return TrainedModel(
        ANOMALY,
        model,
        inputs,
        metrics,
        fingerprint(x_train),
        _sample(x_test),
        thresholds=thresholds,
        reference=reference,
        training_rows=len(x_train),
    )


def train_failure(train: SensorSet, test: SensorSet, n_jobs: int = 2) -> TrainedModel:
    inputs = SPECS[FAILURE].inputs
    columns = column_indices(inputs, SENSOR_FEATURES)
    x_train = train.x[:, columns]
    model = ExtraTreesClassifier(
        n_estimators=60, max_depth=12, min_samples_leaf=5, n_jobs=n_jobs, random_state=11
    )
    model.fit(x_train, train.mode)
    model.set_params(n_jobs=1)  # predict in a fixed order: reproducible reference outputs
    probabilities = model.predict_proba(test.x[:, columns])
    metrics, threshold = ev.failure_metrics(probabilities, test.mode, model.classes_)
    return TrainedModel(
        FAILURE,
        model,
        inputs,
        metrics,
        fingerprint(x_train, train.mode),
        _sample(test.x[:, columns]),
        thresholds={"alert_at_5pct_fpr": threshold},
        classes=tuple(CLASSES[int(c)] for c in model.classes_),
        training_rows=len(x_train),
    )


def train_optimizer(train: RegressionSet, test: RegressionSet) -> TrainedModel:
    inputs = SPECS[OPTIMIZER].inputs
    model = _boosting().fit(train.x, train.y)
    metrics = ev.optimizer_metrics(model.predict, test, inputs)
    bounds = {"choke_64ths": [8.0, 48.0], "max_step_64ths": [8.0]}
    return TrainedModel(
        OPTIMIZER,
        model,
        inputs,
        metrics,
        fingerprint(train.x, train.y),
        _sample(test.x),
        bounds=bounds,
        training_rows=len(train.x),
    )


def train_water_cut(train: RegressionSet, test: RegressionSet) -> TrainedModel:
    inputs = SPECS[WATER_CUT].inputs
    columns = column_indices(inputs, PRODUCTION_FEATURES)
    model = _boosting().fit(train.x[:, columns], train.y)
    persistence = test.x[:, column_indices(["water_cut_7d"], PRODUCTION_FEATURES)[0]]
    metrics = ev.regression_metrics(test.y, model.predict(test.x[:, columns]))
    metrics |= {
        f"persistence_{k}": v for k, v in ev.regression_metrics(test.y, persistence).items()
    }
    return TrainedModel(
        WATER_CUT,
        model,
        inputs,
        metrics,
        fingerprint(train.x[:, columns], train.y),
        _sample(test.x[:, columns]),
        bounds={"water_cut": [0.0, 1.0]},
        training_rows=len(train.x),
    )


def save(models: dict[str, TrainedModel], build_dir: Path, config: DataConfig) -> Path:
    build_dir.mkdir(parents=True, exist_ok=True)
    path = build_dir / BUILD_FILE
    joblib.dump({"config": config, "models": models}, path, compress=3)
    summary = {name: model.metrics for name, model in models.items()}
    (build_dir / "metrics.json").write_text(json.dumps(summary, indent=2) + "\n")
    return path


def load(build_dir: Path) -> tuple[DataConfig, dict[str, TrainedModel]]:
    """The models of the last ``train``; FileNotFoundError if there are none."""
    path = build_dir / BUILD_FILE
    if not path.exists():
        raise FileNotFoundError(f"no trained models in {build_dir}: run `wellos models train`")
    saved = joblib.load(path)
    return saved["config"], saved["models"]


def _boosting() -> GradientBoostingRegressor:
    return GradientBoostingRegressor(
        n_estimators=120, max_depth=3, learning_rate=0.1, subsample=0.8, random_state=5
    )


def _sensor_split(config: DataConfig, split: str, steps: Steps) -> SensorSet:
    steps.begin(f"sensor wells ({split})", _wells(config, split))
    return sensor_set(config, split, steps.advance)


def _wells(config: DataConfig, split: str) -> int:
    return len(config.well_seeds(split))


def _sample(x: Float32Array, rows: int = HELDOUT_ROWS) -> Float32Array:
    pick = np.random.default_rng(0).permutation(len(x))[:rows]
    return np.ascontiguousarray(x[np.sort(pick)], dtype=np.float32)
