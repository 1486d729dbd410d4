"""The `wellos` command line for operators: tenants, migrations, the API server, the demo."""

from __future__ import annotations

import typer

from functions.cli import migrate, serving, tenants

app = typer.Typer(
    name="wellos",
    help="WellOS operations: provision tenants, migrate their databases, serve the API, "
    "run the local demo. Settings come from WELLOS_* environment variables.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
    epilog="[bold]Examples:[/bold]\n\n  wellos demo\n\n  wellos tenant list --json\n\n"
    "  wellos migrate --all",
)
app.add_typer(tenants.app, name="tenant")
migrate.register(app)
serving.register(app)


if __name__ == "__main__":
    app()
