"""Tank gauges and strapping tables: gauge height to volume, run-ticket volumes.

A gauge is read in feet, inches and quarter inches (5' 3 1/4"). A strapping
(calibration) table lists heights with the tank's volume at each; a gauge
between two rows is interpolated linearly. Heights must strictly increase and
so must volumes, or the table is refused naming the first bad row.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shared.core.compliance.errors import (
    ComplianceInputError,
    GaugeOrderError,
    OutOfRangeError,
    StrappingTableError,
)

VOLUME_PLACES = Decimal("0.01")
MAX_FEET = 100
MAX_ROWS = 10_000
_FEET_INCHES = re.compile(
    r"^\s*(?P<feet>\d{1,3})\s*(?:'|ft|-)\s*(?P<inches>\d{1,2})?"
    r"(?:\s+|-)?(?P<fraction>[0-3]/4|1/2|[0-3](?=\s*(?:\"|in)?\s*$))?\s*(?:\"|in)?\s*$"
)


@dataclass(frozen=True, order=True)
class Gauge:
    """A gauge height in feet, inches and quarter inches."""

    feet: int
    inches: int = 0
    quarters: int = 0

    def __post_init__(self) -> None:
        if (
            not 0 <= self.feet <= MAX_FEET
            or not 0 <= self.inches < 12
            or not 0 <= self.quarters < 4
        ):
            raise ComplianceInputError(
                "gauge", f"{self.feet} ft {self.inches} in {self.quarters}/4 is not a gauge height"
            )

    @classmethod
    def parse(cls, text: str, field: str = "gauge") -> Gauge:
        """Read ``5' 3 1/4"``, ``5'3"``, ``5-3-1`` (feet-inches-quarters) or ``5 ft 3 in``."""
        match = _FEET_INCHES.match(text)
        if match is None:
            raise ComplianceInputError(field, f"'{text}' is not a gauge like 5' 3 1/4\" or 5-3-1")
        fraction = match.group("fraction") or "0"
        quarters = int(fraction) if "/" not in fraction else _quarters(fraction)
        try:
            return cls(int(match.group("feet")), int(match.group("inches") or 0), quarters)
        except ComplianceInputError as exc:
            raise ComplianceInputError(field, exc.reason) from None

    @property
    def total_inches(self) -> Decimal:
        return Decimal(self.feet * 12 + self.inches) + Decimal(self.quarters) / 4

    def __str__(self) -> str:
        fraction = {0: "", 1: " 1/4", 2: " 1/2", 3: " 3/4"}[self.quarters]
        return f"{self.feet}' {self.inches}{fraction}\""


@dataclass(frozen=True)
class StrappingRow:
    height_inches: Decimal
    volume_bbl: Decimal


class StrappingTable:
    """A validated strapping table: strictly increasing heights and volumes."""

    def __init__(self, rows: Sequence[StrappingRow]) -> None:
        if not 2 <= len(rows) <= MAX_ROWS:
            raise StrappingTableError("strapping", f"needs 2 to {MAX_ROWS} rows, got {len(rows)}")
        for index, row in enumerate(rows):
            if not row.height_inches.is_finite() or not row.volume_bbl.is_finite():
                raise StrappingTableError(
                    f"strapping[{index}]", "height and volume must be numbers"
                )
            if row.height_inches < 0 or row.volume_bbl < 0:
                raise StrappingTableError(
                    f"strapping[{index}]", "height and volume must not be negative"
                )
        for index, (before, row) in enumerate(itertools.pairwise(rows), start=1):
            if row.height_inches <= before.height_inches:
                raise StrappingTableError(
                    f"strapping[{index}].height_inches",
                    f"{row.height_inches} in does not rise above {before.height_inches} in",
                    {"height": row.height_inches, "previous_height": before.height_inches},
                )
            if row.volume_bbl <= before.volume_bbl:
                raise StrappingTableError(
                    f"strapping[{index}].volume_bbl",
                    f"{row.volume_bbl} bbl does not rise above {before.volume_bbl} bbl",
                    {"volume": row.volume_bbl, "previous_volume": before.volume_bbl},
                )
        self.rows = tuple(rows)

    def volume(self, gauge: Gauge, field: str = "gauge") -> Decimal:
        """Volume at ``gauge`` (bbl, to 0.01), interpolated between the rows around it."""
        height = gauge.total_inches
        low, high = self.rows[0].height_inches, self.rows[-1].height_inches
        if not low <= height <= high:
            raise OutOfRangeError(field, height, low, high, "the tank's strapping table (inches)")
        for below, above in itertools.pairwise(self.rows):
            if height <= above.height_inches:
                # multiply before dividing, so quarter-inch gauges interpolate exactly
                rise = (height - below.height_inches) * (above.volume_bbl - below.volume_bbl)
                volume = below.volume_bbl + rise / (above.height_inches - below.height_inches)
                return volume.quantize(VOLUME_PLACES, ROUND_HALF_UP)
        raise AssertionError("unreachable: the height is within the table")  # pragma: no cover


def hauled_volume(table: StrappingTable, opening: Gauge, closing: Gauge) -> Decimal:
    """Gross observed volume of a haul: volume at the opening gauge minus at the closing gauge."""
    if closing >= opening:
        raise GaugeOrderError(
            "closing_gauge",
            f"{closing} is not below the opening gauge {opening}; a haul lowers the tank",
            {"opening_inches": opening.total_inches, "closing_inches": closing.total_inches},
        )
    return table.volume(opening, "opening_gauge") - table.volume(closing, "closing_gauge")


def _quarters(fraction: str) -> int:
    numerator, denominator = fraction.split("/")
    return int(numerator) * 4 // int(denominator)
