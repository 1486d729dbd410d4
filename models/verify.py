"""Check shipped artifacts: hashes, sizes, sessions, reference outputs, fresh parity.

Works without scikit-learn (a Functions host): every model must match its
manifest's sha256, stay under :data:`MAX_ARTIFACT_BYTES`, open in onnxruntime
and reproduce the reference outputs shipped beside it through the run-time
scorer. With scikit-learn and the estimators of the last ``train`` (same
training fingerprint), it also compares both on a freshly generated sample.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort  # type: ignore[import-untyped]
from numpy.typing import NDArray

from models.datasets import DataConfig, RegressionSet, SensorSet, production_sets, sensor_set
from models.specs import ANOMALY, FAILURE, OPTIMIZER, SPECS
from shared.adapters.onnx.scorer import OnnxModelScorer, read_manifest
from shared.core.analytics.model.catalogue import PRODUCTION_FEATURES, SENSOR_FEATURES
from shared.core.analytics.model.features import column_indices
from shared.core.common.errors import ModelError

MAX_ARTIFACT_BYTES = 5 * 1024 * 1024
FRESH_WELLS = 12


@dataclass
class VerifyResult:
    name: str
    size_bytes: int = 0
    open_seconds: float | None = None
    reference_max_diff: float | None = None
    fresh_max_diff: float | None = None
    fresh_rows: int = 0
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_artifacts(
    artifacts_dir: Path,
    trained: dict[str, Any] | None = None,
    fresh_seed: int = 777,
    advance: Any = None,
) -> list[VerifyResult]:
    """One result per manifest in ``artifacts_dir``; ``trained`` maps names to TrainedModels."""
    scorer = OnnxModelScorer(artifacts_dir)
    fresh = _FreshSample(fresh_seed)
    results = []
    for name in scorer.available():
        result = VerifyResult(name)
        try:
            _check(scorer, artifacts_dir, name, result)
            if result.ok:
                _fresh_parity(scorer, (trained or {}).get(name), fresh, result)
        except ModelError as exc:
            result.problems.append(exc.detail)
        results.append(result)
        if advance is not None:
            advance()
    return results


def _check(scorer: OnnxModelScorer, artifacts_dir: Path, name: str, result: VerifyResult) -> None:
    manifest = read_manifest(artifacts_dir, name)
    try:
        data = (artifacts_dir / f"{name}.onnx").read_bytes()
    except OSError as exc:
        result.problems.append(f"cannot read {name}.onnx ({type(exc).__name__})")
        return
    result.size_bytes = len(data)
    if len(data) > MAX_ARTIFACT_BYTES:
        result.problems.append(f"{len(data)} bytes, over the {MAX_ARTIFACT_BYTES}-byte limit")
    if hashlib.sha256(data).hexdigest() != manifest.sha256:
        result.problems.append("sha256 differs from the manifest")
        return
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    started = time.perf_counter()
    ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])
    result.open_seconds = time.perf_counter() - started
    reference_path = artifacts_dir / str(manifest.details.get("reference_file", ""))
    if not reference_path.is_file():
        result.problems.append("no reference outputs beside the model")
        return
    raw = reference_path.read_bytes()
    if hashlib.sha256(raw).hexdigest() != manifest.details.get("reference_sha256"):
        result.problems.append("reference outputs differ from the manifest's sha256")
        return
    reference = json.loads(raw)
    got = scorer.score(name, np.asarray(reference["inputs"], dtype=np.float32))
    diff = float(np.max(np.abs(got - np.asarray(reference["outputs"]))))
    result.reference_max_diff = diff
    if not diff <= float(reference["tolerance"]):
        result.problems.append(f"reference outputs differ by {diff:.3g}")


def _fresh_parity(
    scorer: OnnxModelScorer, trained: Any, fresh: _FreshSample, result: VerifyResult
) -> None:
    if trained is None:
        result.notes.append("fresh parity skipped: no trained estimator (run `train`)")
        return
    if trained.fingerprint != scorer.manifest(result.name).training_fingerprint:
        result.notes.append("fresh parity skipped: the build was trained on other data")
        return
    from models.export import PARITY_TOLERANCE, sklearn_output

    x = fresh.inputs(result.name)
    diff = float(np.max(np.abs(scorer.score(result.name, x) - sklearn_output(trained, x))))
    result.fresh_max_diff, result.fresh_rows = diff, len(x)
    if not diff <= PARITY_TOLERANCE:
        result.problems.append(f"ONNX differs from scikit-learn on fresh wells by {diff:.3g}")


class _FreshSample:
    """Inputs of each model on wells no model saw (generated on first use)."""

    def __init__(self, seed: int) -> None:
        self.config = DataConfig(
            seed=seed, train_wells=0, test_wells=FRESH_WELLS, production_days=300
        )
        self._sensors: SensorSet | None = None
        self._production: tuple[RegressionSet, RegressionSet] | None = None

    def inputs(self, name: str) -> NDArray[np.float32]:
        spec = SPECS[name]
        if name in (ANOMALY, FAILURE):
            if self._sensors is None:
                self._sensors = sensor_set(self.config, "fresh")
            return self._sensors.x[:, column_indices(spec.inputs, SENSOR_FEATURES)]
        if self._production is None:
            self._production = production_sets(self.config, "fresh", list(SPECS[OPTIMIZER].inputs))
        optimizer, water_cut = self._production
        if name == OPTIMIZER:
            return optimizer.x
        return water_cut.x[:, column_indices(spec.inputs, PRODUCTION_FEATURES)]
