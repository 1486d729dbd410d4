"""Production periods (calendar months) and the dates computed from them."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from shared.core.compliance.errors import ComplianceInputError

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR, LAST_YEAR = 1900, 2200


@dataclass(frozen=True, order=True)
class Period:
    """A production month, written ``YYYY-MM``."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise ComplianceInputError(
                "period",
                f"{self.year:04d}-{self.month:02d} is not a month of {FIRST_YEAR}-{LAST_YEAR}",
            )

    @classmethod
    def parse(cls, text: str, field: str = "period") -> Period:
        match = _PERIOD.match(text.strip())
        if match is None:
            raise ComplianceInputError(field, f"'{text}' is not a month written YYYY-MM")
        try:
            return cls(int(match.group(1)), int(match.group(2)))
        except ComplianceInputError as exc:
            raise ComplianceInputError(field, exc.reason) from None

    @classmethod
    def of(cls, day: date) -> Period:
        return cls(day.year, day.month)

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, self.days)

    def plus_months(self, months: int) -> Period:
        index = self.year * 12 + self.month - 1 + months
        return Period(index // 12, index % 12 + 1)

    def months_since(self, earlier: Period) -> int:
        """Whole months from ``earlier`` to this period (0 for the same month)."""
        return (self.year - earlier.year) * 12 + self.month - earlier.month

    def day(self, day: int) -> date:
        """That day of this month; a day past the month's end is its last day."""
        return date(self.year, self.month, min(day, self.days))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
