"""Each host imports only what its lock installs, and the cloud hosts stay lean.

The import graph is read from the source (functions/cli/packaging/imports.py):
lazy imports count, since a route or a job runs them later in the same package.
A third-party module reachable only through a setting that picks the other
cloud (`Package.not_shipped`) is allowed to be absent. The cold-start check
imports each handler in a fresh interpreter and lists what got loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from functions.cli.packaging.hosts import GATEWAY_ENTRY, GATEWAY_LOCK, PACKAGES, Package
from functions.cli.packaging.imports import reach
from functions.cli.packaging.locks import LOCK_DIR, PYTHON_3_11, pins
from tests.deploy.distributions import providers

ROOT = Path(__file__).resolve().parents[2]
# Never in a cloud package: the laptop's database, the field simulator, training, servers.
NEVER_IN_CLOUD = {"asyncua", "pgserver", "sklearn", "skl2onnx", "onnx", "joblib", "uvicorn"}
# Loaded on first use only (a chart, a decline fit, an XLSX import, a scoring job).
NOT_AT_COLD_START = NEVER_IN_CLOUD | {"matplotlib", "onnxruntime", "scipy", "openpyxl"}


def _locked(lock: str) -> set[str]:
    text = (ROOT / LOCK_DIR / f"{lock}.lock").read_text(encoding="utf-8")
    return {pin.name for pin in pins(text) if pin.applies(PYTHON_3_11)}


def _unlocked(modules: dict[str, str], locked: set[str], allowed: tuple[str, ...]) -> list[str]:
    missing = []
    for module, importer in sorted(modules.items()):
        if module.split(".")[0] in allowed:
            continue
        candidates = {canonicalize_name(name) for name in providers(module)}
        if not candidates & locked:
            missing.append(f"{module} (imported by {importer}; provided by {sorted(candidates)})")
    return missing


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_a_cloud_package_reaches_no_laptop_or_training_module(package: Package) -> None:
    graph = reach(ROOT, package.entry_modules)
    assert not NEVER_IN_CLOUD & graph.third_party.keys(), {
        name: graph.third_party[name] for name in NEVER_IN_CLOUD & graph.third_party.keys()
    }


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_every_module_a_cloud_package_imports_is_in_its_lock(package: Package) -> None:
    graph = reach(ROOT, package.entry_modules)
    assert _unlocked(graph.third_party_modules, _locked(package.lock), package.not_shipped) == []


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_every_project_module_a_handler_reaches_is_in_its_package(package: Package) -> None:
    graph = reach(ROOT, package.entry_modules)
    shipped = [Path(path) for path in package.code]

    def inside(module: str) -> bool:
        located = graph_path(module)
        return any(located == path or path in located.parents for path in shipped)

    def graph_path(module: str) -> Path:
        base = Path(*module.split("."))
        return base / "__init__.py" if (ROOT / base).is_dir() else base.with_suffix(".py")

    assert sorted(module for module in graph.modules if not inside(module)) == []


def test_the_gateway_imports_only_what_its_lock_installs() -> None:
    graph = reach(ROOT, [GATEWAY_ENTRY])
    assert _unlocked(graph.third_party_modules, _locked(GATEWAY_LOCK), ()) == []
    server_side = {"sqlalchemy", "fastapi", "numpy", "scipy", "onnxruntime", "pg8000"}
    assert not server_side & graph.third_party.keys()


COLD_START = """
import json, sys
import {module}
print(json.dumps(sorted({{name.split('.')[0] for name in sys.modules}})))
"""


@pytest.mark.parametrize(
    "module",
    sorted({module for package in PACKAGES for module in package.entry_modules}),
)
def test_a_handler_cold_start_loads_nothing_it_needs_only_later(module: str) -> None:
    environment = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", COLD_START.format(module=module)],
        capture_output=True, text=True, env=environment, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert loaded & NOT_AT_COLD_START == set()
