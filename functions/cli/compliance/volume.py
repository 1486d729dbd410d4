"""`wellos volume`: crude-oil volume correction by API MPMS 11.1-2004."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console

from functions.cli.compliance.common import JsonOption, emit, options_named, parse_decimal, table_of
from shared.core.compliance.errors import ComplianceInputError
from shared.core.compliance.model.volume import (
    STANDARD,
    StandardVolumes,
    api_gravity_at_60,
    standard_volumes,
)

volume_app = typer.Typer(
    name="volume",
    help="Crude-oil volume correction by API MPMS 11.1-2004.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    add_completion=False,
)


VOLUME_EXAMPLES = """[bold]Examples:[/bold]

  wellos volume correct --api-gravity 38.6 --temperature 83 --gov 250 --bsw 0.3 --json

  wellos volume correct --observed-api-gravity 40.5 --observed-temperature 83 \\
    --temperature 80 --gov 175.25
"""


@volume_app.command(epilog=VOLUME_EXAMPLES)
def correct(
    temperature: Annotated[float, typer.Option(help="Temperature of the oil measured, °F.")],
    gov: Annotated[str, typer.Option(help="Gross observed volume, bbl.")],
    api_gravity: Annotated[float | None, typer.Option(help="API gravity at 60 °F.")] = None,
    observed_api_gravity: Annotated[
        float | None, typer.Option(help="Hydrometer reading instead of --api-gravity.")
    ] = None,
    observed_temperature: Annotated[
        float | None, typer.Option(help="°F of the hydrometer reading (default: --temperature).")
    ] = None,
    bsw: Annotated[str, typer.Option(help="Sediment and water, percent.")] = "0",
    pressure: Annotated[float, typer.Option(help="Pressure, psig (CPL above 0).")] = 0.0,
    json_output: JsonOption = False,
) -> None:
    """GSV and NSV of crude oil: CTL (and CPL) by API MPMS 11.1-2004, less BS&W."""
    with options_named():
        api60 = _api_gravity_60(
            api_gravity, observed_api_gravity, observed_temperature, temperature
        )
        volumes = standard_volumes(
            parse_decimal(gov, "gov"), api60, temperature, parse_decimal(bsw, "bsw"), pressure
        )
        report = _volume_report(volumes, temperature, pressure, observed_api_gravity is not None)
    emit(report, json_output, _print_volumes)


def _api_gravity_60(
    api_gravity: float | None,
    observed: float | None,
    observed_temperature: float | None,
    temperature: float,
) -> float:
    if (api_gravity is None) == (observed is None):
        raise ComplianceInputError(
            "api_gravity", "give either --api-gravity or --observed-api-gravity"
        )
    if api_gravity is not None:
        return api_gravity
    sample_temperature = temperature if observed_temperature is None else observed_temperature
    # Table 5A practice: the gravity at 60 °F is carried to 0.1 °API into the volume correction.
    return round(api_gravity_at_60(observed or 0.0, sample_temperature), 1)


def _volume_report(
    volumes: StandardVolumes, temperature: float, pressure: float, from_hydrometer: bool
) -> dict[str, Any]:
    return {
        "standard": STANDARD,
        "api_gravity_60": volumes.api_gravity_60,
        "api_gravity_from_hydrometer": from_hydrometer,
        "temperature_f": temperature,
        "pressure_psig": pressure,
        "ctl": str(volumes.ctl),
        "cpl": str(volumes.cpl),
        "ctpl": str(volumes.ctpl),
        "gov": str(volumes.gross_observed),
        "gsv": str(volumes.gross_standard),
        "bsw_percent": str(volumes.bsw_percent),
        "sw": str(volumes.sediment_and_water),
        "nsv": str(volumes.net_standard),
    }


def _print_volumes(console: Console, report: dict[str, Any]) -> None:
    rows = [
        [name, report[key]]
        for name, key in (
            ("CTL", "ctl"),
            ("CPL", "cpl"),
            ("CTPL", "ctpl"),
            ("GOV (bbl)", "gov"),
            ("GSV (bbl)", "gsv"),
            ("S&W (bbl)", "sw"),
            ("NSV (bbl)", "nsv"),
        )
    ]
    title = f"{report['standard']}: {report['api_gravity_60']} °API at {report['temperature_f']} °F"
    console.print(table_of(title, ("", "value"), rows))
