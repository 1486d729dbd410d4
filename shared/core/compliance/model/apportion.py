"""Splitting a whole into parts exactly: the largest-remainder method.

Used for allocating lease production to wells (to the barrel or Mcf) and for
distributing revenue to owners (to the cent). The parts always sum to the
whole; each part is the floor of its exact share, and the units left over go
one each to the largest fractional remainders, ties broken by key in
ascending order, so the same inputs always give the same split.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from shared.core.compliance.errors import ComplianceInputError


def apportion(
    total: Decimal,
    weights: Mapping[str, Decimal],
    unit: Decimal = Decimal(1),
    *,
    field: str = "weights",
) -> dict[str, Decimal]:
    """Split ``total`` into multiples of ``unit`` in proportion to ``weights``.

    >>> apportion(Decimal(100), {"a": Decimal(1), "b": Decimal(1), "c": Decimal(1)})
    {'a': Decimal('34'), 'b': Decimal('33'), 'c': Decimal('33')}
    """
    units = _whole_units(total, unit)
    shares = _exact_shares(units, weights, field)
    floors = {key: share.numerator // share.denominator for key, share in shares.items()}
    left = units - sum(floors.values())
    by_remainder = sorted(shares, key=lambda key: (-(shares[key] - floors[key]), key))
    for key in by_remainder[:left]:
        floors[key] += 1
    return {key: unit * count for key, count in sorted(floors.items())}


def _whole_units(total: Decimal, unit: Decimal) -> int:
    if unit <= 0:
        raise ComplianceInputError("unit", f"must be positive, got {unit}")
    if total < 0:
        raise ComplianceInputError("total", f"must not be negative, got {total}")
    units = Fraction(total) / Fraction(unit)
    if units.denominator != 1:
        raise ComplianceInputError("total", f"{total} is not a whole number of {unit}")
    return units.numerator


def _exact_shares(units: int, weights: Mapping[str, Decimal], field: str) -> dict[str, Fraction]:
    if not weights:
        raise ComplianceInputError(field, "nothing to split among")
    negative = sorted(key for key, weight in weights.items() if weight < 0)
    if negative:
        raise ComplianceInputError(field, f"negative weight for {', '.join(negative)}")
    whole = sum((Fraction(weight) for weight in weights.values()), Fraction(0))
    if whole == 0:
        if units:
            raise ComplianceInputError(field, "all weights are zero; nothing to split by")
        return {key: Fraction(0) for key in weights}
    return {key: Fraction(units) * Fraction(weight) / whole for key, weight in weights.items()}
