"""Deployable package sizes and handler cold-start imports, each host on its own lock.

    .venv/bin/python bench/package.py [--runs 5] [--cache /tmp/wellos-bench-package] [--no-build]

- builds `wellos package azure` and `wellos package aws` (x86_64 and arm64) and reports
  each package's unzipped size (an AWS package over Lambda's 250 MB is shipped as an
  image: its size is still reported, with `kind=image`);
- makes a throwaway virtualenv per lock (azure, aws, aws-scoring, gateway) under the
  cache folder, reused while the lock is unchanged, and measures the gateway's
  installed tree (its site-packages plus edge_gateway/ and shared/);
- imports each handler in a fresh interpreter of its host's virtualenv (only that
  host's extra installed; the code from this tree) and reports the median.

Targets: every Lambda zip < 250 MB unzipped; API handler import < 1.0 s; gateway tree
< 150 MB. The last line is key=value pairs, with each figure's ratio to its target.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import statistics
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from functions.cli.packaging.build import Built, build_cloud, tree_size  # noqa: E402
from functions.cli.packaging.hosts import (  # noqa: E402
    GATEWAY_ENTRY,
    LAMBDA_ARCHITECTURES,
    LAMBDA_UNZIPPED_LIMIT,
    packages_of,
)
from functions.cli.packaging.locks import LOCK_DIR  # noqa: E402

API_IMPORT_TARGET_S = 1.0
GATEWAY_TREE_TARGET = 150_000_000
IMPORTS = {
    "azure": ["function_app"],
    "aws": ["functions.aws.api_handler", "functions.aws.ingest_handler"],
    "aws-scoring": ["functions.aws.scoring_handler"],
    "gateway": [GATEWAY_ENTRY.removesuffix(".__main__") + ".service"],
}
API_HANDLERS = {"function_app", "functions.aws.api_handler"}
TIMER = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


def lock_venv(cache: Path, lock_name: str) -> Path:
    """A virtualenv with exactly the lock's packages, rebuilt when the lock changes."""
    lock = ROOT / LOCK_DIR / f"{lock_name}.lock"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()[:12]
    target = cache / "venvs" / f"{lock_name}-{digest}"
    python = target / "bin" / "python"
    if (target / ".complete").exists():
        return python
    shutil.rmtree(target, ignore_errors=True)
    print(f"[bench] virtualenv for {lock.name} in {target}", flush=True)
    venv.EnvBuilder(with_pip=True).create(target)
    result = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
         "--require-hashes", "--no-deps", "-r", str(lock)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(f"pip could not install {lock.name}:\n{result.stderr[-3000:]}")
    (target / ".complete").write_text(digest)
    return python


def import_time(python: Path, module: str, runs: int) -> float:
    """Median seconds to import `module` in a fresh interpreter (after one warm-up run)."""
    environment = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    samples = []
    for _ in range(runs + 1):
        result = subprocess.run(
            [str(python), "-c", TIMER.format(module=module)],
            capture_output=True, text=True, env=environment, cwd="/tmp", check=True,
        )  # fmt: skip
        samples.append(float(result.stdout.strip().splitlines()[-1]))
    return statistics.median(samples[1:])


def site_packages(python: Path) -> Path:
    found = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return Path(found.stdout.strip())


def gateway_tree(python: Path) -> int:
    code = sum(tree_size(ROOT / name) for name in ("edge_gateway", "shared"))
    return tree_size(site_packages(python)) + code


def build_packages(cache: Path) -> list[Built]:
    built: list[Built] = []
    for cloud in ("azure", "aws"):
        out = cache / "packages" / cloud
        shutil.rmtree(out, ignore_errors=True)
        print(f"[bench] building the {cloud} packages into {out}", flush=True)
        built += build_cloud(
            ROOT, packages_of(cloud), out, list(LAMBDA_ARCHITECTURES), lambda m: print(f"  {m}")
        )
    return built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/wellos-bench-package"))
    parser.add_argument("--no-build", action="store_true", help="skip building the packages")
    args = parser.parse_args()
    figures: dict[str, str] = {}
    if not args.no_build:
        print(f"{'package':<28}{'kind':<8}{'unzipped MB':>12}{'of 250 MB':>11}")
        for item in build_packages(args.cache):
            key = f"{item.package}_{item.architecture}".replace("-", "_")
            ratio = item.unzipped_bytes / LAMBDA_UNZIPPED_LIMIT
            print(f"{key:<28}{item.kind:<8}{item.unzipped_bytes / 1e6:>12.1f}{ratio:>11.2f}")
            figures[f"{key}_mb"] = f"{item.unzipped_bytes / 1e6:.1f}"
            if item.package != "azure":
                figures[f"{key}_ratio_to_250mb"] = f"{ratio:.2f}"
                figures[f"{key}_kind"] = item.kind
    print(f"\n{'handler import (median)':<44}{'seconds':>8}")
    for lock_name, modules in IMPORTS.items():
        python = lock_venv(args.cache, lock_name)
        for module in modules:
            seconds = import_time(python, module, args.runs)
            print(f"{lock_name + ': ' + module:<44}{seconds:>8.3f}")
            key = f"import_{module.replace('.', '_')}_s"
            figures[key] = f"{seconds:.3f}"
            if module in API_HANDLERS:
                figures[key.replace("_s", "_ratio_to_1s")] = f"{seconds / API_IMPORT_TARGET_S:.2f}"
        if lock_name == "gateway":
            size = gateway_tree(python)
            print(f"\ngateway installed tree: {size / 1e6:.1f} MB (target < 150 MB)")
            figures["gateway_tree_mb"] = f"{size / 1e6:.1f}"
            figures["gateway_tree_ratio_to_150mb"] = f"{size / GATEWAY_TREE_TARGET:.2f}"
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
