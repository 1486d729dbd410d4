"""AFEs (authorizations for expenditure): estimate, actual costs, budget versus actual.

An AFE estimates a job by cost category (Decimal). Once approved (afe_approval.py),
actual costs are posted against it by category; afe_budget.py compares them with
the estimate and raises overrun alerts.

    draft ──submit──► submitted ──(every level approves)──► approved ──► closed
      ▲                    │
      └──── revise ─── rejected (any level rejects)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.core.operations.errors import OperationsConflictError, OperationsInputError
from shared.core.operations.model import values
from shared.core.operations.model.rulebook import load_rulebook


class AfeStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    CLOSED = "closed"


class Election(StrEnum):
    PENDING = "pending"
    CONSENT = "consent"
    NON_CONSENT = "non_consent"


# --- policy (rules/afe_policy.json) -----------------------------------------------------


class CategoryDef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    name: str


class LevelDef(BaseModel):
    """An approval level: needed when the AFE's total reaches `from_amount`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    role: str = Field(pattern=r"^[A-Z_]{1,32}$")
    from_amount: Decimal = Field(ge=0)
    reminder_after_hours: int = Field(ge=1, le=24 * 90)
    remind_every_hours: int = Field(ge=1, le=24 * 90)


class OverrunDef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    at_percent: Decimal = Field(gt=0, le=1000)
    level: str = Field(pattern=r"^[a-z_]{1,32}$")


class AfePolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str
    categories: tuple[CategoryDef, ...] = Field(min_length=1)
    levels: tuple[LevelDef, ...] = Field(min_length=1)
    overrun_alerts: tuple[OverrunDef, ...]
    partner_election_days: int = Field(ge=1, le=365)
    partner_election_source: str

    @field_validator("levels")
    @classmethod
    def _levels_in_order(cls, levels: tuple[LevelDef, ...]) -> tuple[LevelDef, ...]:
        amounts = [level.from_amount for level in levels]
        if amounts != sorted(amounts) or amounts[0] != 0:
            raise ValueError("levels go by rising from_amount, the first from 0")
        return levels

    @field_validator("overrun_alerts")
    @classmethod
    def _thresholds_in_order(cls, alerts: tuple[OverrunDef, ...]) -> tuple[OverrunDef, ...]:
        percents = [a.at_percent for a in alerts]
        if percents != sorted(set(percents)):
            raise ValueError("overrun thresholds go by rising at_percent, each once")
        return alerts

    @property
    def category_codes(self) -> frozenset[str]:
        return frozenset(c.code for c in self.categories)


def default_afe_policy() -> AfePolicy:
    return load_rulebook("afe_policy.json", AfePolicy)


# --- the AFE ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EstimateLine:
    category: str
    amount: Decimal
    note: str = ""


@dataclass(frozen=True, slots=True)
class ActualCost:
    category: str
    amount: Decimal
    posted_at: datetime
    reference: str = ""
    """The invoice or ticket the cost comes from."""


@dataclass(frozen=True, slots=True)
class Decision:
    level: int
    role: str
    by: str
    approved: bool
    at: datetime
    note: str = ""


@dataclass(frozen=True, slots=True)
class PartnerInterest:
    """A non-operating working-interest owner whose consent the AFE needs."""

    partner_id: str
    working_interest: Decimal
    election: Election = Election.PENDING
    elected_at: datetime | None = None


@dataclass(frozen=True)
class Afe:
    afe_id: str
    number: str
    title: str
    estimate: tuple[EstimateLine, ...]
    created_at: datetime
    status: AfeStatus = AfeStatus.DRAFT
    well_id: str | None = None
    lease_id: str | None = None
    partners: tuple[PartnerInterest, ...] = ()
    levels: tuple[LevelDef, ...] = ()
    """The approval levels this AFE needs, fixed when it is submitted."""
    submitted_at: datetime | None = None
    decisions: tuple[Decision, ...] = ()
    approved_at: datetime | None = None
    actuals: tuple[ActualCost, ...] = ()

    @property
    def total_estimate(self) -> Decimal:
        return sum((line.amount for line in self.estimate), Decimal(0))

    @property
    def total_actual(self) -> Decimal:
        return sum((cost.amount for cost in self.actuals), Decimal(0))


@dataclass(frozen=True)
class NewAfe:
    afe_id: str
    number: str
    title: str
    estimate: Sequence[EstimateLine]
    well_id: str | None = None
    lease_id: str | None = None
    partners: Sequence[PartnerInterest] = ()


def draft_afe(new: NewAfe, policy: AfePolicy, now: datetime) -> Afe:
    """A checked draft AFE; `OperationsInputError` naming the field otherwise."""
    if new.well_id is None and new.lease_id is None:
        raise OperationsInputError("well_id", "an AFE is for a well or a lease")
    return Afe(
        afe_id=values.text(new.afe_id, "afe_id", 64),
        number=values.text(new.number, "number", 64),
        title=values.text(new.title, "title"),
        estimate=check_estimate(new.estimate, policy),
        created_at=values.moment(now, "created_at"),
        well_id=new.well_id,
        lease_id=new.lease_id,
        partners=_check_partners(new.partners),
    )


def check_estimate(lines: Sequence[EstimateLine], policy: AfePolicy) -> tuple[EstimateLine, ...]:
    if not lines:
        raise OperationsInputError("estimate", "needs at least one category")
    seen: set[str] = set()
    checked = []
    for i, line in enumerate(lines):
        if line.category not in policy.category_codes:
            known = ", ".join(sorted(policy.category_codes))
            raise OperationsInputError(f"estimate.{i}.category", f"must be one of {known}")
        if line.category in seen:
            raise OperationsInputError(f"estimate.{i}.category", f"{line.category} appears twice")
        seen.add(line.category)
        amount = values.money(line.amount, f"estimate.{i}.amount")
        checked.append(
            EstimateLine(
                line.category, amount, values.text(line.note, f"estimate.{i}.note", required=False)
            )
        )
    if sum((line.amount for line in checked), Decimal(0)) <= 0:
        raise OperationsInputError("estimate", "the total must be above 0")
    return tuple(checked)


def _check_partners(partners: Sequence[PartnerInterest]) -> tuple[PartnerInterest, ...]:
    total = Decimal(0)
    ids: set[str] = set()
    for i, partner in enumerate(partners):
        interest = values.money(partner.working_interest, f"partners.{i}.working_interest", 8)
        if not 0 < interest < 1:
            raise OperationsInputError(
                f"partners.{i}.working_interest", "must be a fraction between 0 and 1"
            )
        if partner.partner_id in ids:
            raise OperationsInputError(f"partners.{i}.partner_id", "appears twice")
        ids.add(partner.partner_id)
        total += interest
    if total >= 1:
        raise OperationsInputError(
            "partners", "non-operated interests must leave the operator a share"
        )
    return tuple(PartnerInterest(p.partner_id, p.working_interest) for p in partners)


def post_actual(afe: Afe, cost: ActualCost, policy: AfePolicy) -> Afe:
    """Record an actual cost; only an approved AFE takes costs."""
    if afe.status is not AfeStatus.APPROVED:
        raise OperationsConflictError(
            f"AFE {afe.number} is {afe.status}; only an approved AFE takes costs"
        )
    if cost.category not in policy.category_codes:
        raise OperationsInputError(
            "category", f"must be one of {', '.join(sorted(policy.category_codes))}"
        )
    checked = ActualCost(
        cost.category,
        values.money(cost.amount, "amount"),
        values.moment(cost.posted_at, "posted_at"),
        values.text(cost.reference, "reference", 100, required=False),
    )
    return replace(afe, actuals=(*afe.actuals, checked))


def close_afe(afe: Afe) -> Afe:
    if afe.status is not AfeStatus.APPROVED:
        raise OperationsConflictError(
            f"AFE {afe.number} is {afe.status}; only an approved AFE closes"
        )
    return replace(afe, status=AfeStatus.CLOSED)
