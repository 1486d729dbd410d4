"""A transformed value to the type of its WellOS field, with the field's rules.

Empty text counts as null. Numbers must be finite and inside the field's
bounds; dates without a DATE transform must be ISO (YYYY-MM-DD) and inside
the field's window (given today); text may not hide control or bidirectional
characters (shared.core.common.limits); choices match case-insensitively with
spaces or dashes for underscores.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from shared.core.common import limits
from shared.core.common.errors import InputError
from shared.core.etl.errors import RowRejectedError
from shared.core.etl.model.fields import Kind, TargetField
from shared.core.etl.model.transforms import plain_floats, to_float
from shared.core.wells.model.api_number import normalize_api_number

Coercer = Callable[[Any], Any]
ColumnCoercer = Callable[[Sequence[Any]], list[Any]]
"""A whole column coerced: the coercer's values, or RowRejectedError for some value (the
caller then maps row by row, where each row gets its own reason)."""
API_CACHE_LIMIT = 100_000
_TRUE = frozenset({"true", "t", "yes", "y", "1", "x"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


def coercer_for(spec: TargetField, today: date | None = None) -> Coercer:
    """The field's coercer; with `today`, dates are held to the field's window too."""
    if spec.kind is Kind.DATE:
        return _date(spec, today)
    builders: dict[Kind, Callable[[TargetField], Coercer]] = {
        Kind.TEXT: _text,
        Kind.NUMBER: _number,
        Kind.BOOL: _bool,
        Kind.API: _api,
        Kind.CHOICE: _choice,
    }
    return builders[spec.kind](spec)


def column_coercer_for(spec: TargetField, today: date | None = None) -> ColumnCoercer:
    """The field's coercer over a column: numbers, dates and API numbers in C when plain."""
    coerce = coercer_for(spec, today)
    if spec.kind is Kind.NUMBER:
        return _number_column(spec, coerce)
    if spec.kind is Kind.DATE and spec.dates is not None and today is not None:
        return _date_column(spec, today, coerce)
    if spec.kind is Kind.API:
        return _api_column(coerce)
    return lambda values: list(map(coerce, values))


def _number_column(spec: TargetField, coerce: Coercer) -> ColumnCoercer:
    low, high = spec.minimum, spec.maximum

    def column(values: Sequence[Any]) -> list[Any]:
        numbers = plain_floats(values)
        if numbers is None or any(map(math.isnan, numbers)):
            return list(map(coerce, values))
        if (low is not None and min(numbers) < low) or (high is not None and max(numbers) > high):
            raise RowRejectedError(spec.name, "a value is out of bounds")
        return numbers

    return column


def _date_column(spec: TargetField, today: date, coerce: Coercer) -> ColumnCoercer:
    assert spec.dates is not None
    earliest, latest = spec.dates.earliest, spec.dates.latest(today)

    def column(values: Sequence[Any]) -> list[Any]:
        if set(map(type, values)) != {date}:
            return list(map(coerce, values))
        if min(values) < earliest or max(values) > latest:
            raise RowRejectedError(spec.name, "a day is outside the window")
        return list(values)

    return column


def _api_column(coerce: Coercer) -> ColumnCoercer:
    """Known API numbers from a cache of this column's own; any other value once through
    the coercer (which normalizes it or rejects the row)."""
    known: dict[str, str] = {}

    def column(values: Sequence[Any]) -> list[Any]:
        found = list(map(known.get, values)) if set(map(type, values)) == {str} else [None]
        if None not in found:
            return found
        out = list(map(coerce, values))
        if len(known) < API_CACHE_LIMIT:
            pairs = zip(values, out, strict=True)
            known.update((v, text) for v, text in pairs if type(v) is str and text is not None)
        return out

    return column


def _text(spec: TargetField) -> Coercer:
    limit = spec.max_length or 10_000
    rule = limits.MULTILINE if spec.multiline else limits.SINGLE_LINE

    def coerce(value: Any) -> Any:
        if value is None:
            return None
        text = value if isinstance(value, str) else str(value)
        if not text:
            return None
        if len(text) > limit:
            raise RowRejectedError(spec.name, f"is longer than {limit} characters")
        problem = rule.problem(text)
        if problem is not None:
            raise RowRejectedError(spec.name, problem)
        return text

    return coerce


def _number(spec: TargetField) -> Coercer:
    low, high = spec.minimum, spec.maximum

    def coerce(value: Any) -> Any:
        if value is None:
            return None
        kind = type(value)
        if kind is float:
            number = value
        elif kind is Decimal or kind is int:
            number = _as_float(spec.name, value)
        elif value == "":
            return None
        else:
            number = to_float(spec.name, value)
        if low is not None and number < low:
            raise RowRejectedError(spec.name, f"{number:g} is below {low:,g}")
        if high is not None and number > high:
            raise RowRejectedError(spec.name, f"{number:g} is above {high:,g}")
        return number

    return coerce


def _as_float(field: str, value: Any) -> float:
    try:
        return float(value)
    except OverflowError:  # an int beyond any float
        raise RowRejectedError(field, "is too large a number") from None


def _date(spec: TargetField, today: date | None) -> Coercer:
    window = spec.dates

    def coerce(value: Any) -> Any:
        day = _day(spec.name, value)
        if day is None or window is None or today is None:
            return day
        if day < window.earliest:
            raise RowRejectedError(spec.name, f"{day} is before {window.earliest}")
        if day > window.latest(today):
            after = f"after {window.latest(today)}" if window.planned else "in the future"
            raise RowRejectedError(spec.name, f"{day} is {after}")
        return day

    return coerce


def _day(field: str, value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        reason = f"{text!r} is not a YYYY-MM-DD date; add a DATE transform with its format"
        raise RowRejectedError(field, reason) from None


def _bool(spec: TargetField) -> Coercer:
    def coerce(value: Any) -> Any:
        if value is None or isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE or not text:
            return False if text else None
        raise RowRejectedError(spec.name, f"{value!r} is not yes/no, true/false or 1/0")

    return coerce


def _api(spec: TargetField) -> Coercer:
    cache: dict[str, str] = {}

    def coerce(value: Any) -> Any:
        if value is None or value == "":
            return None
        raw = value if isinstance(value, str) else str(value)
        known = cache.get(raw)
        if known is not None:
            return known
        try:
            normalized = normalize_api_number(raw, spec.name)
        except InputError as exc:
            raise RowRejectedError(spec.name, f"{raw!r} {exc.reason}") from None
        if len(cache) < API_CACHE_LIMIT:
            cache[raw] = normalized
        return normalized

    return coerce


def _choice(spec: TargetField) -> Coercer:
    allowed = ", ".join(sorted(spec.choices))

    def coerce(value: Any) -> Any:
        if value is None or value == "":
            return None
        text = str(value).strip().upper().replace(" ", "_").replace("-", "_")
        if text in spec.choices:
            return text
        reason = f"{value!r} is not one of {allowed}; translate it with a MAP transform"
        raise RowRejectedError(spec.name, reason)

    return coerce
