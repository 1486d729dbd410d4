"""`wellos tenant …`: create, list, suspend and resume tenants in the master registry.

There is no delete: a suspended tenant keeps its database. A database left on
the server (a tenant removed from a registry by hand, another registry's) is
never taken over by `create` unless `--adopt-existing-database` says so.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from functions.cli.output import (
    EXIT_DOMAIN_ERROR,
    emit_json,
    fail,
    handle_errors,
    short_time,
    stdout,
    tenant_view,
)
from functions.cli.runtime import open_platform
from shared.core.registry.errors import DatabaseExistsError
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.services.tenants import CreateTenant, TenantCreated

app = typer.Typer(
    help="Provision and manage tenants (one database each) in the master registry.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON only.")]
SlugArgument = Annotated[str, typer.Argument(help="The tenant's slug (its subdomain).")]
AdminNameOption = Annotated[str, typer.Option(help="Full name of the first admin.")]
DatabaseUrlOption = Annotated[
    str | None,
    typer.Option(help="Use this existing database instead of creating one on the master's."),
]
AdoptOption = Annotated[
    bool,
    typer.Option(
        "--adopt-existing-database",
        help="Use the tenant's database although it already exists (or already holds tables), "
        "with all its data: its wells and users become this tenant's. Recorded in the audit log.",
    ),
]

CREATE_EXAMPLES = """[bold]Examples:[/bold]

  wellos tenant create --slug acme --name "Acme Oil & Gas" --admin-email ops@acme.com

  wellos tenant create --slug permian --name "Permian Basin Operating" \\
    --admin-email ops@pbo.com --admin-name "Dana Ortiz" --tier premium --json

  wellos tenant create --slug legacy --name "Legacy Energy" \\
    --admin-email it@legacy.com --database-url "$LEGACY_DB_URL"

  wellos tenant create --slug acme --name "Acme Oil & Gas" --admin-email ops@acme.com \\
    --adopt-existing-database
"""


@app.command(epilog=CREATE_EXAMPLES)
@handle_errors
def create(
    slug: Annotated[str, typer.Option(help="Subdomain: 3-40 of a-z, 0-9, '-'.")],
    name: Annotated[str, typer.Option(help="The operator's display name.")],
    admin_email: Annotated[str, typer.Option(help="E-mail of the first admin user.")],
    admin_name: AdminNameOption = "Administrator",
    database_url: DatabaseUrlOption = None,
    tier: Annotated[str, typer.Option(help="Pricing tier.")] = "standard",
    adopt_existing_database: AdoptOption = False,
    json_output: JsonOption = False,
) -> None:
    """Create a tenant: its database, schema and first admin, with a one-time password.

    Migrates the master registry first (idempotent). A database that already exists
    is refused (naming it) unless --adopt-existing-database. The admin password is
    shown once; store it now.
    """
    with open_platform() as platform:
        command = CreateTenant(
            slug=slug,
            name=name,
            admin_email=admin_email,
            admin_name=admin_name,
            database_url=database_url,
            tier=tier,
            storage_provider=platform.settings.blob_backend,  # this deployment's blob store
            actor="cli",
            adopt_existing_database=adopt_existing_database,
        )
        platform.migrate_master()
        try:
            created = platform.tenants.create(command)
        except DatabaseExistsError as exc:
            raise fail(
                f"{exc.detail}. To make it tenant {slug}'s database with all it holds, run "
                "again with --adopt-existing-database (recorded in the audit log); otherwise "
                "drop that database or choose another slug.",
                EXIT_DOMAIN_ERROR,
            ) from None
    if json_output:
        emit_json(_created_view(created))
    else:
        _print_created(created)


def _created_view(created: TenantCreated) -> dict[str, object]:
    return {
        "tenant": tenant_view(created.tenant),
        "admin_email": created.admin_email,
        "admin_password": created.admin_password,
        "database_created": created.database_created,
        "database_adopted": created.database_adopted,
        "database_name": created.database_name,
        "schema_revision": created.schema_revision,
    }


def _print_created(created: TenantCreated) -> None:
    tenant = created.tenant
    database = "created" if created.database_created else "existing"
    if created.database_adopted:
        database = "adopted with its data"
    stdout.print(f"[green]✓[/green] Tenant [bold]{tenant.slug}[/bold] ({escape(tenant.name)})")
    stdout.print(f"  status:     {tenant.status.value}, tier {escape(tenant.tier)}")
    stdout.print(
        f"  database:   {tenant.database_kind.value} {escape(created.database_name)} ({database})"
    )
    stdout.print(f"  schema:     {created.schema_revision}")
    stdout.print(f"  admin:      {escape(created.admin_email)}")
    stdout.print(f"  password:   [bold]{escape(created.admin_password)}[/bold]")
    stdout.print("[yellow]The password is shown only once: store it now.[/yellow]")


LIST_EXAMPLES = """[bold]Examples:[/bold]

  wellos tenant list

  wellos tenant list --json | jq -r '.[].slug'
"""


@app.command("list", epilog=LIST_EXAMPLES)
@handle_errors
def list_tenants(json_output: JsonOption = False) -> None:
    """List the tenants of the master registry."""
    with open_platform() as platform:
        tenants = platform.tenants.all()
    if json_output:
        emit_json([tenant_view(tenant) for tenant in tenants])
        return
    if not tenants:
        stdout.print("No tenants yet: create one with `wellos tenant create`.")
        return
    stdout.print(_tenant_table(tenants))


def _tenant_table(tenants: list[Tenant]) -> Table:
    table = Table(title=f"{len(tenants)} tenant(s)")
    for column in ("slug", "name", "status", "tier", "database", "created"):
        table.add_column(column, no_wrap=column != "name")
    for tenant in tenants:
        status = tenant.status.value
        colour = "red" if status == "SUSPENDED" else "green"
        table.add_row(
            tenant.slug,
            escape(tenant.name),
            f"[{colour}]{status}[/{colour}]",
            escape(tenant.tier),
            tenant.database_kind.value,
            short_time(tenant.created_at),
        )
    return table


SUSPEND_EXAMPLES = """[bold]Examples:[/bold]

  wellos tenant suspend acme

  wellos tenant suspend acme --json
"""


@app.command(epilog=SUSPEND_EXAMPLES)
@handle_errors
def suspend(slug: SlugArgument, json_output: JsonOption = False) -> None:
    """Suspend a tenant: its users get 403 until it is resumed; its data stays.

    There is no delete command: a suspended tenant keeps its database.
    """
    with open_platform() as platform:
        tenant = platform.tenants.suspend(slug, actor="cli")
    _print_status(tenant, json_output)


RESUME_EXAMPLES = """[bold]Examples:[/bold]

  wellos tenant resume acme

  wellos tenant resume acme --json
"""


@app.command(epilog=RESUME_EXAMPLES)
@handle_errors
def resume(slug: SlugArgument, json_output: JsonOption = False) -> None:
    """Resume a suspended tenant."""
    with open_platform() as platform:
        tenant = platform.tenants.resume(slug, actor="cli")
    _print_status(tenant, json_output)


def _print_status(tenant: Tenant, json_output: bool) -> None:
    if json_output:
        emit_json(tenant_view(tenant))
        return
    stdout.print(f"Tenant [bold]{tenant.slug}[/bold] is now {tenant.status.value}.")
