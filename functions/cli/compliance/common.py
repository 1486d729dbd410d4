"""What the compliance commands share: option names in errors, number parsing, output."""

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
from shared.core.compliance.model.rulebook import Source

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON only.")]

MAX_NUMBER_LENGTH = 40

OPTION_OF_FIELD = {
    "flags": "--flag",
    "reference_prices": "--reference-price",
    "efficiency": "--efficiency",
    "observed_temperature": "--observed-temperature",
    "hhv": "--hhv",
}


@contextlib.contextmanager
def options_named() -> Iterator[None]:
    """Input errors become usage errors naming the option (exit 2); others a red message."""
    try:
        yield
    except InputError as exc:
        raise typer.BadParameter(exc.reason, param_hint=f"'{option_of(exc.field)}'") from None
    except WellOSError as exc:
        raise fail(exc.detail, 1) from None


def option_of(field: str) -> str:
    head = field.split(".")[0].split("[")[0]
    return OPTION_OF_FIELD.get(head, "--" + head.replace("_", "-"))


def parse_decimal(text: str, field: str) -> Decimal:
    try:
        value = Decimal(text.strip()) if len(text) <= MAX_NUMBER_LENGTH else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ComplianceInputError(field, f"'{text[:MAX_NUMBER_LENGTH]}' is not a number")
    return value


def parse_pairs(text: str, field: str) -> list[tuple[str, str]]:
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


def money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def source_of(source: Source) -> dict[str, str | None]:
    return {
        "title": source.title,
        "url": source.url,
        "citation": source.citation,
        "status": source.status,
    }


def emit(
    report: dict[str, Any], json_output: bool, render: Callable[[Console, dict[str, Any]], None]
) -> None:
    if json_output:
        typer.echo(json.dumps(report, indent=2))
    else:
        render(Console(highlight=False, soft_wrap=True), report)


def table_of(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    table = Table(title=title, title_justify="left")
    for index, header in enumerate(headers):
        table.add_column(header, justify="left" if index == 0 else "right")
    for row in rows:
        table.add_row(*row)
    return table
