#!/usr/bin/env python3
"""Set up and run WellOS with nothing but Python 3.11+ and git.

    python3 dev.py demo [--duration N] [--fresh]   the local platform with a simulated field
    python3 dev.py test [pytest args]              lint, type checks, import contracts, all tests
    python3 dev.py lock [NAME ...]                 re-resolve requirements/*.lock (pyproject edits)
    python3 dev.py wellos ARGS                     the `wellos` CLI in the virtualenv

They create `.venv` on first use and install the hashed set of `requirements/dev.lock` into
it, then WellOS itself without dependencies; they reinstall only when `pyproject.toml` or
the lock changes. They build the office app (web/) when its sources change: Node.js comes
from PyPI into `.venv` when none is on the PATH, `npm ci` runs when `web/package-lock.json`
changes. checkov (the Bicep scanner) gets its own environment in `.tools/checkov`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".wellos-installed"


def _say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


DEV_LOCK = ROOT / "requirements" / "dev.lock"
CHECKOV_LOCK = ROOT / "requirements" / "checkov.lock"


def _fingerprint(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _install_fingerprint() -> str:
    return _fingerprint(ROOT / "pyproject.toml", DEV_LOCK)


def _pip(python: Path) -> list[str]:
    return [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]


def ensure_venv() -> None:
    """Create the virtualenv, install the locked dev set, then WellOS itself (editable)."""
    if sys.version_info < (3, 11):
        sys.exit(f"WellOS needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        _say(f"creating virtualenv in {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    fingerprint = _install_fingerprint()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        return
    _say("installing requirements/dev.lock and WellOS (first run, or pyproject/lock changed)")
    subprocess.run([*_pip(PYTHON), "--require-hashes", "-r", str(DEV_LOCK)], check=True, cwd=ROOT)
    subprocess.run([*_pip(PYTHON), "--no-deps", "-e", str(ROOT)], check=True, cwd=ROOT)
    STAMP.write_text(fingerprint)


CHECKOV_VENV = ROOT / ".tools" / "checkov"
CHECKOV_STAMP = CHECKOV_VENV / ".wellos-installed"


def ensure_checkov() -> None:
    """checkov in its own virtualenv: it pins releases the dev set must not be held to."""
    fingerprint = _fingerprint(CHECKOV_LOCK)
    if CHECKOV_STAMP.exists() and CHECKOV_STAMP.read_text() == fingerprint:
        return
    _say("installing checkov (requirements/checkov.lock) into .tools/checkov")
    venv.EnvBuilder(with_pip=True, clear=True).create(CHECKOV_VENV)
    python = CHECKOV_VENV / PYTHON.relative_to(VENV)
    command = [*_pip(python), "--require-hashes", "-r", str(CHECKOV_LOCK)]
    try:
        subprocess.run(command, check=True, cwd=ROOT, timeout=900)
    except (subprocess.SubprocessError, OSError) as exc:
        _say(f"checkov install failed ({type(exc).__name__}); the Bicep scan will be skipped")
        return
    CHECKOV_STAMP.write_text(fingerprint)


sys.path.insert(0, str(ROOT / "web" / "scripts"))
import toolchain  # noqa: E402  (web/scripts/toolchain.py: Node.js, npm ci, vite build)

TOOLS = ROOT / ".tools"
AZURITE = TOOLS / "node_modules" / ".bin" / "azurite-blob"


def ensure_azurite() -> None:
    """Install Azurite (npm) for the Blob Storage tests when Node.js is present."""
    npm = shutil.which("npm")
    if AZURITE.exists():
        return
    if npm is None or shutil.which("node") is None:
        _say("Node.js not found: Azurite cannot run; Azure Blob tests will be skipped")
        return
    _say("installing Azurite (npm) into .tools/")
    flags = ["--no-audit", "--no-fund", "--silent"]
    command = [npm, "install", "--prefix", str(TOOLS), *flags, "azurite@3"]
    try:
        subprocess.run(command, cwd=ROOT, check=True, timeout=600)
    except (subprocess.SubprocessError, OSError) as exc:
        _say(f"Azurite install failed ({type(exc).__name__}); Azure Blob tests will be skipped")


NODE_OPCUA_VERSION = "2.186.4"  # keep equal to tests/emulators.py
NODE_OPCUA = TOOLS / "node_modules" / "node-opcua" / "package.json"


def ensure_node_opcua() -> None:
    """Install node-opcua (npm, pinned) for the gateway's interop test when Node.js is here."""
    if NODE_OPCUA.exists() and f'"version": "{NODE_OPCUA_VERSION}"' in NODE_OPCUA.read_text():
        return
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        _say("Node.js not found: node-opcua cannot run; the gateway interop test will be skipped")
        return
    _say(f"installing node-opcua {NODE_OPCUA_VERSION} (npm) into .tools/")
    flags = ["--no-audit", "--no-fund", "--silent"]
    command = [npm, "install", "--prefix", str(TOOLS), *flags, f"node-opcua@{NODE_OPCUA_VERSION}"]
    try:
        subprocess.run(command, cwd=ROOT, check=True, timeout=900)
    except (subprocess.SubprocessError, OSError) as exc:
        _say(f"node-opcua install failed ({type(exc).__name__}); the interop test will be skipped")


def ensure_office_app() -> bool:
    """Node.js (from PyPI when missing), npm ci and vite build, each only when needed."""
    return toolchain.ensure_app(PYTHON, _say)


def _run(command: list[str]) -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(command, cwd=ROOT, env=env).returncode


def run_checks() -> int:
    """Static checks that gate the test run: ruff, mypy strict, import contracts."""
    steps = [
        ("ruff check", [str(BIN / "ruff"), "check", "."]),
        ("ruff format --check", [str(BIN / "ruff"), "format", "--check", "."]),
        ("mypy (strict: shared/, functions/, edge_gateway/, models/)", [str(BIN / "mypy")]),
        ("import-linter", [str(BIN / "lint-imports")]),
    ]
    for title, command in steps:
        _say(title)
        code = _run(command)
        if code != 0:
            _say(f"{title} failed (exit {code})")
            return code
    return 0


def run_tests(pytest_args: list[str]) -> int:
    code = run_checks()
    if code != 0:
        return code
    ensure_azurite()
    ensure_node_opcua()
    ensure_checkov()
    if not ensure_office_app():
        _say("the office app's checks and browser tests will be skipped")
    _say("pytest")
    return _run([str(PYTHON), "-m", "pytest", *_parallel(pytest_args), *pytest_args])


def _parallel(pytest_args: list[str]) -> list[str]:
    """pytest-xdist on every core, a module's tests on one worker (module fixtures are
    made once), unless the arguments choose (`-n 0` runs in this process)."""
    if any(arg == "-n" or arg.startswith(("-n", "--numprocesses")) for arg in pytest_args):
        return []
    return ["-n", "auto", "--dist", "loadscope"]


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test", "wellos", "lock"}:
        print(__doc__)
        return 2
    ensure_venv()
    command, rest = argv[0], argv[1:]
    if command == "test":
        return run_tests(rest)
    if command == "lock":
        return _run([str(PYTHON), "-m", "functions.cli.packaging.compile_locks", *rest])
    if command == "demo":
        if not ensure_office_app():
            _say("serving the API without the office app")
        return _run([str(BIN / "wellos"), "demo", *rest])
    return _run([str(BIN / "wellos"), *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
