"""`wellos models train|export|verify`: train on synthetic wells, ship ONNX, check what ships.

Training needs the `train` extra (scikit-learn, skl2onnx, onnx): `pip install -e '.[train]'`.
`verify` needs only onnxruntime; with scikit-learn and a build it also re-runs parity.
Progress bars go to stderr, so `--json` output on stdout stays machine-readable.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from functions.cli.output import emit_json, fail, stderr, stdout

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
ARTIFACTS_DIR = MODELS_DIR / "artifacts"
BUILD_DIR = MODELS_DIR / "build"
TRAIN_EXTRA = "install the training extra first: pip install -e '.[train]'"

models_app = typer.Typer(
    name="models",
    help="Machine-learning models: train on synthetic wells, export to ONNX, verify artifacts.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    add_completion=False,
    epilog="[bold]Examples:[/bold]\n\n  wellos models train --export\n\n"
    "  wellos models verify --json",
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON only.")]
BuildOption = Annotated[Path, typer.Option(help="Where `train` keeps the fitted estimators.")]
ArtifactsOption = Annotated[Path, typer.Option(help="Where the shipped .onnx files live.")]


class _Bars:
    """models.training.Steps drawn as rich progress bars on stderr."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: Any = None

    def begin(self, label: str, total: int) -> None:
        self.task = self.progress.add_task(label, total=total)

    def advance(self) -> None:
        self.progress.advance(self.task)


@contextlib.contextmanager
def _bars(quiet: bool) -> Iterator[_Bars]:
    progress = Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr,
        disable=quiet,
    )
    with progress:
        yield _Bars(progress)


@contextlib.contextmanager
def _training_side() -> Iterator[None]:
    try:
        yield
    except ImportError as exc:
        raise fail(f"{exc.name or 'a training package'} is missing: {TRAIN_EXTRA}", 1) from None
    except FileNotFoundError as exc:
        raise fail(str(exc), 1) from None


@models_app.command()
def train(
    seed: Annotated[int, typer.Option(help="Seed of the synthetic field.")] = 20240,
    wells: Annotated[
        int | None, typer.Option(min=8, help="Training wells (held-out: half as many).")
    ] = None,
    export_after: Annotated[
        bool, typer.Option("--export", help="Export to ONNX right after training.")
    ] = False,
    build_dir: BuildOption = BUILD_DIR,
    artifacts_dir: ArtifactsOption = ARTIFACTS_DIR,
    json_output: JsonOption = False,
) -> None:
    """Generate synthetic wells, train the four models and print held-out metrics."""
    with _training_side():
        from models.datasets import DataConfig
        from models.training import save, train_all

        config = DataConfig(seed=seed)
        if wells is not None:
            config = dataclasses.replace(config, train_wells=wells, test_wells=max(4, wells // 2))
        started = time.perf_counter()
        with _bars(json_output) as bars:
            trained = train_all(config, bars)
            save(trained, build_dir, config)
        report: dict[str, Any] = {
            "seconds": round(time.perf_counter() - started, 1),
            "build_dir": str(build_dir),
            "models": {
                name: {"metrics": m.metrics, "training_rows": m.training_rows}
                for name, m in trained.items()
            },
        }
        if export_after:
            report["exported"] = _export(trained, config, artifacts_dir, json_output)
    if json_output:
        emit_json(report)
        return
    _metrics_table(report["models"])
    stdout.print(f"trained in {report['seconds']} s; estimators in {build_dir}")
    if export_after:
        _export_table(report["exported"])


@models_app.command()
def export(
    build_dir: BuildOption = BUILD_DIR,
    artifacts_dir: ArtifactsOption = ARTIFACTS_DIR,
    json_output: JsonOption = False,
) -> None:
    """Convert the last training to ONNX (parity-checked) and write the manifests."""
    with _training_side():
        from models.training import load

        config, trained = load(build_dir)
        exported = _export(trained, config, artifacts_dir, json_output)
    if json_output:
        emit_json({"artifacts_dir": str(artifacts_dir), "models": exported})
    else:
        _export_table(exported)


def _export(
    trained: dict[str, Any], config: Any, artifacts_dir: Path, quiet: bool
) -> list[dict[str, Any]]:
    from models.export import ParityError, export_all

    try:
        with _bars(quiet) as bars:
            reports = export_all(trained, artifacts_dir, dataclasses.asdict(config), bars)
    except ParityError as exc:
        raise fail(f"parity check failed, nothing exported: {exc}", 1) from None
    return [
        {
            "name": r.name,
            "path": str(r.path),
            "size_bytes": r.size_bytes,
            "sha256": r.sha256,
            "parity_max_abs_diff": r.parity_max_abs_diff,
            "parity_rows": r.parity_rows,
        }
        for r in reports
    ]


@models_app.command()
def verify(
    artifacts_dir: ArtifactsOption = ARTIFACTS_DIR,
    build_dir: BuildOption = BUILD_DIR,
    fresh_seed: Annotated[int, typer.Option(help="Seed of the fresh parity wells.")] = 777,
    json_output: JsonOption = False,
) -> None:
    """Re-hash artifacts, open each session, check reference outputs (and fresh parity)."""
    from models.verify import verify_artifacts

    trained = _trained_if_available(build_dir)
    names = sorted(artifacts_dir.glob("*.manifest.json"))
    if not names:
        raise fail(f"no models in {artifacts_dir}: run `wellos models train --export`", 1)
    with _bars(json_output) as bars:
        bars.begin("verifying artifacts", len(names))
        results = verify_artifacts(artifacts_dir, trained, fresh_seed, bars.advance)
    rows = [{**dataclasses.asdict(r), "ok": r.ok} for r in results]
    if json_output:
        emit_json({"ok": all(r.ok for r in results), "models": rows})
    else:
        _verify_table(rows)
    if not all(r.ok for r in results):
        raise typer.Exit(1)


def _trained_if_available(build_dir: Path) -> dict[str, Any] | None:
    try:
        from models.training import load

        return load(build_dir)[1]
    except (ImportError, FileNotFoundError):
        return None


def _metrics_table(models: dict[str, Any]) -> None:
    table = Table(title="Held-out metrics")
    for column in ("model", "metric", "value"):
        table.add_column(column)
    for name, entry in models.items():
        for metric, value in entry["metrics"].items():
            table.add_row(name, metric, f"{value:.4g}")
            name = ""
    stdout.print(table)


def _export_table(exported: list[dict[str, Any]]) -> None:
    table = Table(title="Exported")
    for column in ("model", "size", "parity max |diff|", "sha256"):
        table.add_column(column)
    for r in exported:
        size = f"{r['size_bytes'] / 1024:.0f} KiB"
        parity = f"{r['parity_max_abs_diff']:.1e}"
        table.add_row(r["name"], size, parity, r["sha256"][:16])
    stdout.print(table)


def _verify_table(rows: list[dict[str, Any]]) -> None:
    table = Table(title="Artifacts")
    table.add_column("model", no_wrap=True)
    for column in ("ok", "size", "open", "reference |diff|", "fresh |diff|", "notes"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r["name"],
            "[green]yes[/green]" if r["ok"] else "[red]NO[/red]",
            f"{r['size_bytes'] / 1024:.0f} KiB",
            "-" if r["open_seconds"] is None else f"{r['open_seconds'] * 1000:.0f} ms",
            _number(r["reference_max_diff"]),
            _number(r["fresh_max_diff"]),
            "; ".join(r["problems"] + r["notes"]),
        )
    stdout.print(table)


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.1e}"


if __name__ == "__main__":
    models_app()
