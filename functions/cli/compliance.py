"""`wellos tax`, `wellos emissions`, `wellos volume`: the month-end calculations, for checking.

Each command computes one thing from the packaged, effective-dated rules and
prints it (``--json`` for machine-readable output; money and factors as
decimal strings, tonnes to 6 decimal places). Bad input exits with code 2 and
names the option at fault.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from functions.cli.output import fail
from shared.core.compliance.errors import ComplianceInputError, InputError, WellOSError
from shared.core.compliance.model.emissions import (
    Emissions,
    combustion,
    flare,
    flare_efficiency,
    gwp_set,
)
from shared.core.compliance.model.period import Period
from shared.core.compliance.model.rulebook import Product, Source
from shared.core.compliance.model.taxes import TaxRequest, TaxResult, compute_severance
from shared.core.compliance.model.volume import (
    STANDARD,
    StandardVolumes,
    api_gravity_at_60,
    standard_volumes,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON only.")]
TONNE_PLACES = 6
MAX_NUMBER_LENGTH = 40
OPTION_OF_FIELD = {
    "flags": "--flag",
    "reference_prices": "--reference-price",
    "efficiency": "--efficiency",
    "observed_temperature": "--observed-temperature",
    "hhv": "--hhv",
}

tax_app = typer.Typer(
    name="tax",
    help="Severance and production taxes and regulatory fees (TX, NM, OK).",
    no_args_is_help=True,
    rich_markup_mode="rich",
    add_completion=False,
)
emissions_app = typer.Typer(
    name="emissions",
    help="Greenhouse-gas emissions by 40 CFR 98 subparts C and W.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    add_completion=False,
)
volume_app = typer.Typer(
    name="volume",
    help="Crude-oil volume correction by API MPMS 11.1-2004.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    add_completion=False,
)

SEVERANCE_EXAMPLES = """[bold]Examples:[/bold]

  wellos tax severance --state TX --product oil --volume 1000 --price 75 \\
    --period 2026-10 --json

  wellos tax severance --state OK --product gas --volume 25000 --price 2.40 \\
    --period 2026-10 --first-production 2025-03

  wellos tax severance --state NM --product oil --volume 800 --price 71.20 \\
    --period 2026-10 --reference-price wti_previous_quarter_average=72.15
"""
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
VOLUME_EXAMPLES = """[bold]Examples:[/bold]

  wellos volume correct --api-gravity 38.6 --temperature 83 --gov 250 --bsw 0.3 --json

  wellos volume correct --observed-api-gravity 40.5 --observed-temperature 83 \\
    --temperature 80 --gov 175.25
"""


def register(app: typer.Typer) -> None:
    """Add the `tax`, `emissions` and `volume` groups to the `wellos` command."""
    app.add_typer(tax_app, name="tax")
    app.add_typer(emissions_app, name="emissions")
    app.add_typer(volume_app, name="volume")


@tax_app.command(epilog=SEVERANCE_EXAMPLES)
def severance(
    state: Annotated[str, typer.Option(help="Two-letter state: TX, NM or OK.")],
    product: Annotated[Product, typer.Option(case_sensitive=False, help="oil, gas or condensate.")],
    volume: Annotated[str, typer.Option(help="Volume: bbl (oil, condensate) or Mcf (gas).")],
    price: Annotated[str, typer.Option(help="Price, $ per bbl or Mcf.")],
    period: Annotated[str, typer.Option(help="Production month, YYYY-MM.")],
    first_production: Annotated[
        str | None, typer.Option(help="Month of first production, YYYY-MM (reduced early rates).")
    ] = None,
    flag: Annotated[
        list[str] | None, typer.Option(help="A reduced-rate flag, e.g. stripper_well_property.")
    ] = None,
    reference_price: Annotated[
        list[str] | None,
        typer.Option(help="NAME=VALUE, a reference price a rate depends on (repeatable)."),
    ] = None,
    value_deductions: Annotated[
        str, typer.Option(help="$ the state lets you deduct from the value (royalties, trucking).")
    ] = "0",
    json_output: JsonOption = False,
) -> None:
    """Tax, fees, rate and due date of one product's month in one state."""
    with _options_named():
        request = TaxRequest(
            state=state.strip().upper(),
            product=product,
            volume=_decimal(volume, "volume"),
            price=_decimal(price, "price"),
            period=Period.parse(period),
            first_production=None
            if first_production is None
            else Period.parse(first_production, "first_production"),
            flags=frozenset(item.strip() for item in flag or []),
            reference_prices=_reference_prices(reference_price or []),
            value_deductions=_decimal(value_deductions, "value_deductions"),
        )
        report = _tax_report(compute_severance(request))
    _emit(report, json_output, _print_tax)


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
    with _options_named():
        report = _emission_report(combustion(gas_scf, hhv), gwp, None)
    _emit(report, json_output, _print_emissions)


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
    with _options_named():
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
    _emit(report, json_output, _print_emissions)


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
    with _options_named():
        api60 = _api_gravity_60(
            api_gravity, observed_api_gravity, observed_temperature, temperature
        )
        volumes = standard_volumes(
            _decimal(gov, "gov"), api60, temperature, _decimal(bsw, "bsw"), pressure
        )
        report = _volume_report(volumes, temperature, pressure, observed_api_gravity is not None)
    _emit(report, json_output, _print_volumes)


@contextlib.contextmanager
def _options_named() -> Iterator[None]:
    """Input errors become usage errors naming the option (exit 2); others a red message."""
    try:
        yield
    except InputError as exc:
        raise typer.BadParameter(exc.reason, param_hint=f"'{_option(exc.field)}'") from None
    except WellOSError as exc:
        raise fail(exc.detail, 1) from None


def _option(field: str) -> str:
    head = field.split(".")[0].split("[")[0]
    return OPTION_OF_FIELD.get(head, "--" + head.replace("_", "-"))


def _decimal(text: str, field: str) -> Decimal:
    try:
        value = Decimal(text.strip()) if len(text) <= MAX_NUMBER_LENGTH else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ComplianceInputError(field, f"'{text[:MAX_NUMBER_LENGTH]}' is not a number")
    return value


def _pairs(text: str, field: str) -> list[tuple[str, str]]:
    pairs = []
    for part in (item.strip() for item in text.split(",")):
        name, sign, value = part.partition("=")
        if not part or not sign or not name.strip() or not value.strip():
            raise ComplianceInputError(field, f"'{part}' is not NAME=VALUE")
        pairs.append((name.strip(), value.strip()))
    names = [name.upper() for name, _ in pairs]
    if len(names) != len(set(names)):
        raise ComplianceInputError(field, "a name is given twice")
    return pairs


def _composition(text: str) -> dict[str, float]:
    return {
        name: float(_decimal(value, "composition")) for name, value in _pairs(text, "composition")
    }


def _reference_prices(items: Sequence[str]) -> dict[str, Decimal]:
    pairs = _pairs(",".join(items), "reference_prices") if items else []
    return {name: _decimal(value, "reference_prices") for name, value in pairs}


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


def _tax_report(result: TaxResult) -> dict[str, Any]:
    request = result.request
    return {
        "state": request.state,
        "product": request.product.value,
        "period": str(request.period),
        "volume": str(request.volume),
        "unit": "Mcf" if request.product is Product.GAS else "bbl",
        "price": str(request.price),
        "gross_value": _money(result.gross_value),
        "taxable_value": _money(result.taxable_value),
        "rate": str(result.rate),
        "tax": _money(result.tax),
        "fees": _money(result.fees),
        "total": _money(result.total),
        "due_date": result.due_date.due.isoformat(),
        "lines": [
            {
                "id": line.rule_id,
                "label": line.label,
                "kind": line.kind,
                "basis": line.basis,
                "unit": line.unit,
                "base": _money(line.base) if line.basis == "value" else str(line.base),
                "rate": str(line.rate),
                "amount": _money(line.amount),
                "condition": line.condition,
                "source": _source(line.source),
            }
            for line in result.lines
        ],
        "due_dates": [
            {"obligation": item.obligation, "label": item.label, "due": item.due.isoformat()}
            for item in result.due_dates
        ],
        "notes": list(result.notes),
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


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def _source(source: Source) -> dict[str, str | None]:
    return {
        "title": source.title,
        "url": source.url,
        "citation": source.citation,
        "status": source.status,
    }


def _emit(
    report: dict[str, Any], json_output: bool, render: Callable[[Console, dict[str, Any]], None]
) -> None:
    if json_output:
        typer.echo(json.dumps(report, indent=2))
    else:
        render(Console(highlight=False, soft_wrap=True), report)


def _table(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    table = Table(title=title, title_justify="left")
    for index, header in enumerate(headers):
        table.add_column(header, justify="left" if index == 0 else "right")
    for row in rows:
        table.add_row(*row)
    return table


def _print_tax(console: Console, report: dict[str, Any]) -> None:
    rows = [
        [line["label"], line["kind"], line["rate"], line["base"], line["amount"]]
        for line in report["lines"]
    ]
    title = f"{report['state']} {report['product']} {report['period']}"
    console.print(_table(title, ("line", "kind", "rate", "base", "amount ($)"), rows))
    console.print(
        f"tax {report['tax']}, fees {report['fees']}, total {report['total']} $; "
        f"rate {report['rate']}; due {report['due_date']}"
    )
    for note in report["notes"]:
        console.print(f"note: {note}")


def _print_emissions(console: Console, report: dict[str, Any]) -> None:
    rows = [
        [gas, f"{report[key]:.6f}"]
        for gas, key in (("CO2", "co2_t"), ("CH4", "ch4_t"), ("N2O", "n2o_t"))
    ]
    rows.append([f"CO2e ({report['gwp']['set']})", f"{report['co2e_t']:.6f}"])
    console.print(_table(report["method"], ("gas", "metric tons"), rows))


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
    console.print(_table(title, ("", "value"), rows))
