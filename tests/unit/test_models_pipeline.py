"""Training on a small synthetic field, export with parity, manifests, verify, tampering."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn", reason="the `train` extra (scikit-learn) is not installed")
pytest.importorskip("skl2onnx", reason="the `train` extra (skl2onnx) is not installed")

import models.export as export_module
from models.datasets import DataConfig, fingerprint, sensor_set
from models.export import PARITY_TOLERANCE, ParityError, export_all, sklearn_output
from models.specs import ANOMALY, FAILURE, OPTIMIZER, SPECS, WATER_CUT
from models.training import TrainedModel, train_all
from models.verify import MAX_ARTIFACT_BYTES, verify_artifacts
from shared.adapters.onnx.scorer import OnnxModelScorer, clear_session_cache
from shared.core.analytics.model.catalogue import FEATURES_BY_NAME, SENSOR_FEATURES
from shared.core.analytics.model.features import column_indices
from shared.core.common.errors import ModelIntegrityError

CONFIG = DataConfig.small()


@pytest.fixture(scope="module")
def trained() -> dict[str, TrainedModel]:
    return train_all(CONFIG)


@pytest.fixture(scope="module")
def exported(trained, tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("artifacts")
    export_all(trained, directory, dataclasses.asdict(CONFIG))
    return directory


@pytest.fixture(autouse=True)
def fresh_sessions():
    clear_session_cache()
    yield
    clear_session_cache()


def test_failure_predictor_separates_failing_pumps(trained):
    metrics = trained[FAILURE].metrics
    assert metrics["roc_auc"] > 0.85
    assert metrics["recall_at_5pct_fpr"] > 0.7
    assert metrics["fpr_at_threshold"] <= 0.05
    assert metrics["mode_accuracy_of_flagged"] > 0.9


def test_anomaly_detector_catches_injected_faults_at_two_percent_false_alarms(trained):
    metrics = trained[ANOMALY].metrics
    assert metrics["false_alarm_rate"] == pytest.approx(0.02, abs=0.005)
    assert metrics["detection_rate_last_48h"] > 0.8
    assert metrics["flag_rule_detection_rate_last_48h"] > 0.9
    assert metrics["event_detection_rate_72h"] > 0.9
    assert metrics["high_or_critical_rate_normal"] < 0.01


def test_regressors_fit_held_out_wells(trained):
    optimizer = trained[OPTIMIZER].metrics
    assert optimizer["rate_r2"] > 0.95
    assert optimizer["factor_r2"] > 0.3
    assert optimizer["choke_optimum_mae_64ths"] < 8.0
    water_cut = trained[WATER_CUT].metrics
    assert water_cut["r2"] > 0.9 and water_cut["mae"] < 0.03


def test_training_is_deterministic_by_seed(trained):
    again = sensor_set(CONFIG, "train")
    columns = column_indices(SPECS[ANOMALY].inputs, SENSOR_FEATURES)
    assert fingerprint(again.x[again.clean][:, columns]) == trained[ANOMALY].fingerprint


def test_export_writes_small_parity_checked_models_with_manifests(exported, trained):
    for name in SPECS:
        data = (exported / f"{name}.onnx").read_bytes()
        manifest = json.loads((exported / f"{name}.manifest.json").read_text())
        assert 0 < len(data) < MAX_ARTIFACT_BYTES
        assert manifest["sha256"] == hashlib.sha256(data).hexdigest()
        assert manifest["details"]["parity"]["max_abs_diff"] <= PARITY_TOLERANCE
        assert manifest["opset"] == {"": 17, "ai.onnx.ml": 3}
        assert manifest["training_fingerprint"] == trained[name].fingerprint
        assert manifest["metrics"] == pytest.approx(trained[name].metrics)
        for entry in manifest["inputs"]:
            feature = FEATURES_BY_NAME[entry["name"]]
            assert (entry["unit"], entry["description"]) == (feature.unit, feature.description)
        reference = (exported / manifest["details"]["reference_file"]).read_bytes()
        assert manifest["details"]["reference_sha256"] == hashlib.sha256(reference).hexdigest()


def test_onnx_scores_equal_scikit_learn_on_held_out_rows(exported, trained):
    scorer = OnnxModelScorer(exported)
    for name, model in trained.items():
        got = scorer.score(name, model.heldout)
        np.testing.assert_allclose(got, sklearn_output(model, model.heldout), atol=PARITY_TOLERANCE)


def test_isolation_forest_export_keeps_labels_and_decision_scores(exported, trained):
    model = trained[ANOMALY].estimator
    rows = trained[ANOMALY].heldout
    session = export_module.open_session((exported / f"{ANOMALY}.onnx").read_bytes())
    labels, scores = session.run(["label", "scores"], {"X": rows})
    np.testing.assert_allclose(scores.ravel(), model.decision_function(rows), atol=1e-5)
    np.testing.assert_array_equal(labels.ravel(), model.predict(rows))


def test_verify_passes_on_a_fresh_export_including_fresh_parity(exported, trained):
    results = verify_artifacts(exported, trained)
    assert [r.name for r in results] == sorted(SPECS)
    for result in results:
        assert result.ok, result.problems
        assert result.reference_max_diff is not None and result.reference_max_diff <= 1e-4
        assert result.fresh_max_diff is not None and result.fresh_rows > 0


def test_given_a_tampered_model_then_verify_and_the_scorer_refuse_it(exported, tmp_path):
    copy = tmp_path / "artifacts"
    copy.mkdir()
    for path in exported.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    target = copy / f"{FAILURE}.onnx"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    results = {r.name: r for r in verify_artifacts(copy)}
    assert not results[FAILURE].ok and "sha256" in results[FAILURE].problems[0]
    assert results[ANOMALY].ok
    with pytest.raises(ModelIntegrityError, match="sha256"):
        OnnxModelScorer(copy).score(FAILURE, np.zeros((1, len(SPECS[FAILURE].inputs))))


def test_given_a_parity_failure_then_nothing_is_exported(trained, tmp_path, monkeypatch):
    def shifted(model, x):
        return sklearn_output(model, x) + 1e-3

    monkeypatch.setattr(export_module, "sklearn_output", shifted)
    with pytest.raises(ParityError, match=ANOMALY):
        export_module.export_model(trained[ANOMALY], tmp_path, {})
    assert list(tmp_path.iterdir()) == []
