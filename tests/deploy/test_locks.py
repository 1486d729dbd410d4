"""The committed locks match pyproject.toml, and every host ships the versions the tests run.

Offline: a lock records the digest of the requirement list it was compiled from, and
every requirement must be met by one of its pins (for Python 3.11 and 3.12).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from functions.cli.packaging.locks import (
    LOCK_DIR,
    LOCKS,
    PYTHON_3_11,
    LockSpec,
    input_digest,
    load_project,
    pins,
    recorded_digest,
    requirements_of,
    unsatisfied,
)

ROOT = Path(__file__).resolve().parents[2]
PYTHON_3_12 = {"python_version": "3.12", "python_full_version": "3.12.8"}
STALE = "requirements/{0} is stale: run `python3 dev.py lock` and commit it"


def _text(spec: LockSpec) -> str:
    return (ROOT / LOCK_DIR / spec.file_name).read_text(encoding="utf-8")


@pytest.mark.parametrize("spec", LOCKS, ids=lambda s: s.name)
def test_a_lock_was_compiled_from_what_pyproject_asks_now(spec: LockSpec) -> None:
    requirements = requirements_of(load_project(ROOT / "pyproject.toml"), spec)
    assert recorded_digest(_text(spec)) == input_digest(requirements), STALE.format(spec.file_name)


@pytest.mark.parametrize("spec", LOCKS, ids=lambda s: s.name)
@pytest.mark.parametrize("python", [PYTHON_3_11, PYTHON_3_12], ids=["py3.11", "py3.12"])
def test_every_requirement_is_met_by_a_pin_of_its_lock(
    spec: LockSpec, python: dict[str, str]
) -> None:
    requirements = requirements_of(load_project(ROOT / "pyproject.toml"), spec)
    assert unsatisfied(requirements, pins(_text(spec)), python) == []


@pytest.mark.parametrize("spec", [s for s in LOCKS if s.constrained], ids=lambda s: s.name)
def test_a_host_lock_pins_the_versions_the_dev_set_tests(spec: LockSpec) -> None:
    dev = {(p.name, p.version) for p in pins(_text(LOCKS[0])) if p.applies(PYTHON_3_11)}
    host = {(p.name, p.version) for p in pins(_text(spec)) if p.applies(PYTHON_3_11)}
    assert sorted(host - dev) == []


def test_every_pin_carries_hashes() -> None:
    for spec in LOCKS:
        lines = _text(spec).splitlines()
        for index, line in enumerate(lines):
            if line and line[0].isalnum() and "==" in line:
                assert lines[index + 1].strip().startswith("--hash=sha256:"), (spec.name, line)


def test_a_missing_pin_is_reported_by_name() -> None:
    lock = (
        "fastapi==0.100.0 \\\n    --hash=sha256:00\nnumpy==2.4.6 ; python_full_version < '3.12'\n"
    )
    found = unsatisfied(["fastapi>=0.115", "numpy>=1.26", "pyyaml>=6"], pins(lock), PYTHON_3_11)
    assert found == ["fastapi>=0.115", "pyyaml>=6"]
    assert unsatisfied(["numpy>=1.26"], pins(lock), PYTHON_3_12) == ["numpy>=1.26"]


def test_self_referencing_extras_are_expanded() -> None:
    project = {
        "dependencies": ["fastapi>=0.115"],
        "optional-dependencies": {
            "charts": ["matplotlib>=3.8"],
            "aws": ["wellos[charts]", "boto3>=1.34"],
        },
    }
    spec = LockSpec("aws", ("aws",))
    assert requirements_of(project, spec) == ["boto3>=1.34", "fastapi>=0.115", "matplotlib>=3.8"]
    alone = LockSpec("charts", ("charts",), with_core=False)
    assert requirements_of(project, alone) == ["matplotlib>=3.8"]
