"""`wellos migrate`: the master tree, then the chosen tenants, with progress and results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from functions.cli.output import (
    EXIT_DOMAIN_ERROR,
    EXIT_INFRASTRUCTURE_ERROR,
    emit_json,
    fail,
    handle_errors,
    stderr,
    stdout,
)
from functions.cli.runtime import open_platform
from shared.bootstrap import Platform
from shared.core.registry.services.tenants import MigrationResult

MIGRATE_EXAMPLES = """[bold]Examples:[/bold]

  wellos migrate --all

  wellos migrate --tenant acme --tenant permian

  wellos migrate --all --json | jq '.tenants[] | select(.ok | not)'
"""

CHOOSE_TENANTS = "choose the tenants to migrate: --tenant SLUG (repeatable) or --all"


@handle_errors
def migrate(
    tenant: Annotated[
        list[str] | None,
        typer.Option("--tenant", metavar="SLUG", help="A tenant to migrate; repeat for several."),
    ] = None,
    all_tenants: Annotated[bool, typer.Option("--all", help="Migrate every tenant.")] = False,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print machine-readable JSON only.")
    ] = False,
) -> None:
    """Migrate the master registry, then tenant databases to the newest schema.

    One tenant's failure does not stop the others; the command exits 1 if any failed.
    """
    if bool(tenant) == all_tenants:
        raise fail(CHOOSE_TENANTS, EXIT_DOMAIN_ERROR)
    slugs = None if all_tenants else list(dict.fromkeys(tenant or []))
    with open_platform() as platform:
        master_revision = platform.migrate_master()
        results = _migrate_tenants(platform, slugs, show_progress=not json_output)
    if json_output:
        emit_json(_report(master_revision, results))
    else:
        _print_results(master_revision, results)
    if any(not result.ok for result in results):
        raise typer.Exit(EXIT_INFRASTRUCTURE_ERROR)


def _report(master_revision: str, results: list[MigrationResult]) -> dict[str, object]:
    return {
        "master_revision": master_revision,
        "tenants": [asdict(result) for result in results],
        "failed": sum(not result.ok for result in results),
    }


def _migrate_tenants(
    platform: Platform, slugs: Sequence[str] | None, show_progress: bool
) -> list[MigrationResult]:
    chosen = platform.tenants.all() if slugs is None else [platform.tenants.get(s) for s in slugs]
    total = len(chosen)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=stderr, disable=not show_progress) as progress:
        task = progress.add_task("Migrating tenants", total=total)

        def advance(result: MigrationResult) -> None:
            progress.update(task, advance=1, description=f"Migrated {result.slug}")

        return platform.tenants.migrate(slugs, on_result=advance)


def _print_results(master_revision: str, results: list[MigrationResult]) -> None:
    stdout.print(f"Master registry at revision [bold]{master_revision}[/bold].")
    if not results:
        stdout.print("No tenants to migrate.")
        return
    table = Table(title="Tenant migrations")
    for column in ("slug", "ok", "revision", "error"):
        table.add_column(column)
    for result in results:
        ok = "[green]yes[/green]" if result.ok else "[red]no[/red]"
        table.add_row(result.slug, ok, result.revision or "-", escape(result.error) or "-")
    stdout.print(table)
    failed = sum(not result.ok for result in results)
    summary = f"{len(results) - failed} migrated, {failed} failed"
    stdout.print(f"[red]{summary}[/red]" if failed else f"[green]{summary}[/green]")


def register(app: typer.Typer) -> None:
    app.command("migrate", epilog=MIGRATE_EXAMPLES)(migrate)
