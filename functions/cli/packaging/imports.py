"""What a host's entry modules import, read from the source (no import is executed).

The walk follows the project's own modules from the entry modules and collects
every third-party top-level name they import, with the first project module that
imports it. An import inside a function body is *lazy* (it runs on first use,
not at cold start); one under ``if TYPE_CHECKING:`` never runs and is skipped.
`reach(..., eager_only=True)` follows only what runs when the entry modules are
imported: the cold-start set.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_PACKAGES = ("shared", "functions", "edge_gateway", "models", "function_app")


@dataclass(frozen=True)
class Import:
    """One import statement's target module, and whether it runs only on first use."""

    module: str
    lazy: bool


@dataclass
class Reach:
    """The project modules an entry set reaches, and the third-party names they import."""

    modules: set[str] = field(default_factory=set)
    third_party: dict[str, str] = field(default_factory=dict)  # top-level name -> importer
    third_party_modules: dict[str, str] = field(default_factory=dict)  # dotted -> importer

    def imports(self, top_level: str) -> bool:
        return top_level in self.third_party


def _is_type_checking(test: ast.expr) -> bool:
    name = test.attr if isinstance(test, ast.Attribute) else getattr(test, "id", "")
    return name == "TYPE_CHECKING"


def _walk(nodes: Iterable[ast.stmt], lazy: bool) -> Iterator[tuple[ast.stmt, bool]]:
    for node in nodes:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _walk(node.orelse, lazy)
            continue
        yield node, lazy
        inner = lazy or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for child_field in ("body", "orelse", "finalbody", "handlers"):
            children = getattr(node, child_field, None)
            if isinstance(children, list):
                yield from _walk([c for c in children if isinstance(c, ast.stmt)], inner)
            elif child_field == "handlers":
                continue
        for handler in getattr(node, "handlers", []) or []:
            yield from _walk(handler.body, inner)


def module_imports(source: str, module: str, is_package: bool) -> list[Import]:
    """The modules one source file imports (``from a import b`` names ``a.b`` and ``a``)."""
    tree = ast.parse(source)
    package = module if is_package else module.rpartition(".")[0]
    found: list[Import] = []
    for node, lazy in _walk(tree.body, lazy=False):
        if isinstance(node, ast.Import):
            found.extend(Import(alias.name, lazy) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module or "", node.level, package)
            found.append(Import(base, lazy))
            found.extend(Import(f"{base}.{alias.name}", lazy) for alias in node.names)
    return found


def _absolute(name: str, level: int, package: str) -> str:
    if level == 0:
        return name
    parts = package.split(".")
    anchor = parts[: len(parts) - (level - 1)] if level > 1 else parts
    return ".".join([*anchor, name] if name else anchor)


class ProjectSource:
    """Finds the project's modules under `root` by dotted name."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, module: str) -> tuple[Path, bool] | None:
        base = self.root.joinpath(*module.split("."))
        if (base / "__init__.py").is_file():
            return base / "__init__.py", True
        if base.with_suffix(".py").is_file():
            return base.with_suffix(".py"), False
        return None

    def is_project(self, module: str) -> bool:
        return module.split(".")[0] in PROJECT_PACKAGES


def _parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def reach(root: Path, entries: Iterable[str], *, eager_only: bool = False) -> Reach:
    """Every project module and third-party top-level name reachable from `entries`."""
    source = ProjectSource(root)
    result = Reach()
    pending = [(entry, "<entry>") for entry in entries]
    while pending:
        module, importer = pending.pop()
        if not source.is_project(module):
            _note_third_party(result, module, importer)
            continue
        located = source.path_of(module)
        if located is None or module in result.modules:
            continue  # `from pkg import name` where name is not a module
        result.modules.add(module)
        pending.extend((parent, module) for parent in _parents(module))
        path, is_package = located
        for found in module_imports(path.read_text(encoding="utf-8"), module, is_package):
            if not (eager_only and found.lazy):
                pending.append((found.module, module))
    return result


def _note_third_party(result: Reach, module: str, importer: str) -> None:
    top = module.split(".")[0]
    if not top or top in sys.stdlib_module_names or top == "__future__":
        return
    result.third_party.setdefault(top, importer)
    result.third_party_modules.setdefault(module, importer)
