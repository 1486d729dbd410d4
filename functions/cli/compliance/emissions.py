"""`wellos emissions`: greenhouse-gas emissions by 40 CFR 98 subparts C and W."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console

from functions.cli.compliance.common import (
    JsonOption,
    emit,
    options_named,
    parse_decimal,
    parse_pairs,
    table_of,
)
from shared.core.compliance.errors import ComplianceInputError
from shared.core.compliance.model.emissions import (
    Emissions,
    combustion,
    flare,
    flare_efficiency,
    gwp_set,
)

emissions_app = typer.Typer(
    name="emissions",
    help="Greenhouse-gas emissions by 40 CFR 98 subparts C and W.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    add_completion=False,
)


TONNE_PLACES = 6

COMBUSTION_EXAMPLES = """[bold]Examples:[/bold]

  wellos emissions combustion --gas-scf 1000000 --json

  wellos emissions combustion --gas-scf 250000 --hhv 1.087 --gwp AR4
"""

FLARE_EXAMPLES = """[bold]Examples:[/bold]

  wellos emissions flare --gas-scf 1000000 \\
    --composition CH4=0.85,C2H6=0.07,C3H8=0.03,CO2=0.02 --efficiency 0.98 --json

  wellos emissions flare --gas-scf 400000 --composition CH4=0.78,C2H6=0.12,C3H8=0.05 \\
    --reporting-year 2025 --tier tier2
"""


@emissions_app.command("combustion", epilog=COMBUSTION_EXAMPLES)
def combustion_command(
    gas_scf: Annotated[float, typer.Option(help="Natural gas burned, standard cubic feet.")],
    hhv: Annotated[
        float | None, typer.Option(help="Measured HHV, mmBtu/Mscf (default: Table C-1, 1.026).")
    ] = None,
    gwp: Annotated[str, typer.Option(help="GWPs of assessment report AR4 or AR5.")] = "AR5",
    json_output: JsonOption = False,
) -> None:
    """CO2, CH4 and N2O from natural gas combustion (40 CFR 98 subpart C)."""
    with options_named():
        report = _emission_report(combustion(gas_scf, hhv), gwp, None)
    emit(report, json_output, _print_emissions)


@emissions_app.command("flare", epilog=FLARE_EXAMPLES)
def flare_command(
    gas_scf: Annotated[float, typer.Option(help="Gas sent to the flare, scf at 60 °F, 14.7 psia.")],
    composition: Annotated[
        str, typer.Option(help="Mole fractions, e.g. CH4=0.85,C2H6=0.07,C3H8=0.03,CO2=0.02.")
    ],
    efficiency: Annotated[
        float | None,
        typer.Option(help="Combustion efficiency (also the destruction efficiency unless given)."),
    ] = None,
    destruction_efficiency: Annotated[
        float | None, typer.Option(help="Destruction efficiency, when it differs.")
    ] = None,
    unlit_fraction: Annotated[
        float, typer.Option(help="Share of the gas sent while the flare was unlit.")
    ] = 0.0,
    hhv: Annotated[
        float | None, typer.Option(help="Measured HHV, mmBtu/Mscf (default: from composition).")
    ] = None,
    reporting_year: Annotated[
        int | None, typer.Option(help="Reporting year: default efficiencies and GWPs of that year.")
    ] = None,
    tier: Annotated[
        str | None, typer.Option(help="Efficiency tier from 2025: tier1, tier2 or tier3.")
    ] = None,
    gwp: Annotated[
        str | None, typer.Option(help="GWPs: AR4 or AR5 (default: Table A-1 of the year, or AR5).")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """CO2, CH4 and N2O from a flare (40 CFR 98 subpart W, 98.233(n))."""
    with options_named():
        if efficiency is None:
            if reporting_year is None:
                raise ComplianceInputError(
                    "efficiency", "give --efficiency, or --reporting-year for the rule's defaults"
                )
            defaults = flare_efficiency(reporting_year, tier)
            efficiency = defaults.combustion
            destruction_efficiency = destruction_efficiency or defaults.destruction
        result = flare(
            gas_scf,
            _composition(composition),
            efficiency,
            destruction_efficiency,
            unlit_fraction,
            hhv,
        )
        report = _emission_report(result, gwp, reporting_year)
    emit(report, json_output, _print_emissions)


def _composition(text: str) -> dict[str, float]:
    return {
        name: float(parse_decimal(value, "composition"))
        for name, value in parse_pairs(text, "composition")
    }


def _emission_report(
    result: Emissions, gwp_name: str | None, reporting_year: int | None
) -> dict[str, Any]:
    if gwp_name is None and reporting_year is None:
        gwp_name = "AR5"
    name, gwps = gwp_set(gwp_name, reporting_year)
    return {
        "method": result.method,
        "co2_t": round(result.co2_t, TONNE_PLACES),
        "ch4_t": round(result.ch4_t, TONNE_PLACES),
        "n2o_t": round(result.n2o_t, TONNE_PLACES),
        "co2e_t": round(result.co2e_t(gwps), TONNE_PLACES),
        "gwp": {"set": name, "CO2": gwps.co2, "CH4": gwps.ch4, "N2O": gwps.n2o},
        "details": {key: round(value, 9) for key, value in result.details.items()},
    }


def _print_emissions(console: Console, report: dict[str, Any]) -> None:
    rows = [
        [gas, f"{report[key]:.6f}"]
        for gas, key in (("CO2", "co2_t"), ("CH4", "ch4_t"), ("N2O", "n2o_t"))
    ]
    rows.append([f"CO2e ({report['gwp']['set']})", f"{report['co2e_t']:.6f}"])
    console.print(table_of(report["method"], ("gas", "metric tons"), rows))
