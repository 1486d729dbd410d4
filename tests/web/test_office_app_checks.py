"""The office app's own checks in the test run: the API types it is built on are current,
it type-checks (strict), and its component tests pass."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from shared.core.etl.model.fields import EQUIPMENT_FIELDS, PRODUCTION_FIELDS, WELL_FIELDS
from tests.web.host import WEB

sys.path.insert(0, str(WEB / "scripts"))
import generate_api
from toolchain import find_node, node_command, node_env

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _node_modules_or_skip() -> None:
    if find_node() is None or not (WEB / "node_modules" / ".bin").is_dir():
        pytest.skip(
            "office app checks skipped: no Node.js or web/node_modules (dev.py test sets both up)"
        )


def _node(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*node_command(), *args],
        cwd=WEB,
        env=node_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_the_committed_openapi_document_is_the_apps() -> None:
    # The app's client is typed from this file: an API change without regenerating fails here.
    assert generate_api.OPENAPI.read_text(encoding="utf-8") == generate_api.openapi_document(), (
        "web/openapi.json is stale: run `.venv/bin/python web/scripts/generate_api.py`"
    )


def test_the_committed_typescript_types_are_generated_from_it() -> None:
    _node_modules_or_skip()
    _, types = generate_api.fresh_files()
    assert generate_api.SCHEMA.read_text(encoding="utf-8") == types, (
        "web/src/api/schema.d.ts is stale: run `.venv/bin/python web/scripts/generate_api.py`"
    )


def _ts_list(source: str, name: str) -> list[str]:
    block = re.search(rf"{name}: \[(.*?)\]", source, re.S)
    assert block, f"no {name} list in targetFields.ts"
    return re.findall(r'"([a-z0-9_]+)"', block.group(1))


def test_the_apps_mapping_fields_are_the_etl_fields() -> None:
    source = (WEB / "src" / "api" / "targetFields.ts").read_text(encoding="utf-8")
    for name, fields in (
        ("wells", WELL_FIELDS),
        ("production", PRODUCTION_FIELDS),
        ("equipment", EQUIPMENT_FIELDS),
    ):
        assert _ts_list(source, name) == [field.name for field in fields], name


def test_the_app_type_checks_strictly() -> None:
    _node_modules_or_skip()
    done = _node("node_modules/typescript/bin/tsc", "--noEmit")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_the_component_tests_pass() -> None:
    _node_modules_or_skip()
    done = _node("node_modules/vitest/vitest.mjs", "run", "--reporter=dot")
    output = ANSI.sub("", done.stdout + done.stderr)
    assert done.returncode == 0, output[-6000:]
    assert re.search(r"Tests\s+\d+ passed", output), output[-2000:]
