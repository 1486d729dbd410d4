"""Owner revenue: decimal interests, net revenue and its distribution to the cent.

Division orders give each owner a decimal interest (royalty, overriding
royalty, working interest) per product and effective dates. For every product
and every day the interests in force must sum to exactly 1 (exact decimals,
no tolerance). A month's net revenue is sales × price less taxes and the
allowed deductions, in cents; it is split by the interests in force on the
first day of the production month with the largest-remainder method, so the
owners' amounts sum to the net exactly (ties by owner id). Owners without a
tax id or address, without an owner record, or on hold go to suspense: their
amounts are computed but not paid.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from shared.core.compliance.errors import ComplianceInputError, InterestsTotalError
from shared.core.compliance.model.apportion import apportion
from shared.core.compliance.model.period import Period
from shared.core.compliance.model.rulebook import Product

CENT = Decimal("0.01")
ONE = Decimal(1)


class InterestType(StrEnum):
    ROYALTY = "royalty"
    OVERRIDING_ROYALTY = "overriding_royalty"
    WORKING = "working"


@dataclass(frozen=True)
class InterestLine:
    owner_id: str
    interest_type: InterestType
    product: Product
    decimal_interest: Decimal
    effective_from: date
    effective_to: date | None = None

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


@dataclass(frozen=True)
class Owner:
    owner_id: str
    name: str
    tax_id: str | None = None
    address: str | None = None
    hold_reason: str | None = None  # e.g. title dispute, returned mail

    def suspense_reasons(self) -> list[str]:
        reasons = [
            f"missing {name}"
            for name, value in (("tax id", self.tax_id), ("address", self.address))
            if not (value or "").strip()
        ]
        if self.hold_reason:
            reasons.append(self.hold_reason)
        return reasons


@dataclass(frozen=True)
class Sale:
    product: Product
    volume: Decimal
    price: Decimal
    taxes: Decimal = Decimal(0)
    deductions: Mapping[str, Decimal] = field(default_factory=dict)  # allowed deductions, $ by name


@dataclass(frozen=True)
class NetRevenue:
    gross: Decimal
    taxes: Decimal
    deductions: Decimal
    net: Decimal


@dataclass(frozen=True)
class OwnerShare:
    owner_id: str
    decimal_interest: Decimal
    amount: Decimal
    suspense_reasons: tuple[str, ...] = ()

    @property
    def in_suspense(self) -> bool:
        return bool(self.suspense_reasons)


@dataclass(frozen=True)
class Distribution:
    revenue: NetRevenue
    shares: tuple[OwnerShare, ...]

    @property
    def payable(self) -> Decimal:
        return sum((share.amount for share in self.shares if not share.in_suspense), Decimal(0))

    @property
    def suspense(self) -> Decimal:
        return sum((share.amount for share in self.shares if share.in_suspense), Decimal(0))


def check_interests(lines: Sequence[InterestLine]) -> None:
    """Every product's interests sum to exactly 1 on every day any of them is in force."""
    for index, line in enumerate(lines):
        _check_line(index, line)
    for product in sorted({line.product for line in lines}):
        of_product = [line for line in lines if line.product is product]
        for day in _boundaries(of_product):
            in_force = [line for line in of_product if line.in_force(day)]
            total = sum((line.decimal_interest for line in in_force), Decimal(0))
            if in_force and total != ONE:
                raise InterestsTotalError(
                    f"interests[{product}]",
                    f"{product} interests in force on {day} sum to {total}, not exactly 1",
                    {"total": total, "difference": total - ONE},
                )


def interests_in_force(
    lines: Iterable[InterestLine], product: Product, day: date
) -> dict[str, Decimal]:
    """Each owner's total decimal interest in ``product`` on ``day``."""
    interests: dict[str, Decimal] = {}
    for line in lines:
        if line.product is product and line.in_force(day):
            interests[line.owner_id] = (
                interests.get(line.owner_id, Decimal(0)) + line.decimal_interest
            )
    return interests


def net_revenue(sale: Sale) -> NetRevenue:
    """Sales × price less taxes and deductions, in cents (half up)."""
    amounts = {"volume": sale.volume, "price": sale.price, "taxes": sale.taxes}
    amounts.update({f"deductions.{name}": value for name, value in sale.deductions.items()})
    for name, value in amounts.items():
        if not value.is_finite() or value < 0:
            raise ComplianceInputError(name, f"must be a number of 0 or more, got {value}")
    gross = _cents(sale.volume * sale.price)
    taxes = _cents(sale.taxes)
    deductions = sum((_cents(value) for value in sale.deductions.values()), Decimal(0))
    net = gross - taxes - deductions
    if net < 0:
        raise ComplianceInputError(
            "deductions",
            f"taxes {taxes} and deductions {deductions} exceed the gross revenue {gross}",
        )
    return NetRevenue(gross, taxes, deductions, net)


def distribute(
    sale: Sale,
    lines: Sequence[InterestLine],
    owners: Mapping[str, Owner],
    period: Period,
) -> Distribution:
    """Net revenue of ``sale`` split among the owners in force on the first day of ``period``."""
    check_interests(lines)
    revenue = net_revenue(sale)
    interests = interests_in_force(lines, sale.product, period.first_day)
    if not interests:
        raise InterestsTotalError(
            f"interests[{sale.product}]",
            f"no {sale.product} interests in force on {period.first_day}",
        )
    amounts = apportion(revenue.net, interests, CENT, field=f"interests[{sale.product}]")
    shares = tuple(
        OwnerShare(
            owner_id=owner_id,
            decimal_interest=interests[owner_id],
            amount=amount,
            suspense_reasons=tuple(
                owners[owner_id].suspense_reasons() if owner_id in owners else ["no owner record"]
            ),
        )
        for owner_id, amount in amounts.items()
    )
    return Distribution(revenue, shares)


def _check_line(index: int, line: InterestLine) -> None:
    where = f"interests[{index}]"
    if not line.owner_id.strip():
        raise ComplianceInputError(f"{where}.owner_id", "must not be empty")
    if not line.decimal_interest.is_finite() or not Decimal(0) < line.decimal_interest <= ONE:
        raise ComplianceInputError(
            f"{where}.decimal_interest",
            f"must be above 0 and at most 1, got {line.decimal_interest}",
        )
    if line.effective_to is not None and line.effective_to < line.effective_from:
        raise ComplianceInputError(f"{where}.effective_to", "is before effective_from")


def _boundaries(lines: Iterable[InterestLine]) -> list[date]:
    """The days on which the set of lines in force can change."""
    days = set()
    for line in lines:
        days.add(line.effective_from)
        if line.effective_to is not None:
            days.add(line.effective_to + timedelta(days=1))
    return sorted(days)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)
