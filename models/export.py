"""Export trained models to ONNX, gated by parity with scikit-learn, with manifests.

For each model: convert (skl2onnx; the IsolationForest through
:mod:`models.onnx_isolation`), open the bytes in onnxruntime, compare with
scikit-learn on the held-out sample (max |difference| <= :data:`PARITY_TOLERANCE`,
else nothing is written), then write into the artifacts directory::

    <name>.onnx            the model
    <name>.reference.json  32 held-out input rows and scikit-learn's outputs
    <name>.manifest.json   inputs with units, output, thresholds, metrics, opset,
                           training fingerprint, sha256 of the .onnx and reference
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort  # type: ignore[import-untyped]
from numpy.typing import NDArray
from skl2onnx import to_onnx  # type: ignore[import-untyped]

from models.onnx_isolation import OPSET, isolation_forest_to_onnx
from models.specs import ANOMALY, FAILURE, SPECS
from models.training import Steps, TrainedModel
from shared.core.analytics.model.catalogue import FEATURES_BY_NAME
from shared.core.ports.scoring import ModelInput, ModelManifest

PARITY_TOLERANCE = 1e-4
REFERENCE_ROWS = 32
ARTIFACTS_DIR = Path(__file__).resolve().parent / "artifacts"
BUILD_DIR = Path(__file__).resolve().parent / "build"


class ParityError(Exception):
    """ONNX and scikit-learn disagree beyond the tolerance: the model is not exported."""


@dataclass(frozen=True)
class ExportReport:
    name: str
    path: Path
    size_bytes: int
    sha256: str
    parity_max_abs_diff: float
    parity_rows: int


def convert(model: TrainedModel) -> onnx.ModelProto:
    """The ONNX graph of a trained model (float32 input ``X``)."""
    estimator, width = model.estimator, len(model.inputs)
    if model.name == ANOMALY:
        return isolation_forest_to_onnx(estimator, width)
    sample = np.zeros((1, width), dtype=np.float32)
    options = {id(estimator): {"zipmap": False}} if model.name == FAILURE else None
    converted: onnx.ModelProto = to_onnx(estimator, sample, target_opset=OPSET, options=options)
    return converted


def sklearn_output(model: TrainedModel, x: NDArray[np.float32]) -> NDArray[np.float64]:
    """What the ONNX output must equal: decision_function, predict_proba or predict."""
    kind = SPECS[model.name].kind
    if kind == "decision":
        return np.asarray(model.estimator.decision_function(x), dtype=np.float64)
    if kind == "probabilities":
        return np.asarray(model.estimator.predict_proba(x), dtype=np.float64)
    return np.asarray(model.estimator.predict(x), dtype=np.float64)


def open_session(data: bytes) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])


def onnx_output(
    session: ort.InferenceSession, output: str, x: NDArray[np.float32]
) -> NDArray[np.float32]:
    (result,) = session.run([output], {session.get_inputs()[0].name: x})
    values = np.asarray(result, dtype=np.float32)
    return values.reshape(len(x)) if values.ndim == 2 and values.shape[1] == 1 else values


def export_model(
    model: TrainedModel, artifacts_dir: Path, data_config: dict[str, Any]
) -> ExportReport:
    """Convert, check parity, write the three files; ParityError writes nothing."""
    spec = SPECS[model.name]
    data = convert(model).SerializeToString()
    session = open_session(data)
    expected = sklearn_output(model, model.heldout)
    diff = float(np.max(np.abs(onnx_output(session, spec.output, model.heldout) - expected)))
    if not diff <= PARITY_TOLERANCE:
        raise ParityError(f"{model.name}: ONNX differs from scikit-learn by {diff:.3g}")
    artifacts_dir.mkdir(parents=True, exist_ok=True)
    onnx_path = artifacts_dir / f"{model.name}.onnx"
    onnx_path.write_bytes(data)
    reference = {
        "inputs": model.heldout[:REFERENCE_ROWS].tolist(),
        "outputs": expected[:REFERENCE_ROWS].tolist(),
        "tolerance": PARITY_TOLERANCE,
    }
    reference_bytes = (json.dumps(reference) + "\n").encode()
    (artifacts_dir / f"{model.name}.reference.json").write_bytes(reference_bytes)
    digest = hashlib.sha256(data).hexdigest()
    manifest = build_manifest(model, digest, data_config, len(data))
    details = dict(manifest.details)
    details["reference_sha256"] = hashlib.sha256(reference_bytes).hexdigest()
    details["parity"] = {"max_abs_diff": diff, "rows": len(model.heldout)}
    text = json.dumps(replace(manifest, details=details).to_dict(), indent=2)
    (artifacts_dir / f"{model.name}.manifest.json").write_text(text + "\n")
    return ExportReport(model.name, onnx_path, len(data), digest, diff, len(model.heldout))


def build_manifest(
    model: TrainedModel, sha256: str, data_config: dict[str, Any], size: int
) -> ModelManifest:
    spec = SPECS[model.name]
    inputs = tuple(
        ModelInput(name, FEATURES_BY_NAME[name].unit, FEATURES_BY_NAME[name].description)
        for name in model.inputs
    )
    producer = {package: version(package) for package in ("scikit-learn", "skl2onnx", "onnx")}
    return ModelManifest(
        name=model.name,
        version=spec.version,
        description=spec.description,
        kind=spec.kind,
        output=spec.output,
        inputs=inputs,
        sha256=sha256,
        opset=dict(OPSET),
        metrics=model.metrics,
        training_fingerprint=model.fingerprint,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        classes=model.classes,
        thresholds=model.thresholds,
        reference={name: (pair[0], pair[1]) for name, pair in model.reference.items()},
        bounds={name: tuple(values) for name, values in model.bounds.items()},
        details={
            "onnx_file": f"{model.name}.onnx",
            "onnx_bytes": size,
            "reference_file": f"{model.name}.reference.json",
            "training_rows": model.training_rows,
            "data_config": data_config,
            "estimator": type(model.estimator).__name__,
            "estimator_params": _plain_params(model.estimator),
            "producer": producer,
        },
    )


def export_all(
    models: dict[str, TrainedModel],
    artifacts_dir: Path,
    data_config: dict[str, Any],
    steps: Steps | None = None,
) -> list[ExportReport]:
    reports = []
    if steps is not None:
        steps.begin("exporting to ONNX", len(models))
    for model in models.values():
        reports.append(export_model(model, artifacts_dir, data_config))
        if steps is not None:
            steps.advance()
    return reports


def _plain_params(estimator: Any) -> dict[str, Any]:
    params = estimator.get_params(deep=False)
    return {k: v for k, v in params.items() if isinstance(v, int | float | str | bool | None)}
