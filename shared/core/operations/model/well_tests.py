"""Well tests and the allocation of a lease's metered volume to its wells.

A well test measures a well's oil, gas and water rates (per day) over a test
period. When a lease is metered as a whole, its volume is shared among its wells
in proportion to test rate × producing hours; `allocate` does it exactly: the
shares add up to the metered volume to the last unit (`quantum`, 1 bbl by default
or 0.01 for hundredths), the rest after rounding down going one unit at a time to
the largest remainders (Hamilton's method), ties to the smaller well id. The
result depends only on the inputs, never on their order.

Plausibility bounds are restated here, not imported (the core's limits module is
moving): the same as OIL_BBL_PER_DAY, GAS_MCF_PER_DAY and WATER_BBL_PER_DAY in
shared/core/domain/limits.py — the most prolific wells ever made tens of thousands
of bbl/day and 100-200 MMcf/day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from shared.core.operations.errors import OperationsInputError
from shared.core.operations.model import values

MAX_RATE = {
    "oil_bbl_per_day": Decimal(100_000),
    "gas_mcf_per_day": Decimal(1_000_000),
    "water_bbl_per_day": Decimal(100_000),
}
MAX_TEST = timedelta(days=7)
"""A test is hours to a few days; a week-long "test" is a slip (or production data)."""
MAX_HOURS = Decimal(24 * 31)
"""Producing hours of one allocation period: a month at most."""


@dataclass(frozen=True, slots=True)
class WellTest:
    test_id: str
    well_id: str
    start: datetime
    end: datetime
    oil_bbl_per_day: Decimal
    gas_mcf_per_day: Decimal
    water_bbl_per_day: Decimal
    device_id: str = ""

    @property
    def hours(self) -> Decimal:
        return values.hours(self.end - self.start)


def check_well_test(test: WellTest) -> WellTest:
    """The test, checked: a period of positive length, plausible non-negative rates."""
    values.text(test.test_id, "test_id", 64)
    values.text(test.well_id, "well_id", 64)
    values.moment(test.start, "start")
    values.moment(test.end, "end")
    if test.end <= test.start:
        raise OperationsInputError("end", "the test period must end after it starts")
    if test.end - test.start > MAX_TEST:
        raise OperationsInputError("end", "a well test lasts at most 7 days")
    for name, ceiling in MAX_RATE.items():
        rate = values.money(getattr(test, name), name, places=4)
        if rate > ceiling:
            raise OperationsInputError(name, f"must be at most {ceiling:,} (no well makes more)")
    return test


def latest_tests(tests: Iterable[WellTest], as_of: datetime) -> dict[str, WellTest]:
    """Per well, the newest test finished by `as_of` (then the later start, larger id)."""
    latest: dict[str, WellTest] = {}
    for test in tests:
        if test.end > as_of:
            continue
        held = latest.get(test.well_id)
        if held is None or _rank(test) > _rank(held):
            latest[test.well_id] = test
    return latest


def _rank(test: WellTest) -> tuple[datetime, datetime, str]:
    return (test.end, test.start, test.test_id)


@dataclass(frozen=True, slots=True)
class Share:
    """One well's claim on the lease volume: its test rate and its producing hours."""

    well_id: str
    rate: Decimal
    hours: Decimal


def allocate(
    total: Decimal, shares: Sequence[Share], quantum: Decimal = Decimal(1)
) -> dict[str, Decimal]:
    """`total` split among `shares` by rate × hours, in whole quanta, adding up exactly."""
    units = _units(total, quantum)
    weights = _weights(shares)
    whole = sum(weights.values(), Fraction(0))
    if whole == 0:
        if units:
            raise OperationsInputError(
                "shares", "no well has a test rate and producing hours to share by"
            )
        return {well: Decimal(0) * quantum for well in weights}
    quotas = {well: units * weight / whole for well, weight in weights.items()}
    given = {well: quota.numerator // quota.denominator for well, quota in quotas.items()}
    left = units - sum(given.values())
    by_remainder = sorted(quotas, key=lambda well: (-(quotas[well] - given[well]), well))
    for well in by_remainder[:left]:
        given[well] += 1
    return {well: given[well] * quantum for well in sorted(given)}


def _units(total: Decimal, quantum: Decimal) -> int:
    if not quantum.is_finite() or quantum <= 0:
        raise OperationsInputError("quantum", "must be a positive amount, e.g. 1 or 0.01")
    values.money(total, "total", places=max(0, -_exponent(quantum)))
    units = total / quantum
    if units != units.to_integral_value():
        raise OperationsInputError("total", f"must be a whole number of {quantum}")
    return int(units)


def _exponent(amount: Decimal) -> int:
    exponent = amount.normalize().as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def _weights(shares: Sequence[Share]) -> dict[str, Fraction]:
    weights: dict[str, Fraction] = {}
    for i, share in enumerate(shares):
        if share.well_id in weights:
            raise OperationsInputError(f"shares.{i}.well_id", f"{share.well_id} appears twice")
        rate = values.money(share.rate, f"shares.{i}.rate", places=4)
        hours = values.money(share.hours, f"shares.{i}.hours", places=4)
        if hours > MAX_HOURS:
            raise OperationsInputError(
                f"shares.{i}.hours", f"must be at most {MAX_HOURS} (a month)"
            )
        weights[share.well_id] = Fraction(rate) * Fraction(hours)
    return weights


PRODUCTS = ("oil_bbl_per_day", "gas_mcf_per_day", "water_bbl_per_day")


def allocate_lease(
    metered: Mapping[str, Decimal],
    tests: Mapping[str, WellTest],
    hours: Mapping[str, Decimal],
    quantum: Decimal = Decimal(1),
) -> dict[str, dict[str, Decimal]]:
    """Per product ("oil_bbl_per_day" names the oil volume, etc.), the lease's metered
    volume allocated to the wells with a test and producing hours."""
    missing = sorted(set(hours) - set(tests))
    if missing:
        raise OperationsInputError("tests", f"no well test for {', '.join(missing)}")
    allocation: dict[str, dict[str, Decimal]] = {}
    for product, volume in metered.items():
        if product not in PRODUCTS:
            raise OperationsInputError("metered", f"must name {', '.join(PRODUCTS)}")
        shares = [Share(well, getattr(tests[well], product), hours[well]) for well in sorted(hours)]
        allocation[product] = allocate(volume, shares, quantum)
    return allocation
