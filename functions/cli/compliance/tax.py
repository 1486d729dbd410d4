"""`wellos tax`: severance and production taxes and fees of one product's month."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Any

import typer
from rich.console import Console

from functions.cli.compliance.common import (
    JsonOption,
    emit,
    money,
    options_named,
    parse_decimal,
    parse_pairs,
    source_of,
    table_of,
)
from shared.core.compliance.model.period import Period
from shared.core.compliance.model.rulebook import Product
from shared.core.compliance.model.taxes import TaxRequest, TaxResult, compute_severance

tax_app = typer.Typer(
    name="tax",
    help="Severance and production taxes and regulatory fees (TX, NM, OK).",
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
    with options_named():
        request = TaxRequest(
            state=state.strip().upper(),
            product=product,
            volume=parse_decimal(volume, "volume"),
            price=parse_decimal(price, "price"),
            period=Period.parse(period),
            first_production=None
            if first_production is None
            else Period.parse(first_production, "first_production"),
            flags=frozenset(item.strip() for item in flag or []),
            reference_prices=_reference_prices(reference_price or []),
            value_deductions=parse_decimal(value_deductions, "value_deductions"),
        )
        report = _tax_report(compute_severance(request))
    emit(report, json_output, _print_tax)


def _reference_prices(items: Sequence[str]) -> dict[str, Decimal]:
    pairs = parse_pairs(",".join(items), "reference_prices") if items else []
    return {name: parse_decimal(value, "reference_prices") for name, value in pairs}


def _tax_report(result: TaxResult) -> dict[str, Any]:
    request = result.request
    return {
        "state": request.state,
        "product": request.product.value,
        "period": str(request.period),
        "volume": str(request.volume),
        "unit": "Mcf" if request.product is Product.GAS else "bbl",
        "price": str(request.price),
        "gross_value": money(result.gross_value),
        "taxable_value": money(result.taxable_value),
        "rate": str(result.rate),
        "tax": money(result.tax),
        "fees": money(result.fees),
        "total": money(result.total),
        "due_date": result.due_date.due.isoformat(),
        "lines": [
            {
                "id": line.rule_id,
                "label": line.label,
                "kind": line.kind,
                "basis": line.basis,
                "unit": line.unit,
                "base": money(line.base) if line.basis == "value" else str(line.base),
                "rate": str(line.rate),
                "amount": money(line.amount),
                "condition": line.condition,
                "source": source_of(line.source),
            }
            for line in result.lines
        ],
        "due_dates": [
            {"obligation": item.obligation, "label": item.label, "due": item.due.isoformat()}
            for item in result.due_dates
        ],
        "notes": list(result.notes),
    }


def _print_tax(console: Console, report: dict[str, Any]) -> None:
    rows = [
        [line["label"], line["kind"], line["rate"], line["base"], line["amount"]]
        for line in report["lines"]
    ]
    title = f"{report['state']} {report['product']} {report['period']}"
    console.print(table_of(title, ("line", "kind", "rate", "base", "amount ($)"), rows))
    console.print(
        f"tax {report['tax']}, fees {report['fees']}, total {report['total']} $; "
        f"rate {report['rate']}; due {report['due_date']}"
    )
    for note in report["notes"]:
        console.print(f"note: {note}")
