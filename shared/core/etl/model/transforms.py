"""Transforms of one value, compiled once per mapping into plain functions.

A transform raises `RowRejectedError` for a value it cannot handle; the row
goes to quarantine with that reason. Nulls pass through every transform but
DEFAULT (empty strings count as null there).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from shared.core.etl.errors import RowRejectedError
from shared.core.etl.model.config import (
    CaseTransform,
    DateTransform,
    DefaultTransform,
    MapTransform,
    Transform,
    UnitTransform,
)

Step = Callable[[Any], Any]
ColumnStep = Callable[[Sequence[Any]], list[Any]]
"""A step over a whole column: the same values as the step mapped over it, or
RowRejectedError when some value is rejected (the caller then maps row by row, so
which row's reason wins stays the row path's)."""
CACHE_LIMIT = 100_000

# (from, to) -> factor. 1 m³ = 6.28981 bbl = 35.3147 ft³ = 0.0353147 Mcf.
UNIT_FACTORS: dict[tuple[str, str], float] = {
    ("bbl", "bbl"): 1.0,
    ("m3", "bbl"): 6.28981,
    ("mcf", "mcf"): 1.0,
    ("m3", "mcf"): 0.0353147,
    ("e3m3", "mcf"): 35.3147,
    ("mmcf", "mcf"): 1000.0,
    ("scf", "mcf"): 0.001,
    ("psi", "psi"): 1.0,
    ("kpa", "psi"): 0.145038,
    ("bar", "psi"): 14.5038,
    ("ft", "ft"): 1.0,
    ("m", "ft"): 3.28084,
}


def unit_factor(from_unit: str, to_unit: str) -> float | None:
    return UNIT_FACTORS.get((from_unit.lower(), to_unit.lower()))


def units_into(to_unit: str) -> list[str]:
    return sorted(source for source, target in UNIT_FACTORS if target == to_unit.lower())


def compile_chain(field: str, transforms: Sequence[Transform]) -> list[Step]:
    return [compile_transform(field, transform) for transform in transforms]


def compile_column_chain(field: str, transforms: Sequence[Transform]) -> list[ColumnStep]:
    return [compile_column_transform(field, transform) for transform in transforms]


def compile_column_transform(field: str, transform: Transform) -> ColumnStep:
    """A column at a time: UNIT and DATE in C over plain columns, the rest value by value."""
    step = compile_transform(field, transform)
    if isinstance(transform, UnitTransform):
        return _unit_column(step, unit_factor(transform.from_unit, transform.to_unit) or 1.0)
    if isinstance(transform, DateTransform):
        return _dates_column(*_date_parser(field, transform.formats))
    return lambda values: list(map(step, values))


def _unit_column(step: Step, factor: float) -> ColumnStep:
    scale = factor.__mul__

    def apply(values: Sequence[Any]) -> list[Any]:
        numbers = plain_floats(values)
        if numbers is None or not all(map(math.isfinite, numbers)):
            return list(map(step, values))
        return list(map(scale, numbers))

    return apply


def _dates_column(step: Step, parsed: dict[str, date]) -> ColumnStep:
    """Texts looked up in the step's cache; each text not in it yet goes through the step
    once (which parses and caches it, or rejects it); anything else value by value."""

    def apply(values: Sequence[Any]) -> list[Any]:
        if not _all_text(values):
            return list(map(step, values))
        days = list(map(parsed.get, values))
        if None in days:
            for text in set(values).difference(parsed):
                step(text)
            days = list(map(parsed.get, values))
        return list(map(step, values)) if None in days else days

    return apply


def _all_text(values: Sequence[Any]) -> bool:
    return set(map(type, values)) == {str}


def plain_floats(values: Sequence[Any]) -> list[float] | None:
    """`float` of each value when all are floats, ints or Decimals (not bools); else None."""
    kinds = set(map(type, values))
    if not kinds or not kinds <= _PLAIN_NUMBERS:
        return None
    try:
        return list(values) if kinds == {float} else list(map(float, values))
    except OverflowError:  # an int beyond any float
        return None


_PLAIN_NUMBERS = frozenset({float, int, Decimal})


def compile_transform(field: str, transform: Transform) -> Step:
    if isinstance(transform, MapTransform):
        return _map(field, transform)
    if isinstance(transform, CaseTransform):
        return _CASES[transform.type]
    if isinstance(transform, UnitTransform):
        return _unit(field, transform)
    if isinstance(transform, DateTransform):
        return _dates(field, transform.formats)
    assert isinstance(transform, DefaultTransform)
    return _default(transform.value)


def _map(field: str, transform: MapTransform) -> Step:
    table = dict(transform.mapping)
    otherwise = transform.otherwise

    def apply(value: Any) -> Any:
        if value is None:
            return None
        key = value if isinstance(value, str) else str(value)
        if key in table:
            return table[key]
        if otherwise == "keep":
            return value
        if otherwise == "null":
            return None
        raise RowRejectedError(field, f"{key!r} is not in the MAP of {field}")

    return apply


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _trim(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


_CASES: dict[str, Step] = {"UPPERCASE": _upper, "LOWERCASE": _lower, "TRIM": _trim}


def _unit(field: str, transform: UnitTransform) -> Step:
    factor = unit_factor(transform.from_unit, transform.to_unit)
    if factor is None:
        raise ValueError(f"no conversion from {transform.from_unit} to {transform.to_unit}")

    def apply(value: Any) -> Any:
        if value is None or value == "":
            return None
        return to_float(field, value) * factor

    return apply


def _dates(field: str, formats: Sequence[str]) -> Step:
    return _date_parser(field, formats)[0]


def _date_parser(field: str, formats: Sequence[str]) -> tuple[Step, dict[str, date]]:
    """The DATE step and its cache of parsed texts (shared with the column form)."""
    patterns = list(formats)
    shown = ", ".join(patterns)
    parsed: dict[str, date] = {}  # a source repeats each day many times; strptime is slow

    def parse(text: str) -> date:
        for pattern in patterns:
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise RowRejectedError(field, f"{text!r} matches none of the date formats {shown}")

    def apply(value: Any) -> Any:
        if value is None or isinstance(value, date):
            return value.date() if isinstance(value, datetime) else value
        known = parsed.get(value) if isinstance(value, str) else None
        if known is not None:
            return known
        text = str(value).strip()
        if not text:
            return None
        day = parse(text)
        if len(parsed) < CACHE_LIMIT:
            parsed[str(value)] = day
        return day

    return apply, parsed


def _default(default: Any) -> Step:
    def apply(value: Any) -> Any:
        return default if value is None or value == "" else value

    return apply


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def _parse_number(field: str, text: str) -> float:
    """Plain or 1,234.5 style; a decimal comma (12,5) is refused rather than misread."""
    if "," in text and _THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        raise RowRejectedError(field, f"{text!r} is not a number") from None


_NUMBERS = (float, int, Decimal)


def to_float(field: str, value: Any) -> float:
    """A finite number from a number or its text; bools are not numbers."""
    if isinstance(value, _NUMBERS) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:  # an int beyond any float
            raise RowRejectedError(field, "is too large a number") from None
    elif isinstance(value, str):
        number = _parse_number(field, value.strip())
    else:
        raise RowRejectedError(field, f"{type(value).__name__} value is not a number")
    if not math.isfinite(number):
        raise RowRejectedError(field, "must be a finite number")
    return number
