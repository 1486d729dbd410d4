"""`wellos dca …`: evaluate Arps decline curves and fit them to a CSV of rates.

Rates are volume/day (bbl/d, Mcf/d); cumulative volumes are rate × days.
``--unit`` is the time unit of decline rates (and, unless ``--time-unit`` says
otherwise, of times); a month is 365.25/12 days and a year 365.25 days.
Bad input exits with code 2 and names the option at fault.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
from collections.abc import Callable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from shared.core.common.errors import InputError
from shared.core.decline.model import (
    ArpsModel,
    DeclineType,
    Exponential,
    Harmonic,
    Hyperbolic,
    ModifiedHyperbolic,
    TimeUnit,
    eur,
    forecast,
    nominal_per_day,
    parse_fraction,
    time_to_economic_limit,
)
from shared.core.decline.model.tables import (
    RateTable,
    describe_fit,
    describe_forecast,
    describe_parameters,
    read_rate_rows,
)

dca_app = typer.Typer(
    name="dca",
    help="Decline-curve analysis: evaluate Arps curves, fit them to production rates.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    add_completion=False,
)


class ModelName(StrEnum):
    EXPONENTIAL = "exponential"
    HARMONIC = "harmonic"
    HYPERBOLIC = "hyperbolic"
    MODIFIED_HYPERBOLIC = "modified-hyperbolic"


JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON only.")]
DeclineTypeOption = Annotated[
    DeclineType,
    typer.Option(case_sensitive=False, help="How --di and --dlim are given."),
]
UnitOption = Annotated[TimeUnit, typer.Option(case_sensitive=False, help="Declines are per unit.")]
DLIM_HELP = "Terminal (exponential) decline per --unit ('10%' or '0.1')."
OPTION_OF_FIELD = {
    "csv": "CSV",
    "dates": "--date-column",
    "rates": "--rate-column",
    "hours_on": "--hours-column",
    "terminal_decline": "--dlim",
}
EVALUATE_EXAMPLES = """[bold]Examples:[/bold]

  wellos dca evaluate --model modified-hyperbolic --qi 5000 --di 90% \\
    --b 1.5 --dlim 10% --decline-type secant --unit year \\
    --time-unit month --times 0,1,12,60,360

  wellos dca evaluate -m exponential --qi 800 --di 0.35 \\
    --decline-type tangent --times 0,1,2,5 --economic-limit 5 --json
"""
FIT_EXAMPLES = """[bold]Examples:[/bold]

  wellos dca fit production.csv --economic-limit 5

  wellos dca fit monthly.csv --rate-column oil_bbl_d --months 240 \\
    --dlim 8% --json

  wellos dca fit daily.csv --hours-column hours_on \\
    --models hyperbolic,exponential --from-start
"""


@dca_app.command(epilog=EVALUATE_EXAMPLES)
def evaluate(
    model: Annotated[ModelName, typer.Option("--model", "-m", case_sensitive=False)],
    qi: Annotated[float, typer.Option(help="Initial rate, volume/day (bbl/d, Mcf/d).")],
    di: Annotated[str, typer.Option(help="Initial decline per --unit ('90%' or '0.9').")],
    times: Annotated[str, typer.Option(help="Comma-separated times in --time-unit.")],
    b: Annotated[float | None, typer.Option(help="Arps exponent (hyperbolic models).")] = None,
    dlim: Annotated[str | None, typer.Option(help=DLIM_HELP)] = None,
    decline_type: DeclineTypeOption = DeclineType.SECANT,
    unit: UnitOption = TimeUnit.YEAR,
    time_unit: Annotated[
        TimeUnit | None, typer.Option(case_sensitive=False, help="Unit of --times (def. --unit).")
    ] = None,
    economic_limit: Annotated[float | None, typer.Option(help="Rate for limit/EUR.")] = None,
    max_life: Annotated[float | None, typer.Option(help="EUR life cap, --time-unit.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Rate q and cumulative Np of an Arps curve at the given times."""
    t_unit = time_unit or unit
    with _options_named():
        curve = _build_curve(model, qi, (di, dlim), b, decline_type, unit)
        report = _evaluation(curve, _parse_times(times), unit, t_unit)
        if economic_limit is not None:
            life = None if max_life is None else max_life * t_unit.days
            report["economic_limit"] = {
                "rate": economic_limit,
                "time": time_to_economic_limit(curve, economic_limit) / t_unit.days,
                "eur": eur(curve, economic_limit, life),
            }
    _emit(report, json_output, _print_evaluation)


@dca_app.command(epilog=FIT_EXAMPLES)
def fit(
    csv_path: Annotated[
        Path, typer.Argument(metavar="CSV", exists=True, dir_okay=False, help="Dates and rates.")
    ],
    date_column: Annotated[str, typer.Option(help="YYYY-MM-DD or YYYY-MM dates.")] = "date",
    rate_column: Annotated[str, typer.Option(help="Average rates, volume/day.")] = "rate",
    hours_column: Annotated[str | None, typer.Option(help="Hours on (0: shut in).")] = None,
    models: Annotated[str, typer.Option(help="Comma-separated candidates, or 'all'.")] = "all",
    dlim: Annotated[str, typer.Option(help=DLIM_HELP + " 'none': no terminal.")] = "10%",
    decline_type: DeclineTypeOption = DeclineType.SECANT,
    unit: UnitOption = TimeUnit.YEAR,
    months: Annotated[int, typer.Option(help="Months to forecast after the history.")] = 120,
    economic_limit: Annotated[float, typer.Option(help="Abandonment rate, volume/day.")] = 1.0,
    from_peak: Annotated[
        bool, typer.Option("--from-peak/--from-start", help="Skip the ramp-up before the peak.")
    ] = True,
    json_output: JsonOption = False,
) -> None:
    """Fit exponential, harmonic, hyperbolic and modified hyperbolic curves; forecast the best."""
    from shared.core.decline.model.fit import fit_decline  # scipy only on this path
    from shared.core.decline.model.history import produced_volume

    with _options_named():
        table = _read_csv(csv_path, date_column, rate_column, hours_column)
        result = fit_decline(
            table.dates,
            table.rates,
            hours_on=table.hours_on,
            models=_model_names(models),
            terminal_decline=_terminal_decline(dlim, decline_type, unit),
            from_peak=from_peak,
        )
        produced = produced_volume(table.dates, table.rates)
        end = result.history_end_days
        outlook = forecast(result.model, months, economic_limit, start_days=end, produced=produced)
    report = {**describe_fit(result, unit), **describe_forecast(outlook, result.origin)}
    _emit(report, json_output, _print_fit)


@contextlib.contextmanager
def _options_named() -> Iterator[None]:
    """Turn an InputError into a usage error naming the option (exit code 2)."""
    try:
        yield
    except InputError as exc:
        option = OPTION_OF_FIELD.get(exc.field, "--" + exc.field.replace("_", "-"))
        raise typer.BadParameter(exc.reason, param_hint=f"'{option}'") from None


def _build_curve(
    model: ModelName,
    qi: float,
    declines: tuple[str, str | None],
    b: float | None,
    decline_type: DeclineType,
    unit: TimeUnit,
) -> ArpsModel:
    di_text, dlim_text = declines
    hyperbolic = model in (ModelName.HYPERBOLIC, ModelName.MODIFIED_HYPERBOLIC)
    terminal = model is ModelName.MODIFIED_HYPERBOLIC
    if (b is None) == hyperbolic:
        raise InputError("b", f"is {'required' if hyperbolic else 'not used'} by {model.value}")
    if (dlim_text is None) == terminal:
        raise InputError("dlim", f"is {'required' if terminal else 'not used'} by {model.value}")
    exponent = {ModelName.EXPONENTIAL: 0.0, ModelName.HARMONIC: 1.0}.get(model, b or 0.0)
    di = nominal_per_day(parse_fraction(di_text, "di"), decline_type, unit, exponent, field="di")
    if model is ModelName.EXPONENTIAL:
        return Exponential(qi, di)
    if model is ModelName.HARMONIC:
        return Harmonic(qi, di)
    if dlim_text is None:
        return Hyperbolic(qi, di, exponent)
    dlim = nominal_per_day(parse_fraction(dlim_text, "dlim"), decline_type, unit, field="dlim")
    return ModifiedHyperbolic(qi, di, exponent, dlim)


def _evaluation(
    curve: ArpsModel, times: Sequence[float], unit: TimeUnit, t_unit: TimeUnit
) -> dict[str, Any]:
    t_days = [t * t_unit.days for t in times]
    points = zip(times, curve.rate(t_days), curve.cumulative(t_days), strict=True)
    return {
        "model": curve.name,
        "unit": unit.value,
        "time_unit": t_unit.value,
        "parameters": describe_parameters(curve, unit, t_unit),
        "points": [{"t": t, "rate": float(q), "cumulative": float(n)} for t, q, n in points],
    }


def _terminal_decline(text: str, decline_type: DeclineType, unit: TimeUnit) -> float | None:
    if text.strip().lower() == "none":
        return None
    return nominal_per_day(parse_fraction(text, "dlim"), decline_type, unit, field="dlim")


def _parse_times(text: str) -> list[float]:
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise InputError("times", f"'{text}' is not a comma-separated list of numbers") from None
    if not values or not all(v >= 0.0 and math.isfinite(v) for v in values):
        raise InputError("times", f"need finite numbers >= 0, got '{text}'")
    return values


def _model_names(text: str) -> list[str] | None:
    from shared.core.decline.model.fit import MODEL_NAMES

    if text.strip().lower() == "all":
        return None
    names = [part.strip().lower().replace("-", "_") for part in text.split(",") if part.strip()]
    if not names or any(name not in MODEL_NAMES for name in names):
        choices = ", ".join(name.replace("_", "-") for name in MODEL_NAMES)
        raise InputError("models", f"'{text}' is not a list of {choices} (or 'all')")
    return names


def _read_csv(path: Path, date_column: str, rate_column: str, hours: str | None) -> RateTable:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames:
            raise InputError("csv", f"{path.name} is empty")
        return read_rate_rows(
            reader,
            reader.fieldnames,
            date_column=date_column,
            rate_column=rate_column,
            hours_column=hours,
        )


def _emit(
    report: dict[str, Any], json_output: bool, render: Callable[[Console, dict[str, Any]], None]
) -> None:
    if json_output:
        typer.echo(json.dumps(report, indent=2))
    else:
        render(Console(highlight=False, soft_wrap=True), report)


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1e5 else f"{value:.6g}"


def _table(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    table = Table(title=title, title_justify="left")
    for index, header in enumerate(headers):
        table.add_column(header, justify="left" if index == 0 else "right")
    for row in rows:
        table.add_row(*row)
    return table


def _print_parameters(console: Console, report: dict[str, Any]) -> None:
    view, per = report["parameters"], report["unit"]
    rows = [["qi (vol/d)", _number(view["qi"])], ["b", f"{view['b']:.4g}"]]
    for name in ("di", "dlim"):
        for kind, value in view.get(name, {}).items():
            shown = f"{value:.6g}/{per}" if kind == "nominal" else f"{100 * value:.6g}%/{per}"
            rows.append([f"{name} {kind}", shown])
    if "switch_time" in view:
        rows.append(["switch time", f"{view['switch_time']:.6g} {view['switch_time_unit']}"])
        rows.append(["switch rate (vol/d)", _number(view["switch_rate"])])
    console.print(_table(report["model"], ("parameter", "value"), rows))


def _print_evaluation(console: Console, report: dict[str, Any]) -> None:
    _print_parameters(console, report)
    headers = (f"t ({report['time_unit']})", "q (vol/d)", "Np (vol)")
    rows = [[f"{p['t']:g}", _number(p["rate"]), _number(p["cumulative"])] for p in report["points"]]
    console.print(_table("Rates and cumulative volumes", headers, rows))
    if "economic_limit" in report:
        limit = report["economic_limit"]
        console.print(
            f"Economic limit {limit['rate']:g} vol/d at t = {limit['time']:.6g} "
            f"{report['time_unit']}; EUR {_number(limit['eur'])}"
        )


def _print_fit(console: Console, report: dict[str, Any]) -> None:
    _print_parameters(console, report)
    dropped = ", ".join(f"{n} {reason}" for reason, n in report["points"]["dropped"].items() if n)
    console.print(
        f"t = 0 on {report['origin']} ({report['frequency']} data); "
        f"{report['points']['used']} points used, dropped: {dropped or 'none'}; "
        f"R² of ln q {report['goodness_of_fit']['r_squared_log']:.4f}"
    )
    points = report["forecast"]
    shown = [p for p in points if p["month"] % 12 == 0 or p is points[-1]]
    rows = [
        [str(p["month"]), str(p["date"]), _number(p["rate"]), _number(p["cumulative"])]
        for p in shown
    ]
    headers = ("month", "date", "q (vol/d)", "cumulative (vol)")
    console.print(_table("Forecast, every 12th month", headers, rows))
    console.print(
        f"produced {_number(report['produced'])}, remaining {_number(report['remaining'])}, "
        f"EUR {_number(report['eur'])} at {report['economic_limit']:g} vol/d"
    )


if __name__ == "__main__":
    dca_app()
