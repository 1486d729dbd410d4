"""Names a package re-exports from its modules, each imported on first use (PEP 562).

A feature's `services` package names every service of the feature; importing one
service module (`shared.core.compliance.services.records`) runs the package first,
and an eager package would import all the others and what they import (numpy for
benchmarking, the alarm evaluator, ...) into a cold start that needs none of them.
The package instead declares `EXPORTS` and a module `__getattr__` that calls
`export`; its type checkers see the names through `if TYPE_CHECKING:` imports.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any


def export(package: str, exports: dict[str, str], name: str) -> Any:
    """`name` of `package`, imported from the module `exports` gives for it."""
    module = exports.get(name)
    if module is None:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    return getattr(import_module(module), name)
