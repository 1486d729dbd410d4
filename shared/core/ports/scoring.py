"""ModelScorer port: shipped models scored by name (onnxruntime behind it), and their manifests.

A model is an ``<name>.onnx`` file plus ``<name>.manifest.json``. The manifest
names the model's inputs in order (with units, copied from
:data:`shared.core.analytics.model.catalogue.FEATURES`), the output ``score`` returns,
thresholds, held-out metrics and the sha256 of the ``.onnx`` file, which an
adapter checks before it opens the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from shared.core.common.errors import ModelIntegrityError

Float32Array = NDArray[np.float32]


@dataclass(frozen=True)
class ModelInput:
    name: str
    unit: str
    description: str


@dataclass(frozen=True)
class ModelManifest:
    """What a shipped model is, reads and returns; written by ``models/export.py``."""

    name: str
    version: str
    description: str
    kind: str
    """``decision`` (lower is more anomalous), ``probabilities`` (a column per class), ``value``."""
    output: str
    inputs: tuple[ModelInput, ...]
    sha256: str
    opset: Mapping[str, int]
    metrics: Mapping[str, float]
    training_fingerprint: str
    created_at: str
    classes: tuple[str, ...] = ()
    thresholds: Mapping[str, float] = field(default_factory=dict)
    reference: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    """Per input: (median, robust scale) over the training data, for evidence."""
    bounds: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict)

    @cached_property
    def input_names(self) -> tuple[str, ...]:
        return tuple(item.name for item in self.inputs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "kind": self.kind,
            "output": self.output,
            "inputs": [vars(item) for item in self.inputs],
            "classes": list(self.classes),
            "thresholds": dict(self.thresholds),
            "reference": {name: list(pair) for name, pair in self.reference.items()},
            "bounds": {name: list(values) for name, values in self.bounds.items()},
            "metrics": dict(self.metrics),
            "opset": dict(self.opset),
            "training_fingerprint": self.training_fingerprint,
            "sha256": self.sha256,
            "created_at": self.created_at,
            "details": dict(self.details),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelManifest:
        """Parse a manifest; ModelIntegrityError when a required field is missing or malformed."""
        name = str(data.get("name", "?"))
        try:
            return cls(
                name=name,
                version=str(data["version"]),
                description=str(data.get("description", "")),
                kind=str(data["kind"]),
                output=str(data["output"]),
                inputs=tuple(
                    ModelInput(str(i["name"]), str(i["unit"]), str(i.get("description", "")))
                    for i in data["inputs"]
                ),
                sha256=str(data["sha256"]),
                opset={str(k): int(v) for k, v in data["opset"].items()},
                metrics={str(k): float(v) for k, v in data.get("metrics", {}).items()},
                training_fingerprint=str(data["training_fingerprint"]),
                created_at=str(data["created_at"]),
                classes=tuple(str(c) for c in data.get("classes", ())),
                thresholds={str(k): float(v) for k, v in data.get("thresholds", {}).items()},
                reference={
                    str(k): (float(v[0]), float(v[1])) for k, v in data.get("reference", {}).items()
                },
                bounds={
                    str(k): tuple(float(x) for x in v) for k, v in data.get("bounds", {}).items()
                },
                details=dict(data.get("details", {})),
            )
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            raise ModelIntegrityError(name, f"malformed manifest ({exc!r})") from None


class ModelScorer(Protocol):
    """Scores feature rows with a shipped model; models open once per process."""

    def manifest(self, model_name: str) -> ModelManifest:
        """The model's manifest; ModelNotFoundError / ModelIntegrityError if unusable."""
        ...

    def score(self, model_name: str, features: Float32Array) -> Float32Array:
        """The manifest's ``output`` for rows of ``manifest.inputs``: shape (n,) or (n, classes).

        ModelInputError when ``features`` is not (n, len(inputs)) of finite numbers.
        """
        ...
