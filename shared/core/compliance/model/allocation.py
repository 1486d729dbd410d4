"""Allocating a lease's metered production back to its wells, exact to the unit.

Two bases are common when a lease is metered as one: well tests (each well's
test rate times its producing days gives its theoretical volume) and daily
volumes (each well's sum of daily gauged or metered volumes). Either way the
lease total is split in proportion with the largest-remainder method, so the
wells' volumes sum to the lease volume exactly (see :mod:`.apportion`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from shared.core.compliance.errors import ComplianceInputError
from shared.core.compliance.model.apportion import apportion


@dataclass(frozen=True)
class WellTest:
    rate_per_day: Decimal  # bbl/d or Mcf/d from the latest test
    producing_days: Decimal


def allocate_by_well_tests(
    lease_total: Decimal, tests: Mapping[str, WellTest], unit: Decimal = Decimal(1)
) -> dict[str, Decimal]:
    """Split ``lease_total`` by test rate × producing days."""
    for well, test in tests.items():
        if test.rate_per_day < 0 or test.producing_days < 0:
            raise ComplianceInputError(
                f"tests[{well}]", "rate and producing days must not be negative"
            )
    weights = {well: test.rate_per_day * test.producing_days for well, test in tests.items()}
    return apportion(lease_total, weights, unit, field="tests")


def allocate_by_daily_volumes(
    lease_total: Decimal, daily: Mapping[str, Sequence[Decimal]], unit: Decimal = Decimal(1)
) -> dict[str, Decimal]:
    """Split ``lease_total`` by each well's sum of daily volumes."""
    for well, volumes in daily.items():
        if any(volume < 0 for volume in volumes):
            raise ComplianceInputError(f"daily[{well}]", "daily volumes must not be negative")
    weights = {well: sum(volumes, Decimal(0)) for well, volumes in daily.items()}
    return apportion(lease_total, weights, unit, field="daily")
