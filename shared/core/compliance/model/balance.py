"""Month-end balance of one lease and product, checked like the state's own rejections.

The checks mirror the rejection rules production reports meet (RRC's
"disposition exceeds produced", Nebraska's eReport list): inventory out of
balance, dispositions above what was available, an opening inventory that is
not last month's closing, sales without a purchaser, more producing days than
the month has, a refiling not flagged as amended. Each failure is a
:class:`Problem` carrying the numbers behind it; an empty list means the month
balances. Volumes are exact decimals (bbl or Mcf) and compared exactly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from shared.core.compliance.model.period import Period


class DispositionKind(StrEnum):
    SOLD = "sold"
    USED_ON_LEASE = "used_on_lease"
    FLARED = "flared"
    VENTED = "vented"
    INJECTED = "injected"
    LOST = "lost"
    TRANSFERRED = "transferred"
    OTHER = "other"


class ProblemCode(StrEnum):
    NEGATIVE_VOLUME = "negative_volume"
    OUT_OF_BALANCE = "inventory_out_of_balance"
    DISPOSED_ABOVE_AVAILABLE = "disposition_exceeds_available"
    OPENING_NOT_LAST_CLOSING = "opening_not_last_closing"
    SALE_WITHOUT_PURCHASER = "sale_without_purchaser"
    PRODUCING_DAYS_ABOVE_MONTH = "producing_days_exceed_month"
    REFILING_NOT_AMENDED = "refiling_not_amended"


@dataclass(frozen=True)
class Disposition:
    kind: DispositionKind
    volume: Decimal
    purchaser: str | None = None


@dataclass(frozen=True)
class LeaseMonth:
    """One lease's month for one product (oil in bbl, gas in Mcf)."""

    lease_id: str
    period: Period
    opening_inventory: Decimal
    produced: Decimal
    dispositions: Sequence[Disposition]
    closing_inventory: Decimal
    producing_days: int
    previous_closing: Decimal | None = None  # last month's closing, when it was reported
    previously_filed: bool = False
    amended: bool = False

    @property
    def disposed(self) -> Decimal:
        return sum((item.volume for item in self.dispositions), Decimal(0))


@dataclass(frozen=True)
class Problem:
    code: ProblemCode
    field: str
    message: str
    numbers: dict[str, Decimal] = dataclasses.field(default_factory=dict)


def check_month(month: LeaseMonth) -> list[Problem]:
    """Every rule the month breaks, in a fixed order; empty when it balances."""
    negative = _negative_volumes(month)
    if negative:
        return negative
    return [
        *_balance(month),
        *_available(month),
        *_continuity(month),
        *_purchasers(month),
        *_producing_days(month),
        *_refiling(month),
    ]


def _negative_volumes(month: LeaseMonth) -> list[Problem]:
    values = {
        "opening_inventory": month.opening_inventory,
        "produced": month.produced,
        "closing_inventory": month.closing_inventory,
        **{f"dispositions[{i}].volume": item.volume for i, item in enumerate(month.dispositions)},
    }
    return [
        Problem(
            ProblemCode.NEGATIVE_VOLUME, name, f"{name} is negative ({value})", {"value": value}
        )
        for name, value in values.items()
        if value < 0
    ]


def _balance(month: LeaseMonth) -> list[Problem]:
    expected = month.opening_inventory + month.produced - month.disposed
    if month.closing_inventory == expected:
        return []
    numbers = {
        "opening": month.opening_inventory,
        "produced": month.produced,
        "disposed": month.disposed,
        "closing": month.closing_inventory,
        "expected_closing": expected,
        "difference": month.closing_inventory - expected,
    }
    message = (
        f"closing {month.closing_inventory} differs from opening {month.opening_inventory} "
        f"+ produced {month.produced} - disposed {month.disposed} = {expected}"
    )
    return [Problem(ProblemCode.OUT_OF_BALANCE, "closing_inventory", message, numbers)]


def _available(month: LeaseMonth) -> list[Problem]:
    available = month.opening_inventory + month.produced
    if month.disposed <= available:
        return []
    numbers = {
        "disposed": month.disposed,
        "available": available,
        "excess": month.disposed - available,
    }
    message = (
        f"dispositions {month.disposed} exceed opening {month.opening_inventory} "
        f"+ produced {month.produced} = {available}"
    )
    return [Problem(ProblemCode.DISPOSED_ABOVE_AVAILABLE, "dispositions", message, numbers)]


def _continuity(month: LeaseMonth) -> list[Problem]:
    if month.previous_closing is None or month.previous_closing == month.opening_inventory:
        return []
    numbers = {"opening": month.opening_inventory, "previous_closing": month.previous_closing}
    message = (
        f"opening {month.opening_inventory} is not last month's closing {month.previous_closing}"
    )
    return [Problem(ProblemCode.OPENING_NOT_LAST_CLOSING, "opening_inventory", message, numbers)]


def _purchasers(month: LeaseMonth) -> list[Problem]:
    return [
        Problem(
            ProblemCode.SALE_WITHOUT_PURCHASER,
            f"dispositions[{index}].purchaser",
            f"a sale of {item.volume} has no purchaser",
            {"volume": item.volume},
        )
        for index, item in enumerate(month.dispositions)
        if item.kind is DispositionKind.SOLD and not (item.purchaser or "").strip()
    ]


def _producing_days(month: LeaseMonth) -> list[Problem]:
    days = month.period.days
    if 0 <= month.producing_days <= days:
        return []
    numbers = {"producing_days": Decimal(month.producing_days), "days_in_month": Decimal(days)}
    message = f"{month.producing_days} producing days in {month.period}, which has {days} days"
    return [Problem(ProblemCode.PRODUCING_DAYS_ABOVE_MONTH, "producing_days", message, numbers)]


def _refiling(month: LeaseMonth) -> list[Problem]:
    if not month.previously_filed or month.amended:
        return []
    message = (
        f"{month.period} was already filed for lease {month.lease_id}; a refiling must be amended"
    )
    return [Problem(ProblemCode.REFILING_NOT_AMENDED, "amended", message)]
