"""The `wellos` command line for operators: tenants, migrations, the API server, the demo."""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer.core import TyperGroup

from functions.cli import compliance, dca, etl, keys, migrate, models, queues, serving, tenants
from functions.cli.field.commands import field_app

# Commands whose modules are slow to import (asyncua) or need the dev set (packaging):
# loaded only when named or listed.
LAZY_COMMANDS = {"simulate-field": "functions.cli.simulate", "package": "functions.cli.package"}


class LazyGroup(TyperGroup):
    """Keeps `wellos tenant list` fast: heavy command modules load on first use.

    `ctx` and the commands are typer's vendored click types (`typer._click`), which
    typer does not export; hence `Any`.
    """

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *LAZY_COMMANDS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        module_name = LAZY_COMMANDS.get(cmd_name)
        if module_name is None:
            return super().get_command(ctx, cmd_name)
        holder = typer.Typer(rich_markup_mode="rich")
        importlib.import_module(module_name).register(holder)
        command = typer.main.get_command(holder)
        command.name = cmd_name
        return command


app = typer.Typer(
    name="wellos",
    cls=LazyGroup,
    help="WellOS operations: provision tenants, migrate their databases, serve the API, "
    "run the local demo. Settings come from WELLOS_* environment variables.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
    epilog="[bold]Examples:[/bold]\n\n  wellos demo\n\n  wellos tenant list --json\n\n"
    "  wellos migrate --all",
)
app.add_typer(tenants.app, name="tenant")
app.add_typer(dca.dca_app, name="dca")
app.add_typer(models.models_app, name="models")
app.add_typer(etl.etl_app, name="etl")
app.add_typer(field_app, name="field")
app.add_typer(queues.queue_app, name="queue")
app.add_typer(keys.keys_app, name="keys")
migrate.register(app)
serving.register(app)
compliance.register(app)


if __name__ == "__main__":
    app()
