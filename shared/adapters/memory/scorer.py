"""In-memory ModelScorer: manifests given, and a function per model that scores rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from shared.core.analytics.errors import ModelInputError
from shared.core.common.errors import ModelNotFoundError
from shared.core.ports.scoring import Float32Array, ModelManifest

ScoreFunction = Callable[[Float32Array], Float32Array]


class InMemoryModelScorer:
    def __init__(
        self, manifests: Mapping[str, ModelManifest], functions: Mapping[str, ScoreFunction]
    ) -> None:
        self._manifests = dict(manifests)
        self._functions = dict(functions)
        self.calls: dict[str, int] = {}

    def manifest(self, model_name: str) -> ModelManifest:
        try:
            return self._manifests[model_name]
        except KeyError:
            raise ModelNotFoundError(model_name, "in-memory scorer") from None

    def score(self, model_name: str, features: Float32Array) -> Float32Array:
        manifest = self.manifest(model_name)
        rows = np.asarray(features, dtype=np.float32)
        if rows.ndim != 2 or rows.shape[1] != len(manifest.inputs) or not np.isfinite(rows).all():
            raise ModelInputError(model_name, f"expected (n, {len(manifest.inputs)}) finite rows")
        self.calls[model_name] = self.calls.get(model_name, 0) + 1
        return np.asarray(self._functions[model_name](rows), dtype=np.float32)
