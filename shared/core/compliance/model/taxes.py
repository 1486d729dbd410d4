"""Severance and production taxes and regulatory fees of one product and month.

The rules come from ``severance.json``: per state and product, effective-dated,
each with its source. A value-based rule takes a rate of the taxable value
(volume × price less the value deductions the state allows); a volume-based
fee takes an amount per bbl or Mcf and is shown apart from the taxes. A rule's
rate is replaced by the first of its adjustments whose conditions all hold:
a flag the caller sets (certified exemption, stripper property), production
within N months of first production, a reference price within bounds (a WTI
average, a state's average taxable value). Amounts are rounded to the cent,
half up, line by line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from shared.core.compliance.errors import ComplianceInputError, NoRuleError
from shared.core.compliance.model.deadlines import DueDate, due_date
from shared.core.compliance.model.period import Period
from shared.core.compliance.model.rulebook import (
    Adjustment,
    Product,
    SeveranceRule,
    Source,
    severance_book,
)

CENT = Decimal("0.01")


@dataclass(frozen=True)
class TaxRequest:
    state: str
    product: Product
    volume: Decimal  # bbl for oil and condensate, Mcf for gas
    price: Decimal  # $ per bbl or Mcf
    period: Period
    first_production: Period | None = None
    flags: frozenset[str] = frozenset()
    reference_prices: Mapping[str, Decimal] = field(default_factory=dict)
    value_deductions: Decimal = Decimal(0)  # $ the state lets you deduct from the value


@dataclass(frozen=True)
class TaxLine:
    rule_id: str
    label: str
    kind: str  # "tax" or "fee"
    basis: str  # "value" or "volume"
    unit: str | None
    base: Decimal
    rate: Decimal
    amount: Decimal
    condition: str | None  # the adjustment applied, if any
    source: Source


@dataclass(frozen=True)
class TaxResult:
    request: TaxRequest
    gross_value: Decimal
    taxable_value: Decimal
    lines: tuple[TaxLine, ...]
    due_dates: tuple[DueDate, ...]
    notes: tuple[str, ...]

    @property
    def tax(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.kind == "tax"), Decimal(0))

    @property
    def fees(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.kind == "fee"), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.tax + self.fees

    @property
    def rate(self) -> Decimal:
        """Sum of the value-based tax rates applied."""
        return sum((line.rate for line in self.lines if line.kind == "tax"), Decimal(0))

    @property
    def due_date(self) -> DueDate:
        return min(self.due_dates, key=lambda item: item.due)


def compute_severance(request: TaxRequest) -> TaxResult:
    """Taxes, fees, rate and due dates of ``request``."""
    _check_amounts(request)
    rules = _rules_in_force(request)
    _check_flags_and_references(request)
    gross_value = request.volume * request.price
    if request.value_deductions > gross_value:
        raise ComplianceInputError(
            "value_deductions", f"{request.value_deductions} exceed the value {gross_value}"
        )
    taxable_value = gross_value - request.value_deductions
    notes: list[str] = []
    lines = tuple(_line(rule, request, taxable_value, notes) for rule in rules)
    deadlines = sorted({rule.deadline for rule in rules})
    return TaxResult(
        request=request,
        gross_value=gross_value,
        taxable_value=taxable_value,
        lines=lines,
        due_dates=tuple(due_date(deadline, request.period) for deadline in deadlines),
        notes=tuple(notes),
    )


def states() -> list[str]:
    return sorted({rule.state for rule in severance_book().rules})


def known_flags(state: str, product: Product) -> set[str]:
    return {
        adjustment.flag
        for rule in _rules_of(state, product)
        for adjustment in rule.adjustments
        if adjustment.flag and _adjusts(adjustment, product)
    }


def _check_amounts(request: TaxRequest) -> None:
    for name, value in (
        ("volume", request.volume),
        ("price", request.price),
        ("value_deductions", request.value_deductions),
    ):
        if not value.is_finite() or value < 0:
            raise ComplianceInputError(name, f"must be a number of 0 or more, got {value}")
    if request.first_production is not None and request.first_production > request.period:
        raise ComplianceInputError(
            "first_production",
            f"{request.first_production} is after the production period {request.period}",
        )


def _rules_of(state: str, product: Product) -> list[SeveranceRule]:
    return [
        rule for rule in severance_book().rules if rule.state == state and product in rule.products
    ]


def _rules_in_force(request: TaxRequest) -> list[SeveranceRule]:
    if request.state not in states():
        raise NoRuleError("state", f"'{request.state}' is not one of {', '.join(states())}")
    rules = _rules_of(request.state, request.product)
    if not rules:
        raise NoRuleError("product", f"no {request.product} rules for {request.state}")
    in_force = [rule for rule in rules if rule.in_force(request.period.first_day)]
    if not in_force:
        earliest = min(rule.effective_from for rule in rules)
        raise NoRuleError(
            "period",
            f"no {request.state} {request.product} rule is in force for {request.period}; "
            f"the rules start {earliest:%Y-%m}",
        )
    return in_force


def _check_flags_and_references(request: TaxRequest) -> None:
    flags = known_flags(request.state, request.product)
    unknown = sorted(request.flags - flags)
    if unknown:
        choices = ", ".join(sorted(flags)) or "none"
        raise ComplianceInputError(
            "flags",
            f"{', '.join(unknown)} not known for {request.state} {request.product} ({choices})",
        )
    for name, value in request.reference_prices.items():
        if not value.is_finite() or value < 0:
            raise ComplianceInputError(
                f"reference_prices.{name}", f"must be 0 or more, got {value}"
            )


def _line(
    rule: SeveranceRule, request: TaxRequest, taxable_value: Decimal, notes: list[str]
) -> TaxLine:
    adjustment = _adjustment(rule, request, notes)
    rate = rule.rate if adjustment is None else adjustment.rate
    base = taxable_value if rule.basis == "value" else request.volume
    return TaxLine(
        rule_id=rule.id,
        label=rule.label,
        kind=rule.kind,
        basis=rule.basis,
        unit=rule.unit,
        base=base,
        rate=rate,
        amount=(base * rate).quantize(CENT, ROUND_HALF_UP),
        condition=None if adjustment is None else adjustment.condition,
        source=rule.source if adjustment is None else adjustment.source,
    )


def _adjustment(rule: SeveranceRule, request: TaxRequest, notes: list[str]) -> Adjustment | None:
    for adjustment in rule.adjustments:
        if not _adjusts(adjustment, request.product):
            continue
        if adjustment.flag is not None and adjustment.flag not in request.flags:
            continue
        if adjustment.first_production_within_months is not None and not _within_first_months(
            rule, adjustment, request, notes
        ):
            continue
        if adjustment.reference is not None and not _reference_holds(rule, adjustment, request):
            continue
        return adjustment
    for flag in sorted(request.flags & {a.flag for a in rule.adjustments if a.flag}):
        notes.append(f"{flag}: its condition does not hold, so {rule.label} is at the full rate")
    return None


def _adjusts(adjustment: Adjustment, product: Product) -> bool:
    return adjustment.products is None or product in adjustment.products


def _within_first_months(
    rule: SeveranceRule, adjustment: Adjustment, request: TaxRequest, notes: list[str]
) -> bool:
    months = adjustment.first_production_within_months or 0
    if request.first_production is None:
        notes.append(
            f"first production month not given: {rule.label} at {rule.rate}; "
            f"production in its first {months} months is taxed at {adjustment.rate}"
        )
        return False
    return request.period.months_since(request.first_production) < months


def _reference_holds(rule: SeveranceRule, adjustment: Adjustment, request: TaxRequest) -> bool:
    name = adjustment.reference or ""
    value = request.reference_prices.get(name)
    if value is None:
        raise ComplianceInputError(
            f"reference_prices.{name}",
            f"is needed for the rate of {rule.label}: {adjustment.condition}",
        )
    return (
        (adjustment.above is None or value > adjustment.above)
        and (adjustment.below is None or value < adjustment.below)
        and (adjustment.at_most is None or value <= adjustment.at_most)
    )
