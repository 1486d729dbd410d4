"""`wellos simulate-field`: simulated wells on real OPC-UA servers (one process per RTU).

Register with `app.command("simulate-field")(simulate_field)`; also runs on its own:
`python -m functions.cli.simulate --help`.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Annotated

import typer

from functions.local.simulator.catalog import FieldLayout, config_json, field_tags, gateway_config
from functions.local.simulator.certificates import CLIENT_URI, ensure_pair
from functions.local.simulator.field import Field, FieldOptions
from functions.local.simulator.history import PlannedFault
from functions.local.simulator.signals import FAULTS
from shared.settings import default_state_dir

EXAMPLES = """[bold]Examples:[/bold]

  wellos simulate-field --wells 20 --tags 7 --rate 1

  wellos simulate-field --wells 500 --tags 20 --rate 1 --servers 4 --port 4840

  wellos simulate-field --wells 5 --security --write-config site.json

  wellos simulate-field --wells 5 --planned-fault 2:bearing_wear:2026-11-24T00:00Z/120
"""


def simulate_field(
    wells: Annotated[int, typer.Option(min=1, help="Number of wells.")] = 10,
    tags: Annotated[int, typer.Option(min=1, help="Tags per well (20 named, then aux).")] = 7,
    rate: Annotated[float, typer.Option(min=0.01, help="Updates per tag per second.")] = 1.0,
    servers: Annotated[int, typer.Option(min=1, help="RTU server processes.")] = 1,
    port: Annotated[int, typer.Option(help="First port; RTU k listens on port + k.")] = 4840,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    security: Annotated[
        bool, typer.Option(help="Also offer Basic256Sha256 Sign/SignAndEncrypt.")
    ] = False,
    state_dir: Annotated[
        Path | None, typer.Option(help="Certificates and logs (default: WellOS state dir).")
    ] = None,
    bad_rate: Annotated[float, typer.Option(help="Share of bad-quality samples.")] = 0.001,
    write_config: Annotated[
        Path | None, typer.Option(help="Write a gateway config (JSON) for this field here.")
    ] = None,
    tenant_id: Annotated[uuid.UUID | None, typer.Option(help="Tenant id in the config.")] = None,
    gateway_id: Annotated[uuid.UUID | None, typer.Option(help="Gateway id in the config.")] = None,
    duration: Annotated[float, typer.Option(help="Seconds to run (0: until Ctrl-C).")] = 0.0,
    planned_fault: Annotated[
        list[str] | None,
        typer.Option(
            help="A failure the sensor history builds up to: WELL:MODE:ONSET\\[/PRECURSOR_HOURS] "
            "(repeatable), e.g. 2:bearing_wear:2026-11-24T00:00Z/120."
        ),
    ] = None,
) -> None:
    """Run a simulated field: asyncua servers publishing wells' sensor tags.

    Nodes are ns=2;s=WellNN.<tag>.

    Faults at runtime: write bearing_wear, pump_off, tubing_leak or gas_lock to WellNN.fault.

    Writing "" clears the fault.

    The rod-pump signals follow the models' training generator hour by hour; a
    --planned-fault ramps a failure's precursors in over the days before its onset.
    """
    state = (state_dir or default_state_dir() / "simulator").resolve()
    layout = FieldLayout(wells, tags, servers, host, port)
    certificates = state / "pki" if security else None
    planned = _planned_faults(planned_fault or [], wells)
    options = FieldOptions(
        layout, rate, bad_rate=bad_rate, certificates=certificates, log_dir=state / "logs",
        planned_faults=planned,
    )  # fmt: skip
    field = Field(options)
    typer.echo(f"starting {servers} RTU process(es): {wells} wells x {tags} tags at {rate} Hz")
    field.start()
    try:
        _describe(field, layout, rate, certificates)
        if write_config is not None:
            _write_config(write_config, layout, tenant_id, gateway_id, certificates)
        _wait(duration)
    finally:
        field.stop()


def _describe(field: Field, layout: FieldLayout, rate: float, certificates: Path | None) -> None:
    for index, endpoint in enumerate(field.endpoints):
        typer.echo(f"rtu{index}: {endpoint}  wells {_span(layout.wells_of(index))}")
    changes = layout.wells * layout.tags * rate
    typer.echo(f"{layout.wells * layout.tags} tags, {changes:g} value changes/s; e.g. "
               f"{field_tags(layout)[0].node_id}")  # fmt: skip
    typer.echo(f"faults: write one of {', '.join(FAULTS)} to ns=2;s=WellNN.fault")
    if certificates is not None:
        typer.echo(f"certificates (server and gateway client): {certificates}")


def _span(wells: list[int]) -> str:
    if len(wells) <= 4:
        return ", ".join(str(w) for w in wells)
    return f"{wells[0]}, {wells[1]}, ... {wells[-1]} ({len(wells)})"


def _write_config(
    path: Path,
    layout: FieldLayout,
    tenant_id: uuid.UUID | None,
    gateway_id: uuid.UUID | None,
    certificates: Path | None,
) -> None:
    extra: dict[str, object] = {}
    if certificates is not None:
        client = ensure_pair(certificates, "gateway-client", CLIENT_URI)
        extra = {
            "security_mode": "SignAndEncrypt",
            "security_policy": "Basic256Sha256",
            "client_certificate_pem": client.certificate_pem(),
            "client_private_key_pem": client.private_key_pem(),
        }
    config = gateway_config(
        layout, tenant_id or uuid.uuid4(), gateway_id or uuid.uuid4(), connection=extra
    )
    path.write_text(config_json(config))
    path.chmod(0o600)
    typer.echo(f"gateway config written to {path} (python -m edge_gateway --config-file {path})")


def _wait(duration: float) -> None:
    deadline = time.monotonic() + duration if duration > 0 else None
    try:
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.5)
    except KeyboardInterrupt:
        typer.echo("stopping")


def register(app: typer.Typer) -> None:
    app.command("simulate-field", epilog=EXAMPLES)(simulate_field)


if __name__ == "__main__":
    typer.run(simulate_field)


def _planned_faults(specs: list[str], wells: int) -> tuple[PlannedFault, ...]:
    found = []
    for spec in specs:
        try:
            planned = PlannedFault.parse(spec)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--planned-fault") from None
        if planned.well > wells:
            message = f"{spec!r}: well {planned.well} is not one of the {wells} wells"
            raise typer.BadParameter(message, param_hint="--planned-fault")
        found.append(planned)
    return tuple(found)
