"""`wellos etl …`: configure a tenant's source, test the connection, preview a mapping, run."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from functions.api.schemas.etl import preview_out, report_out, run_out
from functions.cli.output import emit_json, handle_errors, stdout
from functions.cli.runtime import open_platform
from shared.core.common.errors import InputError
from shared.core.etl.model.config import EtlConfigInput
from shared.core.etl.model.fields import Entity
from shared.core.etl.services.runner import Progress as RunProgress

etl_app = typer.Typer(
    help="ETL sync from an operator's own database (SQL Server, MySQL/MariaDB, PostgreSQL, "
    "Oracle) into a tenant: check the connection, preview the mapping, run it.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)

TenantOption = Annotated[str, typer.Option("--tenant", help="The tenant's slug.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON only.")]
progress_console = Console(stderr=True)

CONFIGURE_EXAMPLES = """[bold]Examples:[/bold]

  wellos etl configure --tenant acme --file etl.json

  wellos etl configure --tenant acme --file - --json < etl.json
"""


@etl_app.command(epilog=CONFIGURE_EXAMPLES)
@handle_errors
def configure(
    tenant: TenantOption,
    file: Annotated[
        Path,
        typer.Option(
            "--file",
            help="The configuration as JSON: the body of PUT /api/v1/etl/config, "
            "connection_url included (or left out to keep the stored one); - reads stdin.",
        ),
    ],
    json_output: JsonOption = False,
) -> None:
    """Save a tenant's ETL configuration. The URL must pass the source-connection policy
    (drivers, TLS options, addresses: see README) and every table and column must exist."""
    given = _config_input(file)
    with open_platform() as platform:
        config = platform.etl.put_config(platform.tenants.get(tenant), None, given)
    if json_output:
        emit_json(config.model_dump(mode="json"))
        return
    entities = ", ".join(config.entities)
    stdout.print(
        f"[green]✓[/green] ETL configuration of {tenant} saved: {entities}, "
        f"every {config.interval_minutes} minutes"
    )


def _config_input(file: Path) -> EtlConfigInput:
    text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
    try:
        return EtlConfigInput.model_validate_json(text)
    except ValidationError as exc:  # names the setting; pydantic's message, never the value
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "file"
        raise InputError(field, first["msg"]) from None


TEST_EXAMPLES = """[bold]Examples:[/bold]

  wellos etl test --tenant acme

  wellos etl test --tenant acme --json | jq .read_only
"""


@etl_app.command("test", epilog=TEST_EXAMPLES)
@handle_errors
def test_connection(tenant: TenantOption, json_output: JsonOption = False) -> None:
    """Connect to the tenant's source read-only and check every configured table and column."""
    with open_platform() as platform:
        report = platform.etl.test_connection(platform.tenants.get(tenant), None)
    if json_output:
        emit_json(report_out(report))
        raise typer.Exit(0 if report.ok else 1)
    if not report.ok:
        stdout.print(f"[red]✗[/red] {escape(report.error or 'failed')}")
        raise typer.Exit(1)
    mode = "read-only" if report.read_only else "[yellow]not read-only[/yellow]"
    stdout.print(f"[green]✓[/green] {report.dialect} {report.server_version}, session {mode}")
    for check in report.tables:
        mark = "[green]✓[/green]" if check.found and not check.problem else "[red]✗[/red]"
        problem = f": {escape(check.problem)}" if check.problem else ""
        stdout.print(f"  {mark} {check.entity}: {escape(check.table)}{problem}")


PREVIEW_EXAMPLES = """[bold]Examples:[/bold]

  wellos etl preview --tenant acme --entity production

  wellos etl preview --tenant acme --entity wells --json | jq '.errors | length'
"""


@etl_app.command(epilog=PREVIEW_EXAMPLES)
@handle_errors
def preview(
    tenant: TenantOption,
    entity: Annotated[Entity, typer.Option(help="wells, production or equipment")],
    json_output: JsonOption = False,
) -> None:
    """Show the first 20 rows as WellOS would store them, and every mapping error."""
    with open_platform() as platform:
        result = platform.etl.preview(platform.tenants.get(tenant), None, entity)
    data = preview_out(result)
    if json_output:
        emit_json(data)
        return
    stdout.print(_rows_table(entity.value, data["rows"]))
    for error in data["errors"]:
        key = escape(str(error["source_key"]))
        stdout.print(f"[red]✗[/red] {key} {error['field']}: {escape(error['reason'])}")
    stdout.print(f"{data['scanned']} source rows read, {len(data['errors'])} error(s)")


def _rows_table(title: str, rows: list[dict[str, Any]]) -> Table:
    table = Table(title=f"{title}: first {len(rows)} mapped row(s)")
    names = list(dict.fromkeys(name for row in rows for name in row))
    for name in names:
        table.add_column(name)
    for row in rows:
        table.add_row(*(escape(str(row.get(name, ""))) for name in names))
    return table


RUN_EXAMPLES = """[bold]Examples:[/bold]

  wellos etl run --tenant acme

  wellos etl run --tenant acme --json

  wellos etl run --tenant acme --queue
"""


@etl_app.command(epilog=RUN_EXAMPLES)
@handle_errors
def run(
    tenant: TenantOption,
    queue: Annotated[
        bool, typer.Option("--queue", help="Queue it for the worker instead.")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Run the tenant's ETL sync now, with a progress bar per entity (or queue it)."""
    with open_platform() as platform:
        target = platform.tenants.get(tenant)
        if queue:
            message_id = platform.etl.enqueue_run(target, "cli")
            if json_output:
                emit_json({"queued": True, "message_id": message_id})
            else:
                stdout.print(f"Queued ETL run of {tenant} ({message_id}).")
            return
        with _ProgressBars(enabled=not json_output) as on_progress:
            record = platform.etl.run_tenant(target, "cli", on_progress, with_totals=True)
    data = run_out(record)
    if json_output:
        emit_json(data)
        return
    stdout.print(
        f"[green]✓[/green] run {record.id}: {data['rows_read']} read, {data['rows_written']} "
        f"written, {data['rows_quarantined']} quarantined, {data['rows_duplicate']} duplicate, "
        f"{data['rows_deleted']} flagged deleted"
    )


class _ProgressBars:
    """One bar per entity on stderr; the context value is the run's progress callback."""

    def __init__(self, enabled: bool) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<12}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=progress_console,
            disable=not enabled,
        )
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> Any:
        self._progress.__enter__()
        return self.update

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(None, None, None)

    def update(self, progress: RunProgress) -> None:
        name = progress.entity.value
        if name not in self._tasks:
            self._tasks[name] = self._progress.add_task(name, total=progress.total)
        self._progress.update(
            self._tasks[name], completed=progress.counts.read, total=progress.total
        )
