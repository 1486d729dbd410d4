"""Which installed distribution provides an imported module (from the dev venv's metadata)."""

from __future__ import annotations

from functools import cache
from importlib import metadata

from packaging.utils import canonicalize_name


@cache
def _index() -> dict[str, frozenset[str]]:
    """`a` and `a.b` (folders and modules of every installed distribution) -> distributions."""
    found: dict[str, set[str]] = {}
    for distribution in metadata.distributions():
        name = canonicalize_name(distribution.metadata["Name"])
        for file in distribution.files or ():
            parts = file.parts
            if not parts or parts[0].endswith((".dist-info", ".data")) or parts[0] == "..":
                continue
            top = parts[0].removesuffix(".py")
            found.setdefault(top, set()).add(name)
            if len(parts) > 1:
                found.setdefault(f"{top}.{parts[1].removesuffix('.py')}", set()).add(name)
    return {key: frozenset(value) for key, value in found.items()}


def providers(module: str) -> frozenset[str]:
    """The distributions that can provide `module` (a namespace package's sub-package decides)."""
    index = _index()
    parts = module.split(".")
    second = index.get(".".join(parts[:2])) if len(parts) > 1 else None
    if second and len(second) == 1:
        return second
    return index.get(parts[0], frozenset())
