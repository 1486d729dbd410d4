"""Compile requirements/*.lock from pyproject.toml with uv: `python3 dev.py lock [NAME ...]`.

dev.lock comes first: the other locks are constrained by it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from functions.cli.packaging.locks import (
    LOCK_DIR,
    LOCKS,
    LockSpec,
    compile_arguments,
    header,
    input_digest,
    load_project,
    requirements_of,
)


def uv_executable() -> str:
    found = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if found is None:
        raise SystemExit("uv is not installed: `pip install uv` (it is in the dev extra)")
    return found


def compile_lock(spec: LockSpec, root: Path, uv: str) -> Path:
    requirements = requirements_of(load_project(root / "pyproject.toml"), spec)
    with tempfile.TemporaryDirectory() as scratch:
        requirements_in = Path(scratch) / f"{spec.name}.in"
        requirements_in.write_text("\n".join(requirements) + "\n", encoding="utf-8")
        result = subprocess.run(
            [uv, *compile_arguments(spec, requirements_in, root)],
            cwd=root, capture_output=True, text=True, check=False,
        )  # fmt: skip
        resolved = result.stdout.replace(str(requirements_in), f"pyproject.toml [{spec.name}]")
    if result.returncode != 0:
        raise SystemExit(f"uv could not resolve {spec.file_name}:\n{result.stderr}")
    target = root / LOCK_DIR / spec.file_name
    target.parent.mkdir(exist_ok=True)
    target.write_text(header(spec, input_digest(requirements)) + resolved, encoding="utf-8")
    return target


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[3]
    chosen = [spec for spec in LOCKS if not argv or spec.name in argv]
    uv = uv_executable()
    for spec in chosen:
        print(f"[lock] {spec.file_name}", flush=True)
        compile_lock(spec, root, uv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
