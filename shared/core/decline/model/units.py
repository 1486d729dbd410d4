"""Time units and decline-rate conventions for Arps curves.

Conventions used throughout :mod:`shared.core.decline.model`:

* The day is the base unit. A month is 365.25/12 = 30.4375 days and a year is
  365.25 days (the average Julian year, as ARIES-free baselines and SPEE
  examples use).
* Rates are volume per day (bbl/d, Mcf/d) whatever the time unit, so a
  cumulative volume is rate × days (bbl, Mcf).
* A *nominal* decline D is the instantaneous fractional decline -(dq/dt)/q,
  per unit of time. It scales linearly between units: D per year =
  365.25 × D per day.
* An *effective* decline is the fractional drop over one unit of time. It does
  not scale linearly, so it is converted to nominal in its own unit first.

  - tangent effective: De = 1 - exp(-D), the drop over one unit of an
    exponential with the same initial nominal decline;
  - secant effective (SEC / SPEE reserves practice): the drop over one unit of
    the hyperbolic curve itself, De = 1 - (1 + b D)^(-1/b), i.e.
    D = ((1 - De)^(-b) - 1) / b. With b = 0 it equals the tangent effective
    decline; with b = 1 it is D = De / (1 - De).
"""

from __future__ import annotations

import math
from enum import StrEnum

from shared.core.common.errors import InputError

DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12


class TimeUnit(StrEnum):
    """Unit of times and of decline rates."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"

    @property
    def days(self) -> float:
        """Length of one unit in days."""
        return _UNIT_DAYS[self]


_UNIT_DAYS = {TimeUnit.DAY: 1.0, TimeUnit.MONTH: DAYS_PER_MONTH, TimeUnit.YEAR: DAYS_PER_YEAR}


class DeclineType(StrEnum):
    """How a decline rate is expressed."""

    NOMINAL = "nominal"
    TANGENT = "tangent"
    SECANT = "secant"


def to_nominal(
    value: float, decline_type: DeclineType, b: float = 0.0, *, field: str = "decline"
) -> float:
    """Nominal decline per unit of time from a decline of any type in the same unit.

    Examples
    --------
    >>> round(to_nominal(0.90, DeclineType.SECANT, b=1.5), 6)
    20.415184
    >>> round(to_nominal(0.10, DeclineType.TANGENT), 6)
    0.105361
    """
    if decline_type is DeclineType.NOMINAL:
        if not value >= 0.0 or math.isinf(value):
            raise InputError(field, f"nominal decline must be a finite number >= 0, got {value}")
        return value
    _check_effective(value, field)
    if decline_type is DeclineType.TANGENT or b == 0.0:
        return -math.log1p(-value)
    _check_b(b)
    return math.expm1(-b * math.log1p(-value)) / b


def from_nominal(nominal: float, decline_type: DeclineType, b: float = 0.0) -> float:
    """Decline of the given type from a nominal decline in the same unit.

    Examples
    --------
    >>> round(from_nominal(20.415184, DeclineType.SECANT, b=1.5), 6)
    0.9
    """
    if decline_type is DeclineType.NOMINAL:
        return nominal
    if decline_type is DeclineType.TANGENT or b == 0.0:
        return -math.expm1(-nominal)
    _check_b(b)
    return -math.expm1(-math.log1p(b * nominal) / b)


def nominal_per_day(
    value: float,
    decline_type: DeclineType,
    unit: TimeUnit,
    b: float = 0.0,
    *,
    field: str = "decline",
) -> float:
    """Nominal decline per day from a decline expressed per ``unit``.

    Examples
    --------
    >>> round(nominal_per_day(0.10, DeclineType.SECANT, TimeUnit.YEAR) * 365.25, 6)
    0.105361
    """
    return to_nominal(value, decline_type, b, field=field) / unit.days


def per_unit(
    nominal_day: float, decline_type: DeclineType, unit: TimeUnit, b: float = 0.0
) -> float:
    """Decline of ``decline_type`` per ``unit`` from a nominal decline per day."""
    return from_nominal(nominal_day * unit.days, decline_type, b)


def parse_fraction(text: str, field: str) -> float:
    """A decline typed by a person: '90%' or '0.9' -> 0.9; InputError naming ``field``.

    Examples
    --------
    >>> parse_fraction("90%", "di"), parse_fraction(" 0.25 ", "di")
    (0.9, 0.25)
    """
    stripped = text.strip()
    try:
        value = float(stripped.removesuffix("%")) * (0.01 if stripped.endswith("%") else 1.0)
    except ValueError:
        raise InputError(field, f"'{text}' is not a number or a percentage") from None
    if not math.isfinite(value):
        raise InputError(field, f"'{text}' is not a finite number")
    return value


def _check_effective(value: float, field: str) -> None:
    if not 0.0 <= value < 1.0:
        raise InputError(
            field, f"effective decline must be a fraction in [0, 1) (e.g. 0.9 for 90%), got {value}"
        )


def _check_b(b: float) -> None:
    if not b >= 0.0 or math.isinf(b):
        raise InputError("b", f"must be a finite number >= 0, got {b}")
