"""Only shared/settings.py reads the environment: every other module gets its settings passed in.

The test walks the syntax tree of every module under shared/, functions/,
edge_gateway/ and models/ and fails on `os.environ`, `os.getenv`, `os.putenv`,
`os.unsetenv`, `os.environb` and `from os import environ/getenv` anywhere else.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("shared", "functions", "edge_gateway", "models")
NAMES = frozenset({"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"})
# The one reader: typed Settings (and `child_environment`, which hands this process's
# environment to the demo's RTU simulators and gateways it spawns).
ALLOWED = frozenset({"shared/settings.py"})


def environment_reads(tree: ast.AST) -> list[int]:
    """Line numbers of every use of the environment through the os module."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in NAMES:
            if isinstance(node.value, ast.Name) and node.value.id in ("os", "posix"):
                lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module in ("os", "posix"):
            if any(alias.name in NAMES for alias in node.names):
                lines.append(node.lineno)
    return sorted(lines)


def modules() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))


def test_no_module_but_the_settings_reads_the_environment() -> None:
    # GIVEN every module of the product's packages
    found = modules()
    assert len(found) > 300  # the walk sees the tree, not an empty directory
    # WHEN each is parsed
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in found
        if str(path.relative_to(ROOT)) not in ALLOWED
        for line in environment_reads(ast.parse(path.read_text(encoding="utf-8")))
    ]
    # THEN none reads os.environ or os.getenv: settings come from shared/settings.py
    assert offenders == []


def test_the_walk_finds_every_form_of_an_environment_read() -> None:
    source = (
        "import os\nfrom os import getenv\n"
        "a = os.environ['X']\nb = os.getenv('Y')\nc = {**os.environ}\nd = 'X' in os.environ\n"
    )
    assert environment_reads(ast.parse(source)) == [2, 3, 4, 5, 6]


def test_the_allowed_module_is_the_settings_and_it_does_read_the_environment() -> None:
    settings = ROOT / "shared" / "settings.py"
    assert environment_reads(ast.parse(settings.read_text(encoding="utf-8")))
