"""`wellos models train|export|verify` through typer's CliRunner."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from functions.cli.models import models_app
from shared.adapters.onnx.scorer import clear_session_cache
from shared.core.analytics.model.scoring import MODEL_NAMES

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture(autouse=True)
def fresh_sessions():
    clear_session_cache()
    yield
    clear_session_cache()


def test_module_help_lists_the_three_commands():
    done = subprocess.run(
        [sys.executable, "-m", "functions.cli.models", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    for command in ("train", "export", "verify"):
        assert command in done.stdout


def test_importing_the_cli_does_not_import_scikit_learn():
    script = "import sys, functions.cli.models; print('sklearn' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr


def test_verify_json_passes_on_the_shipped_artifacts(tmp_path):
    result = runner.invoke(models_app, ["verify", "--json", "--build-dir", str(tmp_path / "none")])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert sorted(m["name"] for m in report["models"]) == sorted(MODEL_NAMES)
    for model in report["models"]:
        assert model["reference_max_diff"] <= 1e-4 and model["open_seconds"] is not None
        assert "fresh parity skipped" in model["notes"][0]


def test_verify_fails_with_exit_1_on_a_tampered_artifact(tmp_path):
    pytest.importorskip("sklearn")
    artifacts = tmp_path / "artifacts"
    build = ["--build-dir", str(tmp_path / "build")]
    trained = runner.invoke(
        models_app,
        ["train", "--wells", "16", "--export", "--json", *build, "--artifacts-dir", str(artifacts)],
    )
    assert trained.exit_code == 0, trained.output
    report = json.loads(trained.stdout)
    assert set(report["models"]) == set(MODEL_NAMES)
    assert [e["name"] for e in report["exported"]] == list(MODEL_NAMES)

    verified = runner.invoke(
        models_app,
        [
            "verify",
            "--json",
            "--artifacts-dir",
            str(artifacts),
            "--build-dir",
            str(tmp_path / "build"),
        ],
    )
    assert verified.exit_code == 0, verified.output
    assert all(m["fresh_max_diff"] is not None for m in json.loads(verified.stdout)["models"])

    (artifacts / "water_cut_predictor.onnx").write_bytes(b"not a model")
    clear_session_cache()
    broken = runner.invoke(models_app, ["verify", "--json", "--artifacts-dir", str(artifacts)])
    assert broken.exit_code == 1
    models = {m["name"]: m for m in json.loads(broken.stdout)["models"]}
    assert not models["water_cut_predictor"]["ok"] and models["anomaly_detector"]["ok"]


def test_export_without_a_build_says_to_train_first(tmp_path):
    pytest.importorskip("sklearn")
    result = runner.invoke(
        models_app, ["export", "--build-dir", str(tmp_path), "--artifacts-dir", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "wellos models train" in result.output
