"""`wellos serve` and `wellos demo`: the API with uvicorn, alone or with demo tenants."""

from __future__ import annotations

from typing import Annotated

import typer

from functions.cli.output import handle_errors
from functions.cli.runtime import load_settings

HostOption = Annotated[str, typer.Option(help="Interface to listen on.")]
PortOption = Annotated[int, typer.Option(help="TCP port to listen on.", min=1, max=65535)]

SERVE_EXAMPLES = """[bold]Examples:[/bold]

  WELLOS_DATABASE_URL=postgresql://wellos@db:5432/wellos_master wellos serve

  wellos serve --host 0.0.0.0 --port 8080
"""

DEMO_EXAMPLES = """[bold]Examples:[/bold]

  wellos demo

  wellos demo --fresh

  wellos demo --duration 60 --port 7080

  wellos demo --no-field          # without the simulated field and gateways

  wellos demo --duration 30 --json > demo-events.jsonl
"""


@handle_errors
def serve(host: HostOption = "127.0.0.1", port: PortOption = 7071) -> None:
    """Serve the HTTP API with uvicorn on the master database of WELLOS_DATABASE_URL,
    and the office app (web/dist, when built) at `/`.

    The platform (engines, secrets) is built on the first request. Blob links use
    WELLOS_PUBLIC_API_URL, else http://HOST:PORT (relative links on 0.0.0.0);
    X-Forwarded-For counts only from WELLOS_TRUSTED_PROXIES (with
    WELLOS_TRUSTED_PROXY_HOPS > 0). Identity e-mails (invitations, password resets,
    magic links) are sent every WELLOS_LOCAL_MAIL_INTERVAL_S seconds through the
    notifier: with the console one, printed whole to stderr, links included.
    """
    import threading

    import uvicorn

    from functions.api.app import create_app
    from functions.local.mailer import start_mail_thread
    from functions.local.office_app import OfficeApp
    from functions.local.server import ensure_port_free, uvicorn_config, with_public_url

    settings = with_public_url(load_settings(), host, port)
    ensure_port_free(host, port)
    api = create_app(settings=settings)
    stop = threading.Event()
    mailer = start_mail_thread(
        lambda: api.state.platform_holder.built, stop, settings.local_mail_interval_s
    )
    try:
        app = OfficeApp(api)
        uvicorn.Server(uvicorn_config(app, host, port, access_log=True, log_level="info")).run()
    finally:
        stop.set()
        mailer.join(timeout=10)


@handle_errors
def demo(
    duration: Annotated[
        float | None,
        typer.Option(help="Stop by itself after this many seconds and print a summary.", min=0),
    ] = None,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Wipe the demo's state (data, credentials) first.")
    ] = False,
    port: PortOption = 7071,
    host: HostOption = "127.0.0.1",
    json_output: Annotated[
        bool,
        typer.Option("--json", help="Print the ready and summary events as JSON lines only."),
    ] = False,
    field: Annotated[
        bool,
        typer.Option(
            "--field/--no-field",
            help="Run a simulated RTU and a real edge gateway per tenant (SCADA readings).",
        ),
    ] = True,
) -> None:
    """Run the local platform with two demo tenants, acme and permian, on one port.

    Starts an embedded PostgreSQL unless WELLOS_DATABASE_URL is set, provisions
    and seeds the tenants once (fields, leases, ~20 wells, equipment, two years
    of daily production), and serves the API until Ctrl-C. Prints the URLs, each
    tenant admin's e-mail and password, and ready-to-paste curl lines. Data lives
    in $WELLOS_STATE_DIR/demo and survives restarts. Once serving, the ingest drain,
    sync-job, ETL and scoring timers run, and each tenant's simulated field sends
    readings through its edge gateway (logs in $WELLOS_STATE_DIR/demo/field).
    """
    from functions.local.demo import DemoOptions, run_demo
    from functions.local.server import with_public_url

    options = DemoOptions(
        host=host,
        port=port,
        duration_s=duration,
        fresh=fresh,
        json_output=json_output,
        field=field,
    )
    run_demo(options, with_public_url(load_settings(require_database=False), host, port))


def register(app: typer.Typer) -> None:
    app.command("serve", epilog=SERVE_EXAMPLES)(serve)
    app.command("demo", epilog=DEMO_EXAMPLES)(demo)
