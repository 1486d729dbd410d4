"""Errors of the month-end compliance calculations.

Every bad input names the field at fault. The tree hangs under the platform's
``InputError``, so the API answers 422 and the CLI exits 2 without knowing
these types::

    InputError                          (shared errors: 422, CLI exit 2)
    └── ComplianceInputError            bad input to a month-end calculation
        ├── OutOfRangeError             outside the range of a standard or rule
        ├── GaugeOrderError             a haul's closing gauge not below its opening
        ├── StrappingTableError         a strapping table that cannot be interpolated
        ├── InterestsTotalError         a product's decimal interests not summing to 1
        └── NoRuleError                 no rule in force for a state, product or period
    ConflictError                       (shared errors: 409)
    └── PeriodFiledError                a change to a month already filed (needs an amendment)
    WellOSError
    └── RuleDataError                   packaged rule data fails its schema (a release defect)
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from shared.core.common.errors import ConflictError, InputError, WellOSError

__all__ = [
    "ComplianceInputError",
    "GaugeOrderError",
    "InputError",
    "InterestsTotalError",
    "NoRuleError",
    "OutOfRangeError",
    "PeriodFiledError",
    "RuleDataError",
    "StrappingTableError",
    "WellOSError",
]

Number = Decimal | float | int


class ComplianceInputError(InputError):
    """Bad input to a compliance calculation; ``numbers`` carries the values involved."""

    code = "invalid_compliance_input"

    def __init__(
        self, field: str, reason: str, numbers: Mapping[str, Number] | None = None
    ) -> None:
        super().__init__(field, reason)
        self.numbers: dict[str, Number] = dict(numbers or {})


class OutOfRangeError(ComplianceInputError):
    """A value outside the range a standard or rule is defined for."""

    code = "out_of_range"

    def __init__(self, field: str, value: Number, low: Number, high: Number, standard: str) -> None:
        super().__init__(
            field,
            f"{value} is outside {low} to {high}, the range of {standard}",
            {"value": value, "low": low, "high": high},
        )
        self.standard = standard


class GaugeOrderError(ComplianceInputError):
    """For a haul the closing gauge must be below the opening gauge."""

    code = "gauge_order"


class StrappingTableError(ComplianceInputError):
    """A strapping table that is too short or not strictly increasing."""

    code = "strapping_table"


class InterestsTotalError(ComplianceInputError):
    """Decimal interests of one product that do not sum to exactly 1."""

    code = "interests_total"


class NoRuleError(ComplianceInputError):
    """No rule in force for the state, product, obligation or period asked about."""

    code = "no_rule"


class RuleDataError(WellOSError):
    """A packaged rule file fails its schema: a defect of the release, not of the input."""

    code = "rule_data"

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"rule data {name} is invalid: {reason}")
        self.name = name


class PeriodFiledError(ConflictError):
    """A lease's month is on a filed report: changing it needs the report amended first."""

    code = "period_filed"

    def __init__(self, field: str, period: str, form: str) -> None:
        super().__init__(
            f"{field}: {period} is already filed on {form}; amend the filing before changing it"
        )
        self.field = field
        self.period = period
