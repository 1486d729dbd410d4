"""Cold-start import time of the API handlers in a fresh interpreter.

    PYTHONPATH=. .venv/bin/python bench/cold_start.py [--runs 7] [--top 15]
        [--module functions.aws.api_handler] [--python PATH]

Imports each module `--runs` times in a fresh interpreter with a clean environment and
reports the median, twice:

- with bytecode: the .pyc are there (after one warm-up run), as in a package built
  by `wellos package` (functions/cli/packaging/build.py compiles it for its target);
- without bytecode: nothing cached and nothing written (`-B`, an empty cache prefix),
  as in a read-only package shipped without .pyc, which compiles every module on every
  cold start. An upper bound: the standard library is compiled here too, while a
  platform's runtime ships its own bytecode.

Then one run under `python -X importtime` lists the slowest imports (cumulative,
top-level packages and this repository's modules). Target (issue 12): API handler
import under 1.0 s. The last line is key=value pairs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 1.0
MODULES = ["functions.aws.api_handler", "function_app"]
TIMER = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
ENVIRONMENT = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": "/tmp"}


def import_time(python: str, module: str, runs: int, bytecode: bool = True) -> float:
    samples = []
    for _ in range(runs + (1 if bytecode else 0)):
        with tempfile.TemporaryDirectory() as empty:
            environment = ENVIRONMENT if bytecode else {**ENVIRONMENT, "PYTHONPYCACHEPREFIX": empty}
            flags = [] if bytecode else ["-B"]
            done = subprocess.run(
                [python, *flags, "-c", TIMER.format(module=module)],
                capture_output=True, text=True, env=environment, cwd=ROOT, check=True,
            )  # fmt: skip
        samples.append(float(done.stdout.strip().splitlines()[-1]))
    return statistics.median(samples[1:] if bytecode else samples)


def slowest(python: str, module: str, top: int) -> list[tuple[float, str]]:
    """(cumulative seconds, module) of the slowest imports `-X importtime` reports."""
    done = subprocess.run(
        [python, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True, text=True, env=ENVIRONMENT, cwd=ROOT, check=True,
    )  # fmt: skip
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        if depth <= 1 or name.strip().startswith(("functions", "shared")):
            rows.append((int(cumulative) / 1e6, name.strip()))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--module", action="append", dest="modules")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    modules = args.modules or MODULES
    figures: dict[str, str] = {}
    for module in modules:
        print(f"\n{module}: slowest imports (cumulative s, one -X importtime run)")
        for seconds, name in slowest(args.python, module, args.top):
            print(f"  {seconds:7.3f}  {name}")
        cached = import_time(args.python, module, args.runs)
        compiled = import_time(args.python, module, args.runs, bytecode=False)
        print(f"{module}: median import {cached:.3f} s with bytecode, {compiled:.3f} s without")
        key = module.rsplit(".", 1)[-1]
        figures[f"{key}_import_s"] = f"{cached:.3f}"
        figures[f"{key}_no_bytecode_s"] = f"{compiled:.3f}"
    first = modules[0].rsplit(".", 1)[-1]
    api = float(figures[f"{first}_import_s"])
    figures = {"import_s": f"{api:.3f}", "ratio_vs_target": f"{api / TARGET_S:.2f}", **figures}
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
