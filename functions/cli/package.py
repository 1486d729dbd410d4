"""`wellos package azure|aws --out DIR`: the deployable archives, built from the locks.

The packages are built from the source tree this command runs from (an editable
install: `python3 dev.py wellos package aws --out dist/aws`). Progress goes to
stderr; `--json` prints the manifest on stdout.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from functions.cli.output import EXIT_INFRASTRUCTURE_ERROR, emit_json, fail, stderr, stdout
from functions.cli.packaging.build import Built, PackagingError, build_cloud
from functions.cli.packaging.hosts import LAMBDA_ARCHITECTURES, packages_of

SOURCE_ROOT = Path(__file__).resolve().parents[2]
PACKAGE_EXAMPLES = """[bold]Examples:[/bold]

  wellos package azure --out dist/azure

  wellos package aws --out dist/aws --arch arm64

  wellos package aws --out dist/aws --json | jq '.artifacts[] | {path, unzipped_bytes}'
"""


class Cloud(StrEnum):
    azure = "azure"
    aws = "aws"


def package(
    cloud: Annotated[Cloud, typer.Argument(help="Which cloud's packages to build.")],
    out: Annotated[Path, typer.Option("--out", help="Directory the archives are written to.")],
    arch: Annotated[
        list[str] | None,
        typer.Option("--arch", help="Lambda architecture (x86_64, arm64); repeatable. AWS only."),
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the manifest as JSON.")
    ] = False,
) -> None:
    """Build the Functions zip (Azure) or the Lambda zips / image contexts (AWS) into OUT."""
    architectures = list(dict.fromkeys(arch or LAMBDA_ARCHITECTURES))
    unknown = [name for name in architectures if name not in LAMBDA_ARCHITECTURES]
    if unknown:
        raise fail(f"invalid --arch: {', '.join(unknown)} (choose x86_64 or arm64)", 2)
    try:
        built = build_cloud(
            SOURCE_ROOT, packages_of(cloud.value), out.resolve(), architectures, _progress
        )
    except (PackagingError, OSError) as exc:
        raise fail(str(exc), EXIT_INFRASTRUCTURE_ERROR) from None
    if json_output:
        emit_json({"artifacts": [vars(item) for item in built]})
    else:
        stdout.print(_table(built, out))


def _progress(message: str) -> None:
    stderr.print(f"[dim]…[/dim] {message}")


def _table(built: list[Built], out: Path) -> Table:
    table = Table(title=f"Packages in {out}")
    for column in ("artifact", "kind", "arch", "unzipped MB", "handlers"):
        table.add_column(column)
    for item in built:
        megabytes = f"{item.unzipped_bytes / 1e6:.1f}"
        table.add_row(item.path, item.kind, item.architecture, megabytes, str(len(item.handlers)))
    return table


def register(app: typer.Typer) -> None:
    app.command("package", epilog=PACKAGE_EXAMPLES)(package)
