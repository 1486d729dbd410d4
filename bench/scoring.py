"""Model scoring: onnxruntime (the shipped path) vs scikit-learn, sessions, imports, the night.

    .venv/bin/python bench/scoring.py [--wells 500] [--days 30] [--sklearn-wells 100]

Needs the `train` extra and a build (`wellos models train`; trained here if
missing) for the scikit-learn side. The ONNX side reads `models/artifacts` when
the build is the one they were exported from (same training fingerprint); when
the local scikit-learn/numpy trained different models (a fresh clone on other
library versions), the bench exports this build to ONNX in a temporary
directory and compares against that: both sides are always the same models.
`onnx_source=shipped|build` on the last line says which.
Prints, then a last line of key=value pairs:

- per model, latency of one call at batch 1, 100 and 10,000 rows (median),
  onnxruntime (through the ModelScorer adapter) and scikit-learn (n_jobs=1);
- the night's workload on one worker: `score_well_window` for `--wells` wells
  with `--days` days of hourly sensor readings and 90 days of production each
  (features + the four models, the choke search as one batch), in wells/s,
  through onnxruntime and through a scikit-learn scorer (on `--sklearn-wells`);
- the import time of the scoring path in a fresh interpreter (median of 3);
- the time to open each model's onnxruntime session (median of 5).

Targets: the night's workload >= 5x faster than scikit-learn at batch 1
(`ratio_workload_sklearn_vs_onnx`), imports < 1 s, every session opens < 1 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.datasets import DataConfig  # noqa: E402
from models.export import export_all, open_session, sklearn_output  # noqa: E402
from models.specs import SPECS  # noqa: E402
from models.synthetic import FailureMode, Fault, generate_sensor_series  # noqa: E402
from models.synthetic_production import generate_production_series  # noqa: E402
from models.training import load, save, train_all  # noqa: E402
from shared.adapters.onnx.scorer import DEFAULT_ARTIFACTS, OnnxModelScorer  # noqa: E402
from shared.core.analytics.model.scoring import score_well_window  # noqa: E402
from shared.core.ports.scoring import ModelManifest  # noqa: E402

BUILD = ROOT / "models" / "build"
IMPORT_SNIPPET = (
    "import time; t = time.perf_counter(); "
    "import shared.adapters.onnx.scorer, shared.core.analytics.model.scoring; "
    "print(time.perf_counter() - t)"
)


class SklearnScorer:
    """The ModelScorer port on the scikit-learn estimators (the baseline)."""

    def __init__(self, trained, manifests: OnnxModelScorer) -> None:
        self.trained = trained
        self.manifests = manifests
        for model in trained.values():
            if hasattr(model.estimator, "n_jobs"):
                model.estimator.n_jobs = 1

    def manifest(self, model_name: str) -> ModelManifest:
        return self.manifests.manifest(model_name)

    def score(self, model_name: str, features):
        rows = np.asarray(features, dtype=np.float32).reshape(
            -1, len(self.trained[model_name].inputs)
        )
        return sklearn_output(self.trained[model_name], rows).astype(np.float32)


def timed(fn, min_seconds: float = 0.3, min_runs: int = 5, max_runs: int = 2000) -> float:
    """Median seconds per call."""
    runs: list[float] = []
    started = time.perf_counter()
    while len(runs) < max_runs and (
        len(runs) < min_runs or time.perf_counter() - started < min_seconds
    ):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def trained_models(export_dir: Path):
    """The build's scikit-learn models and an ONNX scorer of the very same models.

    The shipped artifacts when the build matches them; else this build exported
    into `export_dir` (the bench never stops over library versions).
    """
    try:
        config, trained = load(BUILD)
    except FileNotFoundError:
        print("no build: training (wellos models train) ...", flush=True)
        config = DataConfig()
        trained = train_all(config)
        save(trained, BUILD, config)
    shipped = OnnxModelScorer(DEFAULT_ARTIFACTS)
    differs = [
        name
        for name, model in trained.items()
        if model.fingerprint != shipped.manifest(name).training_fingerprint
    ]
    if not differs:
        return trained, shipped, "shipped"
    print(
        f"the build differs from models/artifacts ({', '.join(differs)}; other "
        "scikit-learn/numpy): exporting this build to ONNX for the comparison ...",
        flush=True,
    )
    export_all(trained, export_dir, dataclasses.asdict(config))
    return trained, OnnxModelScorer(export_dir), "build"


def latencies(trained, scorer: OnnxModelScorer) -> dict[str, dict[int, tuple[float, float]]]:
    results: dict[str, dict[int, tuple[float, float]]] = {}
    for name, model in trained.items():
        rows = np.resize(model.heldout, (10_000, model.heldout.shape[1])).astype(np.float32)
        results[name] = {}
        for batch in (1, 100, 10_000):
            x = rows[:batch]
            onnx_s = timed(lambda x=x, name=name: scorer.score(name, x))
            sk_s = timed(lambda x=x, model=model: sklearn_output(model, x), min_runs=3)
            results[name][batch] = (onnx_s, sk_s)
    return results


def night(wells: int, days: int) -> list[tuple[dict, dict]]:
    modes = list(FailureMode)
    field = []
    for i in range(wells):
        fault = (
            Fault(modes[i % 4], onset_hour=days * 24, precursor_hours=120) if i % 10 == 0 else None
        )
        field.append(
            (
                generate_sensor_series(10_000 + i, days * 24, fault),
                generate_production_series(10_000 + i, 90),
            )
        )
    return field


def workload(scorer, field) -> tuple[float, dict[str, int]]:
    counts: dict[str, int] = {}
    started = time.perf_counter()
    for sensors, production in field:
        scores = score_well_window(scorer, sensors, production)
        level = scores.anomaly.severity if scores.anomaly and scores.anomaly.severity else "none"
        counts[str(level)] = counts.get(str(level), 0) + 1
    return time.perf_counter() - started, counts


def import_time() -> float:
    runs = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", IMPORT_SNIPPET],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(float(out.stdout.strip()))
    return statistics.median(runs)


def session_opens(artifacts: Path) -> dict[str, float]:
    opens = {}
    for name in SPECS:
        data = (artifacts / f"{name}.onnx").read_bytes()
        opens[name] = statistics.median(
            timed_once(lambda data=data: open_session(data)) for _ in range(5)
        )
    return opens


def timed_once(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--wells", type=int, default=500)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--sklearn-wells", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wellos-scoring-") as export_dir:
        run(args, Path(export_dir))


def run(args: argparse.Namespace, export_dir: Path) -> None:
    trained, scorer, onnx_source = trained_models(export_dir)
    imports = import_time()
    opens = session_opens(scorer.artifacts_dir)
    print(f"{'model':<22}{'batch':>7}{'onnx ms':>11}{'sklearn ms':>12}{'sklearn/onnx':>14}")
    lat = latencies(trained, scorer)
    for name, per_batch in lat.items():
        for batch, (onnx_s, sk_s) in per_batch.items():
            row = f"{name:<22}{batch:>7}{onnx_s * 1e3:>11.3f}{sk_s * 1e3:>12.3f}"
            print(f"{row}{sk_s / onnx_s:>14.1f}")
    for name, seconds in opens.items():
        print(f"session open  {name:<22}{seconds * 1e3:8.1f} ms")
    print(f"import scoring path (fresh interpreter): {imports * 1e3:.0f} ms")

    field = night(args.wells, args.days)
    onnx_s, counts = workload(scorer, field)
    sk_field = field[: args.sklearn_wells]
    sk_s, _ = workload(SklearnScorer(trained, scorer), sk_field)
    onnx_rate, sk_rate = len(field) / onnx_s, len(sk_field) / sk_s
    print(
        f"night: {len(field)} wells x {args.days} d hourly through score_well_window: "
        f"onnx {onnx_rate:.0f} wells/s ({onnx_s:.2f} s), sklearn {sk_rate:.1f} wells/s "
        f"(on {len(sk_field)} wells); anomaly severities {counts}"
    )
    figures = {
        "onnx_source": onnx_source,
        "wells_per_s_onnx": f"{onnx_rate:.1f}",
        "wells_per_s_sklearn": f"{sk_rate:.1f}",
        "night_onnx_s": f"{onnx_s:.2f}",
        "import_scoring_s": f"{imports:.3f}",
        "session_open_max_s": f"{max(opens.values()):.3f}",
        **{f"session_open_{name}_s": f"{s:.3f}" for name, s in opens.items()},
        **{
            f"{name}_b{batch}_onnx_ms": f"{o * 1e3:.3f}"
            for name, per in lat.items()
            for batch, (o, _) in per.items()
        },
    }
    for batch in (1, 100, 10_000):
        ratios = [per[batch][1] / per[batch][0] for per in lat.values()]
        figures[f"ratio_batch{batch}_sklearn_vs_onnx_min"] = f"{min(ratios):.1f}"
    figures["ratio_workload_sklearn_vs_onnx"] = f"{onnx_rate / sk_rate:.1f}"
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
