"""What a gateway-only install would hold: run as a script, prints MB and the list.

The gateway's own modules (`edge_gateway` and the `shared` modules it imports at start)
are scanned for the third-party packages they import; those distributions and
everything they require (extras left out, as a plain `pip install` would) are summed
from their installed file lists, plus the project's own sources. Queue SDKs
(azure-servicebus, boto3) are imported only when chosen and are not counted.
"""

from __future__ import annotations

import ast
import importlib.metadata as md
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


def own_modules() -> list[Path]:
    sys.path.insert(0, str(ROOT))
    import edge_gateway.cli
    import edge_gateway.service  # noqa: F401
    import shared.adapters.local.sqlite_queue  # noqa: F401

    found = []
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if name.split(".")[0] in {"edge_gateway", "shared"} and file:
            found.append(Path(file))
    return found


def imported_top_levels(files: list[Path]) -> set[str]:
    names: set[str] = set()
    for file in files:
        for node in ast.walk(ast.parse(file.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names


def closure(distributions: set[str]) -> set[str]:
    seen: set[str] = set()
    wanted = set(distributions)
    while wanted:
        name = wanted.pop()
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue
        seen.add(key)
        for requirement in dist.requires or []:
            marker = requirement.split(";", 1)[1] if ";" in requirement else ""
            if "extra" in marker:
                continue
            found = _NAME.match(requirement)
            if found:
                wanted.add(found.group(0))
    return seen


def main() -> None:
    files = own_modules()
    owners = md.packages_distributions()
    lazy = {"azure", "boto3", "botocore"}
    direct = {
        dist
        for top in imported_top_levels(files) - lazy
        for dist in owners.get(top, [])
        if dist != "wellos"
    }
    dists = closure(direct)
    total = sum(sum(f.size or 0 for f in md.distribution(d).files or []) for d in dists)
    total += sum(file.stat().st_size for file in files)
    print(f"{total / 1024**2:.1f} {' '.join(sorted(dists))}")


if __name__ == "__main__":
    main()
