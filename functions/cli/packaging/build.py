"""Build the deployable packages: the Functions zip and the Lambda zips (or image contexts).

Dependencies come from the package's lock with pip's cross-platform install
(`--platform --python-version --only-binary=:all: --require-hashes`), so a
package built on any machine carries the wheels of its target. Zips are
reproducible: sorted entries, fixed timestamps.

Each zip carries its code compiled to bytecode for the target CPython (`__pycache__`
with unchecked-hash .pyc files, valid whatever the timestamps after unzipping). Both
platforms run a package from a read-only tree, where Python cannot write the .pyc it
compiles: without them every cold start compiles every module again (several times
slower than loading the bytecode; bench/cold_start.py --no-bytecode shows it).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from functions.cli.packaging.hosts import (
    AZURE_GLIBC,
    EXCLUDED_PARTS,
    EXCLUDED_SUFFIXES,
    LAMBDA_ARCHITECTURES,
    LAMBDA_GLIBC,
    LAMBDA_UNZIPPED_LIMIT,
    Package,
    platform_tags,
)
from functions.cli.packaging.images import write_lambda_image
from functions.cli.packaging.locks import LOCK_DIR

Progress = Callable[[str], None]
ZIP_TIME = (2020, 1, 1, 0, 0, 0)
AZURE_SITE_PACKAGES = Path(".python_packages/lib/site-packages")
MANIFEST = "manifest.json"
FUNCIGNORE = """.git*
.venv
.tools
.python_packages
__pycache__
tests
web
bench
docs
infra
local.settings.json
"""


class PackagingError(Exception):
    """A package could not be built; the message says which and why."""


@dataclass(frozen=True)
class Built:
    """One artifact of `wellos package`: a zip, or an image build context for a container."""

    package: str
    architecture: str
    kind: str  # "zip" | "image"
    path: str  # relative to the output directory
    unzipped_bytes: int
    handlers: tuple[str, ...]


def pip_install(
    lock: Path, target: Path, python: str, platforms: Sequence[str], pip: Sequence[str] = ()
) -> None:
    """The lock's wheels for `platforms` and CPython `python`, unpacked into `target`."""
    command = [
        *(pip or [sys.executable, "-m", "pip"]), "install", "--quiet",
        "--disable-pip-version-check", "--require-hashes", "--no-deps", "--only-binary=:all:",
        "--implementation", "cp", "--python-version", python,
        *(f"--platform={platform}" for platform in platforms),
        "--target", str(target), "-r", str(lock),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if "is ignored" not in line]
        tail = "\n".join(lines[-12:])
        raise PackagingError(f"pip could not install {lock.name} for {platforms[0]}:\n{tail}")


def _kept(path: Path) -> bool:
    return not any(part in EXCLUDED_PARTS for part in path.parts) and (
        path.suffix not in EXCLUDED_SUFFIXES
    )


def copy_code(root: Path, code: Sequence[str], destination: Path) -> None:
    """The package's source paths (files or folders), without caches, under `destination`."""
    for relative in code:
        source = root / relative
        if not source.exists():
            raise PackagingError(f"{relative} is missing from the source tree at {root}")
        files = [source] if source.is_file() else sorted(p for p in source.rglob("*"))
        for file in files:
            if file.is_file() and _kept(file.relative_to(root)):
                target = destination / file.relative_to(root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(file, target)


# compileall for the package tree itself, whatever PYTHONPYCACHEPREFIX says in this shell
COMPILE = """import compileall, sys
sys.pycache_prefix = None
mode = compileall.py_compile.PycInvalidationMode.UNCHECKED_HASH
done = compileall.compile_dir(sys.argv[1], quiet=1, workers=0, invalidation_mode=mode)
sys.exit(0 if done else 1)
"""


def target_python(version: str) -> str | None:
    """An interpreter of CPython `version` ("3.11") on this machine, or None."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable
    found = shutil.which(f"python{version}")
    if found is None:
        return None
    probe = "import sys; print(f'{sys.version_info.major}.{sys.version_info.minor}')"
    try:  # a version manager's shim may exist without the version being selected
        answer = subprocess.run(
            [found, "-c", probe], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return found if answer.returncode == 0 and answer.stdout.strip() == version else None


def compile_bytecode(tree: Path, version: str, progress: Progress) -> bool:
    """Compile every module of `tree` for CPython `version`; False when no such interpreter.

    The .pyc pip wrote (for the building interpreter, checked against timestamps that
    unzipping changes) are replaced first. unchecked-hash: the loader trusts the .pyc
    without looking at the source's time or size, as it must for a package that is
    never edited in place.
    """
    for cache in sorted(tree.rglob("__pycache__"), reverse=True):
        shutil.rmtree(cache)
    python = target_python(version)
    if python is None:
        progress(
            f"no python{version} here: the package ships without bytecode (slower cold starts)"
        )
        return False
    result = subprocess.run(
        [python, "-c", COMPILE, str(tree)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:  # a file a library ships but never imports (an old example,
        # a template) may not compile: it stays source only, like before, and is named
        failed = [line for line in result.stdout.splitlines() if line.startswith("***")]
        progress(f"{len(failed)} file(s) left without bytecode: " + "; ".join(failed[:5]))
    return True


def _walk(tree: Path) -> Iterator[Path]:
    for path in sorted(tree.rglob("*")):
        if path.is_file():
            yield path


def write_zip(tree: Path, archive: Path) -> int:
    """`tree`'s files in a reproducible zip; returns their unzipped size in bytes."""
    total = 0
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as out:
        for path in _walk(tree):
            info = zipfile.ZipInfo(path.relative_to(tree).as_posix(), ZIP_TIME)
            info.external_attr = (0o755 if path.stat().st_mode & 0o111 else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            data = path.read_bytes()
            total += len(data)
            out.writestr(info, data)
    return total


def tree_size(tree: Path) -> int:
    return sum(path.stat().st_size for path in _walk(tree))


def _lock_path(root: Path, package: Package) -> Path:
    lock = root / LOCK_DIR / f"{package.lock}.lock"
    if not lock.is_file():
        raise PackagingError(f"{lock.relative_to(root)} is missing: run `python3 dev.py lock`")
    return lock


def build_azure(root: Path, package: Package, out: Path, progress: Progress) -> Built:
    """function_app.py, host.json, the code, .python_packages and the remote-build files."""
    lock = _lock_path(root, package)
    stage = out / f".stage-{package.name}"
    shutil.rmtree(stage, ignore_errors=True)
    progress(f"{package.name}: copying the app code")
    copy_code(root, package.code, stage)
    platforms = platform_tags("x86_64", AZURE_GLIBC)
    progress(f"{package.name}: installing {lock.name} for {platforms[0]}, CPython {package.python}")
    pip_install(lock, stage / AZURE_SITE_PACKAGES, package.python, platforms)
    shutil.copy2(lock, stage / "requirements.txt")
    (stage / ".funcignore").write_text(FUNCIGNORE, encoding="utf-8")
    progress(f"{package.name}: compiling the bytecode for CPython {package.python}")
    compile_bytecode(stage, package.python, progress)
    archive = out / f"wellos-{package.name}.zip"
    progress(f"{package.name}: writing {archive.name}")
    size = write_zip(stage, archive)
    shutil.rmtree(stage)
    handlers = tuple(h.dotted for h in package.handlers)
    return Built(package.name, "x86_64", "zip", archive.name, size, handlers)


def build_lambda(
    root: Path, package: Package, architecture: str, out: Path, progress: Progress
) -> Built:
    """A Lambda zip for `architecture`, or an image context when it would pass 250 MB unzipped."""
    lock = _lock_path(root, package)
    platforms = platform_tags(LAMBDA_ARCHITECTURES[architecture], LAMBDA_GLIBC)
    label = f"{package.name}-{architecture}"
    stage = out / f".stage-{label}"
    shutil.rmtree(stage, ignore_errors=True)
    progress(f"{label}: installing {lock.name} for {platforms[0]}, CPython {package.python}")
    pip_install(lock, stage, package.python, platforms)
    copy_code(root, package.code, stage)
    progress(f"{label}: compiling the bytecode for CPython {package.python}")
    compile_bytecode(stage, package.python, progress)
    handlers = tuple(h.dotted for h in package.handlers)
    size = tree_size(stage)
    if size > LAMBDA_UNZIPPED_LIMIT:
        context = out / f"wellos-{label}-image"
        progress(f"{label}: {size / 1e6:.0f} MB unzipped is over Lambda's 250 MB: image context")
        shutil.rmtree(context, ignore_errors=True)
        copy_code(root, package.code, context / "app")
        write_lambda_image(context, lock, package, architecture)
        shutil.rmtree(stage)
        return Built(package.name, architecture, "image", context.name, size, handlers)
    archive = out / f"wellos-{label}.zip"
    progress(f"{label}: writing {archive.name} ({size / 1e6:.0f} MB unzipped)")
    write_zip(stage, archive)
    shutil.rmtree(stage)
    return Built(package.name, architecture, "zip", archive.name, size, handlers)


def build_cloud(
    root: Path,
    packages: Sequence[Package],
    out: Path,
    architectures: Sequence[str],
    progress: Progress,
) -> list[Built]:
    """Every package of one cloud into `out`, and `manifest.json` naming what was built."""
    out.mkdir(parents=True, exist_ok=True)
    built: list[Built] = []
    for package in packages:
        if package.cloud == "azure":
            built.append(build_azure(root, package, out, progress))
            continue
        for architecture in architectures:
            built.append(build_lambda(root, package, architecture, out, progress))
    manifest = {"artifacts": [asdict(item) for item in built]}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return built
