"""The install sets and their committed locks (requirements/*.lock).

Each lock is one host's complete, hashed install set, resolved against PyPI for
every platform (`uv pip compile --universal --generate-hashes`, Python >= 3.11).
The lock's first lines record a digest of the requirements it was compiled from,
so a test can tell, offline, that a lock is stale after a pyproject.toml edit.

The cloud and gateway locks are compiled with `dev.lock` as constraints, so the
versions the tests run are the versions every package ships. checkov is the
exception: it pins old releases of boto3 and packaging, so it gets its own
tool environment (`.tools/checkov`) instead of sitting in the dev set.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

PROJECT = "wellos"
LOCK_DIR = "requirements"
DIGEST_PREFIX = "# wellos-lock-input: "
COMPILE_COMMAND = "python3 dev.py lock"
PYTHON_3_11 = {"python_version": "3.11", "python_full_version": "3.11.7"}


@dataclass(frozen=True)
class LockSpec:
    """One install set: the core (or not) plus extras, and whether dev.lock constrains it."""

    name: str
    extras: tuple[str, ...]
    with_core: bool = True
    constrained: bool = True

    @property
    def file_name(self) -> str:
        return f"{self.name}.lock"


LOCKS = (
    LockSpec("dev", ("dev",), constrained=False),
    LockSpec("azure", ("azure",)),
    LockSpec("aws", ("aws",)),
    LockSpec("aws-scoring", ("aws", "scoring")),
    LockSpec("gateway", ("gateway",), with_core=False),
    LockSpec("checkov", ("iac-scan",), with_core=False, constrained=False),
)


def lock_spec(name: str) -> LockSpec:
    for spec in LOCKS:
        if spec.name == name:
            return spec
    raise KeyError(f"no lock named {name!r}; known: {', '.join(s.name for s in LOCKS)}")


def load_project(pyproject: Path) -> dict[str, Any]:
    with pyproject.open("rb") as handle:
        project: dict[str, Any] = tomllib.load(handle)["project"]
    return project


def requirements_of(project: dict[str, Any], spec: LockSpec) -> list[str]:
    """The requirement strings of `spec`, self-referencing extras expanded, sorted, unique."""
    extras: dict[str, list[str]] = project.get("optional-dependencies", {})
    found: set[str] = set(project.get("dependencies", []) if spec.with_core else [])
    pending, seen = list(spec.extras), set()
    while pending:
        extra = pending.pop()
        if extra in seen:
            continue
        if extra not in extras:
            raise KeyError(f"pyproject.toml has no extra {extra!r}")
        seen.add(extra)
        for line in extras[extra]:
            requirement = Requirement(line)
            if canonicalize_name(requirement.name) == PROJECT:
                pending.extend(requirement.extras)
            else:
                found.add(line)
    return sorted(found, key=str.lower)


def input_digest(requirements: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(requirements).encode()).hexdigest()


def recorded_digest(lock_text: str) -> str | None:
    for line in lock_text.splitlines()[:10]:
        if line.startswith(DIGEST_PREFIX):
            return line.removeprefix(DIGEST_PREFIX).strip()
    return None


def header(spec: LockSpec, digest: str) -> str:
    return (
        f"# {spec.file_name}: the {spec.name} install set, hashed. Do not edit: "
        f"run `{COMPILE_COMMAND}` after changing pyproject.toml.\n{DIGEST_PREFIX}{digest}\n"
    )


_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?\s*$")


@dataclass(frozen=True)
class Pin:
    name: str
    version: Version
    marker: Marker | None

    def applies(self, environment: dict[str, str]) -> bool:
        return self.marker is None or self.marker.evaluate(environment)


def pins(lock_text: str) -> list[Pin]:
    """`name==version [; marker]` lines of a lock (hash lines and comments skipped)."""
    found = []
    for line in lock_text.splitlines():
        match = _PIN.match(line)
        if match:
            name, version, marker = match.groups()
            found.append(
                Pin(canonicalize_name(name), Version(version), Marker(marker) if marker else None)
            )
    return found


def unsatisfied(
    requirements: Iterable[str], lock_pins: list[Pin], environment: dict[str, str]
) -> list[str]:
    """The requirements no pin of the lock satisfies in `environment` (Python 3.11 by default)."""
    by_name: dict[str, list[Pin]] = {}
    for pin in lock_pins:
        if pin.applies(environment):
            by_name.setdefault(pin.name, []).append(pin)
    missing = []
    for line in requirements:
        requirement = Requirement(line)
        if requirement.marker and not requirement.marker.evaluate(environment):
            continue
        versions = by_name.get(canonicalize_name(requirement.name), [])
        if not any(
            requirement.specifier.contains(pin.version, prereleases=True) for pin in versions
        ):
            missing.append(line)
    return missing


def compile_arguments(spec: LockSpec, requirements_in: Path, root: Path) -> list[str]:
    """`uv pip compile` arguments for `spec`, read from `requirements_in`, written to stdout."""
    arguments = [
        "pip", "compile", str(requirements_in), "--universal", "--python-version", "3.11",
        "--generate-hashes", "--no-header", "--index-url", "https://pypi.org/simple",
        "--no-config",
    ]  # fmt: skip
    if spec.constrained:
        arguments += ["--constraint", str(root / LOCK_DIR / "dev.lock")]
    return arguments
