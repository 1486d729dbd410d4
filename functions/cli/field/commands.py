"""`wellos field …`: the reference field client from a shell (see functions/cli/field)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from functions.cli.field import record
from functions.cli.field.context import (
    AttemptsOption,
    FieldContext,
    JsonOption,
    field_context,
    field_errors,
)
from functions.cli.field.profile import Profile, default_home
from functions.cli.output import emit_json, stdout

FIELD_EXAMPLES = """[bold]Examples:[/bold]

  wellos field configure --api-url https://api.wellos.example --tenant acme

  wellos field login --email pumper@acme.com

  wellos field record reading 3f0c…-well TP 412.5 --unit psi

  wellos field record production 3f0c…-well --oil 84 --gas 250 --water 40 --hours-on 24

  wellos field sync --json

  wellos field conflicts

  wellos field pull
"""

field_app = typer.Typer(
    help="The reference field client: record events offline, sync them at the end of the "
    "shift (retrying while there is no signal), see conflicts, pull changes. Everything "
    "stays in a local SQLite store under the profile directory.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    epilog=FIELD_EXAMPLES,
)
field_app.add_typer(record.app, name="record")


@field_app.callback()
def main(
    ctx: typer.Context,
    profile: Annotated[str, typer.Option(help="Profile name (one per device and user).")] = (
        "default"
    ),
    home: Annotated[
        Path | None,
        typer.Option(
            help="Where profiles live (default $WELLOS_FIELD_HOME or ~/.local/share).",
            file_okay=False,
        ),
    ] = None,
) -> None:
    ctx.obj = FieldContext(home or default_home(), profile)


@field_app.command(
    epilog="[bold]Example:[/bold]\n\n  wellos field configure --api-url "
    "http://localhost:7071 --tenant acme --json"
)
@field_errors
def configure(
    ctx: typer.Context,
    api_url: Annotated[str | None, typer.Option(help="Base URL of the WellOS API.")] = None,
    tenant: Annotated[str | None, typer.Option(help="The tenant's slug.")] = None,
    token: Annotated[str | None, typer.Option(help="An access token to use as is.")] = None,
    device_id: Annotated[str | None, typer.Option(help="Keep this device id.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Set where this device syncs to (only the options given change)."""
    profile: Profile = field_context(ctx).profile()
    profile.api_url = (api_url or profile.api_url).rstrip("/")
    profile.tenant = tenant or profile.tenant
    profile.device_id = device_id or profile.device_id
    profile.save()
    if token:
        profile.save_credentials(token, None)
    _show(profile.view(), json_output, "profile saved")


@field_app.command(epilog="[bold]Example:[/bold]\n\n  wellos field login --email pumper@acme.com")
@field_errors
def login(
    ctx: typer.Context,
    email: Annotated[str, typer.Option(help="Your WellOS login.")],
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, envvar="WELLOS_FIELD_PASSWORD")
    ],
    json_output: JsonOption = False,
) -> None:
    """Log in and keep the tokens in the profile (credentials.json, mode 0600)."""
    with field_context(ctx).client() as client:
        client.login(email, password)
        _show(client.profile.view(), json_output, f"logged in as {email}")


@field_app.command(
    epilog="[bold]Examples:[/bold]\n\n  wellos field sync\n\n"
    "  wellos field sync --json\n\n  wellos field sync --resend"
)
@field_errors
def sync(
    ctx: typer.Context,
    resend: Annotated[
        bool, typer.Option(help="Send every event again (safe: the server answers duplicate).")
    ] = False,
    attempts: AttemptsOption = 6,
    json_output: JsonOption = False,
) -> None:
    """Send every pending event in one batch; wait for a big batch's job; keep the outcomes.

    Retries with exponential backoff while the server cannot be reached; events
    stay pending (exit 1) if it never answers.
    """
    with field_context(ctx).client(attempts) as client:
        if resend:
            client.store.requeue()
        report = client.sync()
    data = asdict(report)
    if json_output:
        emit_json(data)
        return
    counts = ", ".join(f"{n} {status}" for status, n in sorted(report.counts.items()))
    stdout.print(f"sent {report.sent} events: {counts or 'nothing to send'}")
    for job_id in report.jobs:
        stdout.print(f"big batch applied as job {job_id}")
    if report.counts.get("conflict") or report.counts.get("rejected"):
        stdout.print("see them with: wellos field conflicts --all")


@field_app.command(epilog="[bold]Example:[/bold]\n\n  wellos field status --json")
@field_errors
def status(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """This device's profile, its events by state and outcome, and its pull cursor."""
    with field_context(ctx).store() as store:
        data = {
            **field_context(ctx).profile().view(),
            "events": store.counts(),
            "jobs": store.jobs(),
            "cursor": store.cursor,
        }
    if json_output:
        emit_json(data)
        return
    for key, value in data.items():
        stdout.print(f"[bold]{key}[/bold]: {escape(str(value))}")


@field_app.command(
    epilog="[bold]Examples:[/bold]\n\n  wellos field conflicts\n\n"
    "  wellos field conflicts --all --json"
)
@field_errors
def conflicts(
    ctx: typer.Context,
    include_rejected: Annotated[
        bool, typer.Option("--all", help="Also the events the server rejected, with why.")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Events that met a conflict rule (the office may be reviewing them), by device order."""
    with field_context(ctx).store() as store:
        found = [_conflict_view(event) for event in store.conflicts(include_rejected)]
    if json_output:
        emit_json(found)
        return
    table = Table("seq", "type", "well", "outcome", "rule", "conflict", "reason")
    columns = ("device_seq", "type", "well_id", "outcome", "rule", "conflict_id", "reason")
    for item in found:
        table.add_row(*(escape(str(item[key] or "-")) for key in columns))
    stdout.print(table if found else "no conflicts")


def _conflict_view(event: Any) -> dict[str, Any]:
    keys = ("id", "device_seq", "type", "well_id", "occurred_at", "rule", "conflict_id", "reason")
    return {**{k: getattr(event, k) for k in keys}, "outcome": event.outcome}


@field_app.command(epilog="[bold]Example:[/bold]\n\n  wellos field pull --json")
@field_errors
def pull(ctx: typer.Context, attempts: AttemptsOption = 6, json_output: JsonOption = False) -> None:
    """Pull what changed on your wells since the last pull into the local `changes` table."""
    with field_context(ctx).client(attempts) as client:
        pulled = client.pull()
        cursor = client.store.cursor
    if json_output:
        emit_json({"pulled": len(pulled), "cursor": cursor, "changes": pulled})
        return
    stdout.print(f"pulled {len(pulled)} changes (cursor {cursor})")


def _show(data: dict[str, Any], json_output: bool, message: str) -> None:
    if json_output:
        emit_json(data)
    else:
        stdout.print(message)
