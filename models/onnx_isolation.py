"""IsolationForest to ONNX as one TreeEnsembleRegressor, so its session opens fast.

skl2onnx's own converter emits a TreeEnsembleRegressor plus about 30 nodes per
tree (gather, path-length arithmetic); onnxruntime then takes seconds to open a
100-tree model. The average path length is a sum over trees of a per-leaf
constant (the leaf's depth plus the expected depth of an unbuilt subtree of the
leaf's sample count), so the whole forest folds into one ensemble whose leaf
weights are those constants divided by ``n_trees * c(max_samples)``::

    s = sum_t leaf_t(x)                      # = E[h(x)] / c(max_samples)
    score_samples = -2 ** (-s)
    decision_function = score_samples - offset_
    label = 1 if decision_function >= 0 else -1

Thresholds are adjusted for float32 inputs with skl2onnx's own rule
(:func:`skl2onnx.common.tree_ensemble.sklearn_threshold`), and the parity
check of :mod:`models.export` compares the result with scikit-learn.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from skl2onnx.common.tree_ensemble import sklearn_threshold  # type: ignore[import-untyped]
from sklearn.ensemble import IsolationForest  # type: ignore[import-untyped]  # no stubs
from sklearn.ensemble._iforest import _average_path_length  # type: ignore[import-untyped]

OPSET = {"": 17, "ai.onnx.ml": 3}


def isolation_forest_to_onnx(model: IsolationForest, n_features: int) -> onnx.ModelProto:
    """One-ensemble ONNX graph of a fitted IsolationForest: outputs ``label`` and ``scores``."""
    attrs: dict[str, Any] = _ensemble_attributes(model, subsample=model._max_features != n_features)
    ensemble = helper.make_node(
        "TreeEnsembleRegressor",
        ["X"],
        ["path"],
        domain="ai.onnx.ml",
        n_targets=1,
        aggregate_function="SUM",
        post_transform="NONE",
        **attrs,
    )
    constants = [
        numpy_helper.from_array(np.array(2.0, dtype=np.float32), "two"),
        numpy_helper.from_array(np.array(float(model.offset_), dtype=np.float32), "offset"),
        numpy_helper.from_array(np.array(0.0, dtype=np.float32), "zero"),
        numpy_helper.from_array(np.array([1, -1], dtype=np.int64), "labels"),
    ]
    nodes = [
        ensemble,
        helper.make_node("Neg", ["path"], ["neg_path"]),
        helper.make_node("Pow", ["two", "neg_path"], ["anomaly"]),
        helper.make_node("Neg", ["anomaly"], ["score_samples"]),
        helper.make_node("Sub", ["score_samples", "offset"], ["scores"]),
        helper.make_node("Less", ["scores", "zero"], ["outlier"]),
        helper.make_node("Cast", ["outlier"], ["outlier_index"], to=TensorProto.INT64),
        helper.make_node("Gather", ["labels", "outlier_index"], ["label"]),
    ]
    graph = helper.make_graph(
        nodes,
        "isolation_forest",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, n_features])],
        [
            helper.make_tensor_value_info("label", TensorProto.INT64, [None, 1]),
            helper.make_tensor_value_info("scores", TensorProto.FLOAT, [None, 1]),
        ],
        constants,
    )
    opsets = [helper.make_opsetid(domain, version) for domain, version in OPSET.items()]
    onnx_model = helper.make_model(graph, opset_imports=opsets, producer_name="wellos.models")
    onnx_model.ir_version = 8
    onnx.checker.check_model(onnx_model)
    return onnx_model


def _ensemble_attributes(
    model: IsolationForest, *, subsample: bool
) -> dict[str, list[float] | list[int] | list[str]]:
    """Trees read ``X[:, features]`` only when fitted on a feature subset (as scikit-learn)."""
    attrs: dict[str, list[float] | list[int] | list[str]] = {
        key: []
        for key in (
            "nodes_treeids",
            "nodes_nodeids",
            "nodes_featureids",
            "nodes_modes",
            "nodes_values",
            "nodes_truenodeids",
            "nodes_falsenodeids",
            "nodes_missing_value_tracks_true",
            "target_treeids",
            "target_nodeids",
            "target_ids",
            "target_weights",
        )
    }
    scale = len(model.estimators_) * float(_average_path_length([model._max_samples])[0])
    for tree_id, (estimator, features) in enumerate(
        zip(model.estimators_, model.estimators_features_, strict=True)
    ):
        tree = estimator.tree_
        depth = _node_depths(tree.children_left, tree.children_right)
        expected = _average_path_length(tree.n_node_samples)
        for node in range(tree.node_count):
            left, right = int(tree.children_left[node]), int(tree.children_right[node])
            leaf = left == -1
            _append(attrs, "nodes_treeids", tree_id)
            _append(attrs, "nodes_nodeids", node)
            feature = int(tree.feature[node])
            if subsample and not leaf:
                feature = int(features[feature])
            _append(attrs, "nodes_featureids", 0 if leaf else feature)
            _append(attrs, "nodes_modes", "LEAF" if leaf else "BRANCH_LEQ")
            value = (
                0.0 if leaf else sklearn_threshold(tree.threshold[node], np.float32, "BRANCH_LEQ")
            )
            _append(attrs, "nodes_values", float(value))
            _append(attrs, "nodes_truenodeids", 0 if leaf else left)
            _append(attrs, "nodes_falsenodeids", 0 if leaf else right)
            _append(attrs, "nodes_missing_value_tracks_true", 0)
            if leaf:
                _append(attrs, "target_treeids", tree_id)
                _append(attrs, "target_nodeids", node)
                _append(attrs, "target_ids", 0)
                _append(attrs, "target_weights", float((depth[node] + expected[node]) / scale))
    return attrs


def _append(attrs: dict[str, list[float] | list[int] | list[str]], key: str, value: object) -> None:
    attrs[key].append(value)  # type: ignore[arg-type]


def _node_depths(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    depth = np.zeros(len(left), dtype=np.float64)
    for node in range(len(left)):  # children always have larger ids than their parent
        if left[node] != -1:
            depth[left[node]] = depth[node] + 1.0
            depth[right[node]] = depth[node] + 1.0
    return depth
