"""Checks of the values operations records: money, quantities, texts, moments.

Bounds are restated here rather than imported (the core's limits module is moving):
an amount is at most a trillion dollars (no AFE or work order comes near), dates
lie between 1900 and 2200 like every record date in WellOS, texts are bounded and
free of control and bidi-override characters (hostile names must not reorder a
reader's screen).
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal

from shared.core.operations.errors import OperationsInputError

MAX_AMOUNT = Decimal(10) ** 12
EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)
HOUR = Decimal(3600)
CENT = Decimal("0.01")


def money(value: object, field: str, places: int = 2) -> Decimal:
    """`value` as a non-negative Decimal amount with at most `places` decimals."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise OperationsInputError(field, "must be a decimal amount (a float would round)")
    amount = Decimal(value)
    if not amount.is_finite():
        raise OperationsInputError(field, "must be a finite amount")
    if amount < 0:
        raise OperationsInputError(field, "must not be negative")
    if amount > MAX_AMOUNT:
        raise OperationsInputError(field, f"must be at most {MAX_AMOUNT:,}")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        raise OperationsInputError(field, f"must have at most {places} decimal places")
    return amount


def quantity(value: object, field: str) -> Decimal:
    """A positive Decimal count or measure (up to 4 decimals, e.g. 12.5 ft of rod)."""
    amount = money(value, field, places=4)
    if amount == 0:
        raise OperationsInputError(field, "must be above 0")
    return amount


def text(value: str, field: str, max_length: int = 200, required: bool = True) -> str:
    """Trimmed `value`, refused if empty (when required), too long or with control chars."""
    cleaned = value.strip()
    if required and not cleaned:
        raise OperationsInputError(field, "must not be empty")
    if len(cleaned) > max_length:
        raise OperationsInputError(field, f"must be at most {max_length} characters")
    for char in cleaned:
        if unicodedata.category(char) in {"Cc", "Cf"} and char not in "\n\t":
            raise OperationsInputError(field, "must not contain control or formatting characters")
    return cleaned


def moment(value: datetime, field: str) -> datetime:
    """An aware instant between 1900 and 2200."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise OperationsInputError(field, "must carry a time zone (UTC offset)")
    if not EARLIEST <= value.date() <= LATEST:
        raise OperationsInputError(field, f"must be between {EARLIEST} and {LATEST}")
    return value


def day(value: date, field: str) -> date:
    if isinstance(value, datetime) or not EARLIEST <= value <= LATEST:
        raise OperationsInputError(field, f"must be a date between {EARLIEST} and {LATEST}")
    return value


def hours(span: timedelta) -> Decimal:
    """A duration in hours, to the hundredth (half to even)."""
    micros = span // timedelta(microseconds=1)
    return (Decimal(micros) / 1_000_000 / HOUR).quantize(CENT)
