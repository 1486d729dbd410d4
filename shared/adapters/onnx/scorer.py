"""ModelScorer on onnxruntime: shipped ``.onnx`` files checked against their manifests.

A model is opened on first use and kept for the life of the process (a warm
Functions/Lambda instance opens each model once): the ``.onnx`` bytes are read,
their sha256 compared with the manifest's, and the session built from those
same bytes, so what runs is what was checked. Sessions use one thread each
(serverless workers have one or two cores). Inputs are cast to float32.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort  # type: ignore[import-untyped]
from numpy.typing import ArrayLike, NDArray

from shared.core.analytics.errors import ModelInputError
from shared.core.common.errors import ModelIntegrityError, ModelNotFoundError
from shared.core.ports.scoring import ModelManifest

DEFAULT_ARTIFACTS = Path(__file__).resolve().parents[3] / "models" / "artifacts"
"""``models/artifacts`` of the source tree, where ``wellos models export`` writes."""


@dataclass(frozen=True)
class _LoadedModel:
    manifest: ModelManifest
    session: Any
    input_name: str


_SESSIONS: dict[tuple[Path, str], _LoadedModel] = {}
_LOCK = threading.Lock()


class OnnxModelScorer:
    """Scores with the models of ``artifacts_dir`` (default: the shipped ``models/artifacts``)."""

    def __init__(self, artifacts_dir: Path | str | None = None) -> None:
        self.artifacts_dir = Path(artifacts_dir or DEFAULT_ARTIFACTS).resolve()

    def manifest(self, model_name: str) -> ModelManifest:
        return self._load(model_name).manifest

    def score(self, model_name: str, features: ArrayLike) -> NDArray[np.float32]:
        model = self._load(model_name)
        rows = _as_rows(model_name, features, len(model.manifest.inputs))
        (result,) = model.session.run([model.manifest.output], {model.input_name: rows})
        values = np.asarray(result, dtype=np.float32)
        return values.reshape(len(rows)) if values.ndim == 2 and values.shape[1] == 1 else values

    def load(self, *model_names: str) -> None:
        """Open models now (at start-up) rather than on first score."""
        for name in model_names:
            self._load(name)

    def available(self) -> list[str]:
        """Names of the models whose manifests are in the artifacts directory."""
        suffix = ".manifest.json"
        return sorted(p.name.removesuffix(suffix) for p in self.artifacts_dir.glob(f"*{suffix}"))

    def _load(self, model_name: str) -> _LoadedModel:
        key = (self.artifacts_dir, model_name)
        loaded = _SESSIONS.get(key)
        if loaded is not None:
            return loaded
        with _LOCK:
            loaded = _SESSIONS.get(key)
            if loaded is None:
                loaded = _open(self.artifacts_dir, model_name)
                _SESSIONS[key] = loaded
        return loaded


def clear_session_cache() -> None:
    """Forget every opened model (tests; a redeploy restarts the process anyway)."""
    with _LOCK:
        _SESSIONS.clear()


def read_manifest(artifacts_dir: Path, model_name: str) -> ModelManifest:
    """The manifest of ``model_name``; ModelNotFoundError or ModelIntegrityError."""
    if not model_name.replace("_", "").isalnum():
        raise ModelNotFoundError(model_name, "not a model name")
    path = artifacts_dir / f"{model_name}.manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelNotFoundError(
            model_name, f"no manifest {path.name} in {artifacts_dir}"
        ) from None
    except (OSError, ValueError) as exc:
        raise ModelIntegrityError(model_name, f"unreadable manifest ({exc})") from None
    manifest = ModelManifest.from_dict(data)
    if manifest.name != model_name:
        raise ModelIntegrityError(model_name, f"manifest names model {manifest.name}")
    return manifest


def _open(artifacts_dir: Path, model_name: str) -> _LoadedModel:
    manifest = read_manifest(artifacts_dir, model_name)
    path = artifacts_dir / f"{model_name}.onnx"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ModelNotFoundError(
            model_name, f"no model file {path.name} in {artifacts_dir}"
        ) from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != manifest.sha256:
        raise ModelIntegrityError(
            model_name, f"sha256 {digest[:12]}… of {path.name} differs from the manifest's"
        )
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    try:
        session = ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own exception types
        raise ModelIntegrityError(model_name, f"onnxruntime cannot open it ({exc})") from exc
    outputs = {output.name for output in session.get_outputs()}
    if manifest.output not in outputs:
        raise ModelIntegrityError(model_name, f"no output {manifest.output!r} in the graph")
    return _LoadedModel(manifest, session, session.get_inputs()[0].name)


def _as_rows(model_name: str, features: ArrayLike, width: int) -> NDArray[np.float32]:
    rows = np.asarray(features, dtype=np.float32)
    if rows.ndim == 1:
        rows = rows.reshape(1, -1)
    if rows.ndim != 2 or rows.shape[1] != width:
        raise ModelInputError(model_name, f"expected rows of {width} features, got {rows.shape}")
    if not np.isfinite(rows).all():
        raise ModelInputError(model_name, "features must be finite numbers")
    return np.ascontiguousarray(rows)
