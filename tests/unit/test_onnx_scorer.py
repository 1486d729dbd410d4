"""The onnxruntime ModelScorer on the shipped artifacts: integrity, caching, inputs, imports."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from shared.adapters.onnx.scorer import DEFAULT_ARTIFACTS, OnnxModelScorer, clear_session_cache
from shared.core.analytics.errors import ModelInputError
from shared.core.analytics.model.scoring import MODEL_NAMES
from shared.core.common.errors import (
    InfrastructureError,
    InputError,
    ModelError,
    ModelIntegrityError,
    ModelNotFoundError,
)

ROOT = Path(__file__).resolve().parents[2]
MAX_BYTES = 5 * 1024 * 1024


@pytest.fixture(autouse=True)
def fresh_sessions():
    clear_session_cache()
    yield
    clear_session_cache()


@pytest.fixture
def copied(tmp_path) -> Path:
    target = tmp_path / "artifacts"
    shutil.copytree(DEFAULT_ARTIFACTS, target)
    return target


def reference(name: str) -> tuple[np.ndarray, np.ndarray, float]:
    data = json.loads((DEFAULT_ARTIFACTS / f"{name}.reference.json").read_text())
    return np.asarray(data["inputs"]), np.asarray(data["outputs"]), data["tolerance"]


def test_the_four_models_ship_small_with_manifests_whose_sha256_matches():
    scorer = OnnxModelScorer()
    assert scorer.available() == sorted(MODEL_NAMES)
    for name in MODEL_NAMES:
        data = (DEFAULT_ARTIFACTS / f"{name}.onnx").read_bytes()
        manifest = scorer.manifest(name)
        assert len(data) < MAX_BYTES
        assert manifest.sha256 == hashlib.sha256(data).hexdigest()
        assert manifest.name == name and manifest.version and manifest.metrics
        assert all(item.unit for item in manifest.inputs)


def test_scores_equal_the_scikit_learn_outputs_stored_at_export():
    scorer = OnnxModelScorer()
    for name in MODEL_NAMES:
        inputs, expected, tolerance = reference(name)
        got = scorer.score(name, inputs.astype(np.float32))
        assert got.dtype == np.float32 and got.shape == expected.shape
        np.testing.assert_allclose(got, expected, atol=tolerance)


@pytest.mark.skipif(
    importlib.util.find_spec("sklearn") is None, reason="scikit-learn (`train` extra) absent"
)
def test_scores_equal_scikit_learn_on_fresh_wells_when_the_build_matches():
    """The shipped artifacts against scikit-learn, trained here when there is no build (~15 s)."""
    from models.datasets import DataConfig
    from models.export import sklearn_output
    from models.training import load, train_all
    from models.verify import _FreshSample

    try:
        _, trained = load(ROOT / "models" / "build")
    except FileNotFoundError:
        trained = train_all(DataConfig())
    scorer = OnnxModelScorer()
    if any(trained[n].fingerprint != scorer.manifest(n).training_fingerprint for n in MODEL_NAMES):
        pytest.skip("models/build was trained on other data than the shipped artifacts")
    fresh = _FreshSample(seed=4242)
    for name in MODEL_NAMES:
        x = fresh.inputs(name)
        np.testing.assert_allclose(
            scorer.score(name, x), sklearn_output(trained[name], x), atol=1e-4
        )


def test_probabilities_have_one_column_per_class_and_sum_to_one():
    scorer = OnnxModelScorer()
    manifest = scorer.manifest("failure_predictor")
    inputs, _, _ = reference("failure_predictor")
    probabilities = scorer.score("failure_predictor", inputs)
    assert probabilities.shape == (len(inputs), len(manifest.classes))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)


def test_float64_rows_and_a_single_row_are_accepted():
    scorer = OnnxModelScorer()
    inputs, expected, tolerance = reference("water_cut_predictor")
    single = scorer.score("water_cut_predictor", inputs[0].astype(np.float64))
    assert single.shape == (1,)
    assert single[0] == pytest.approx(expected[0], abs=tolerance)


def test_given_a_model_opened_once_then_the_process_keeps_using_it(copied):
    scorer = OnnxModelScorer(copied)
    inputs, _, _ = reference("production_optimizer")
    first = scorer.score("production_optimizer", inputs)
    (copied / "production_optimizer.onnx").write_bytes(b"replaced after loading")
    again = OnnxModelScorer(copied).score("production_optimizer", inputs)  # another instance
    np.testing.assert_array_equal(first, again)
    clear_session_cache()  # a new process
    with pytest.raises(ModelIntegrityError):
        OnnxModelScorer(copied).score("production_optimizer", inputs)


def test_given_a_tampered_model_then_it_is_refused_naming_the_model(copied):
    path = copied / "anomaly_detector.onnx"
    data = bytearray(path.read_bytes())
    data[100] ^= 0x01
    path.write_bytes(bytes(data))
    scorer = OnnxModelScorer(copied)
    with pytest.raises(ModelIntegrityError) as refused:
        scorer.manifest("anomaly_detector")
    assert refused.value.name == "anomaly_detector" and "sha256" in refused.value.reason
    assert isinstance(refused.value, InfrastructureError)
    scorer.manifest("failure_predictor")  # the others still load


def test_given_a_manifest_naming_another_hash_then_the_model_is_refused(copied):
    path = copied / "water_cut_predictor.manifest.json"
    manifest = json.loads(path.read_text())
    manifest["sha256"] = "0" * 64
    path.write_text(json.dumps(manifest))
    with pytest.raises(ModelIntegrityError, match="sha256"):
        OnnxModelScorer(copied).load("water_cut_predictor")


def test_given_a_malformed_manifest_then_the_model_is_refused(copied):
    (copied / "water_cut_predictor.manifest.json").write_text('{"name": "water_cut_predictor"}')
    with pytest.raises(ModelIntegrityError, match="malformed"):
        OnnxModelScorer(copied).load("water_cut_predictor")


def test_given_a_missing_model_then_not_found(copied):
    (copied / "production_optimizer.onnx").unlink()
    scorer = OnnxModelScorer(copied)
    with pytest.raises(ModelNotFoundError, match=r"production_optimizer\.onnx"):
        scorer.load("production_optimizer")
    with pytest.raises(ModelNotFoundError):
        scorer.load("no_such_model")
    with pytest.raises(ModelNotFoundError):
        scorer.load("../artifacts/anomaly_detector")
    with pytest.raises(ModelError):
        OnnxModelScorer(copied / "nowhere").load("anomaly_detector")


def test_given_rows_of_the_wrong_width_or_not_finite_then_an_input_error():
    scorer = OnnxModelScorer()
    width = len(scorer.manifest("failure_predictor").inputs)
    with pytest.raises(ModelInputError, match=f"{width} features") as wrong:
        scorer.score("failure_predictor", np.zeros((2, width + 1), dtype=np.float32))
    assert isinstance(wrong.value, InputError)
    bad = np.zeros((1, width), dtype=np.float32)
    bad[0, 3] = np.nan
    with pytest.raises(ModelInputError, match="finite"):
        scorer.score("failure_predictor", bad)


def test_the_scoring_path_never_imports_scikit_learn_pandas_or_scipy():
    script = textwrap.dedent(
        """
        import sys
        import numpy as np
        import shared.adapters.onnx.scorer as scorer_module
        import shared.core.analytics.model.features
        from shared.core.analytics.model.scoring import score_well_window

        hours = np.arange(720)
        cycle = np.cos(2 * np.pi * hours / 24)
        sensors = {
            "motor_current": 40 + cycle, "vibration": 0.2 + 0.005 * cycle,
            "tubing_pressure": 150 + 2 * cycle, "casing_pressure": 100 + cycle,
            "flowline_temperature": 90 + 4 * cycle, "strokes_per_minute": 8 + 0 * cycle,
            "pump_fillage": 90 + cycle,
        }
        days = np.arange(90)
        production = {
            "oil_bbl": 100 * np.exp(-0.001 * days), "gas_mcf": 150 + 0 * days,
            "water_bbl": 40 + 0 * days, "hours_on": 24 + 0 * days, "choke_64ths": 24 + 0 * days,
            "tubing_pressure_psi": 150 + 0 * days, "casing_pressure_psi": 400 + 0 * days,
            "line_pressure_psi": 100 + 0 * days,
        }
        scores = score_well_window(scorer_module.OnnxModelScorer(), sensors, production)
        assert scores.anomaly is not None and scores.choke is not None, scores.skipped
        heavy = ("sklearn", "pandas", "scipy", "skl2onnx", "onnx", "joblib", "models")
        print(sorted(m for m in sys.modules if m.split(".")[0] in heavy))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
