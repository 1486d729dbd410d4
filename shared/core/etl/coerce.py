"""A transformed value to the type of its WellOS field, with the field's rules.

Empty text counts as null. Numbers must be finite and inside the field's
bounds; dates without a DATE transform must be ISO (YYYY-MM-DD); choices
match case-insensitively with spaces or dashes for underscores.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from shared.core.domain.api_number import normalize_api_number
from shared.core.errors import InputError
from shared.core.etl.errors import RowRejectedError
from shared.core.etl.fields import Kind, TargetField
from shared.core.etl.transforms import to_float

Coercer = Callable[[Any], Any]
API_CACHE_LIMIT = 100_000
_TRUE = frozenset({"true", "t", "yes", "y", "1", "x"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


def coercer_for(spec: TargetField) -> Coercer:
    builders: dict[Kind, Callable[[TargetField], Coercer]] = {
        Kind.TEXT: _text,
        Kind.NUMBER: _number,
        Kind.DATE: _date,
        Kind.BOOL: _bool,
        Kind.API: _api,
        Kind.CHOICE: _choice,
    }
    return builders[spec.kind](spec)


def _text(spec: TargetField) -> Coercer:
    limit = spec.max_length or 10_000

    def coerce(value: Any) -> Any:
        if value is None:
            return None
        text = value if isinstance(value, str) else str(value)
        if not text:
            return None
        if len(text) > limit:
            raise RowRejectedError(spec.name, f"is longer than {limit} characters")
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
            number = float(value)
        elif value == "":
            return None
        else:
            number = to_float(spec.name, value)
        if low is not None and number < low:
            raise RowRejectedError(spec.name, f"{number:g} is below {low:g}")
        if high is not None and number > high:
            raise RowRejectedError(spec.name, f"{number:g} is above {high:g}")
        return number

    return coerce


def _date(spec: TargetField) -> Coercer:
    def coerce(value: Any) -> Any:
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
            raise RowRejectedError(spec.name, reason) from None

    return coerce


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
