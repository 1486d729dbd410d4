"""Permits (drilling, injection, disposal, flaring, air): status, conditions, expiry.

    draft ──► submitted ──► under_review ──► approved ──► revoked | surrendered
      │           │               │
      └───────────┴───────────────┴──► withdrawn          (submitted/under_review ──► denied)

An approved permit whose `expires_on` has passed is *expired* — a state computed
from the date (`effective_status`), never stored, so no timer has to flip it.
A renewal is a new permit application with `renewal_of` naming the old one;
once one is filed, the old permit's reminders stop.

`expiry_reminders(today)` gives, per approved permit, the nearest reminder lead
(rules/permit_reminders.json: e.g. 90, 30 and 7 days ahead of a drilling
permit's expiry) that has been reached, or an expiry notice; each has a key so
the later step sends it once, and a compliance calendar can list `due_on`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from shared.core.operations.errors import OperationsInputError, StatusChangeError
from shared.core.operations.model import values
from shared.core.operations.model.rulebook import load_rulebook


class PermitType(StrEnum):
    DRILLING = "drilling"
    INJECTION = "injection"
    DISPOSAL = "disposal"
    FLARING = "flaring"
    AIR = "air"


class PermitStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    DENIED = "denied"
    WITHDRAWN = "withdrawn"
    REVOKED = "revoked"
    SURRENDERED = "surrendered"
    EXPIRED = "expired"
    """Computed by `effective_status`; never stored."""


TRANSITIONS: dict[PermitStatus, tuple[PermitStatus, ...]] = {
    PermitStatus.DRAFT: (PermitStatus.SUBMITTED, PermitStatus.WITHDRAWN),
    PermitStatus.SUBMITTED: (
        PermitStatus.UNDER_REVIEW,
        PermitStatus.APPROVED,
        PermitStatus.DENIED,
        PermitStatus.WITHDRAWN,
    ),
    PermitStatus.UNDER_REVIEW: (PermitStatus.APPROVED, PermitStatus.DENIED, PermitStatus.WITHDRAWN),
    PermitStatus.APPROVED: (PermitStatus.REVOKED, PermitStatus.SURRENDERED),
    PermitStatus.DENIED: (),
    PermitStatus.WITHDRAWN: (),
    PermitStatus.REVOKED: (),
    PermitStatus.SURRENDERED: (),
    PermitStatus.EXPIRED: (),
}
_DEAD = frozenset({PermitStatus.DENIED, PermitStatus.WITHDRAWN})


@dataclass(frozen=True, slots=True)
class Condition:
    """A condition of approval, e.g. "submit a mechanical integrity test by …"."""

    text: str
    due_on: date | None = None
    met: bool = False


@dataclass(frozen=True)
class Permit:
    permit_id: str
    permit_type: PermitType
    agency: str
    status: PermitStatus = PermitStatus.DRAFT
    number: str | None = None
    well_id: str | None = None
    facility_id: str | None = None
    conditions: tuple[Condition, ...] = ()
    issued_on: date | None = None
    expires_on: date | None = None
    renewal_of: str | None = None


def new_permit(permit: Permit) -> Permit:
    """A checked draft; `OperationsInputError` naming the field otherwise."""
    if permit.status is not PermitStatus.DRAFT:
        raise OperationsInputError("status", "a new permit starts as a draft")
    if permit.well_id is None and permit.facility_id is None:
        raise OperationsInputError("well_id", "a permit is for a well or a facility")
    checked = tuple(
        Condition(
            values.text(c.text, f"conditions.{i}.text", 2000),
            _day(c.due_on, f"conditions.{i}.due_on"),
            c.met,
        )
        for i, c in enumerate(permit.conditions)
    )
    return replace(
        permit,
        permit_id=values.text(permit.permit_id, "permit_id", 64),
        agency=values.text(permit.agency, "agency", 100),
        conditions=checked,
    )


def _day(value: date | None, field: str) -> date | None:
    return None if value is None else values.day(value, field)


def change_status(permit: Permit, to: PermitStatus) -> Permit:
    allowed = TRANSITIONS[permit.status]
    if to not in allowed or to is PermitStatus.APPROVED:
        raise StatusChangeError(
            "permit", permit.status, to, [s for s in allowed if s is not PermitStatus.APPROVED]
        )
    return replace(permit, status=to)


def approve(permit: Permit, number: str, issued_on: date, expires_on: date | None) -> Permit:
    """The agency approved: it gave the permit number, issue date and (usually) expiry."""
    if PermitStatus.APPROVED not in TRANSITIONS[permit.status]:
        raise StatusChangeError(
            "permit", permit.status, PermitStatus.APPROVED, list(TRANSITIONS[permit.status])
        )
    values.day(issued_on, "issued_on")
    if expires_on is not None and values.day(expires_on, "expires_on") <= issued_on:
        raise OperationsInputError("expires_on", "must be after issued_on")
    number = values.text(number, "number", 64)
    return replace(
        permit,
        status=PermitStatus.APPROVED,
        number=number,
        issued_on=issued_on,
        expires_on=expires_on,
    )


def meet_condition(permit: Permit, index: int) -> Permit:
    if not 0 <= index < len(permit.conditions):
        raise OperationsInputError("condition", f"no condition {index}")
    met = replace(permit.conditions[index], met=True)
    return replace(
        permit, conditions=(*permit.conditions[:index], met, *permit.conditions[index + 1 :])
    )


def effective_status(permit: Permit, today: date) -> PermitStatus:
    if (
        permit.status is PermitStatus.APPROVED
        and permit.expires_on is not None
        and today >= permit.expires_on
    ):
        return PermitStatus.EXPIRED
    return permit.status


# --- reminders ---------------------------------------------------------------------------


class ReminderPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str
    lead_days: dict[PermitType, tuple[int, ...]]
    condition_lead_days: int = Field(ge=0, le=365)


def default_reminder_policy() -> ReminderPolicy:
    return load_rulebook("permit_reminders.json", ReminderPolicy)


class ReminderKind(StrEnum):
    EXPIRING = "expiring"
    EXPIRED = "expired"
    CONDITION_DUE = "condition_due"


@dataclass(frozen=True)
class PermitReminder:
    permit_id: str
    kind: ReminderKind
    due_on: date
    """When this reminder became due (a compliance calendar shows it then)."""
    deadline: date
    """The expiry, or the condition's due date."""
    lead_days: int
    detail: str = ""

    @property
    def reminder_key(self) -> str:
        """Send each once: one key per permit, kind, lead (or condition)."""
        return f"{self.permit_id}/{self.kind}/{self.lead_days}/{self.detail}"


def expiry_reminders(
    permits: Sequence[Permit], today: date, policy: ReminderPolicy
) -> list[PermitReminder]:
    """Reminders due as of `today`: the nearest expiry lead reached per approved permit
    (or its expiry), and conditions due within the condition lead time."""
    renewed = {p.renewal_of for p in permits if p.renewal_of and p.status not in _DEAD}
    reminders: list[PermitReminder] = []
    for permit in permits:
        if permit.status is not PermitStatus.APPROVED:
            continue
        reminders += _conditions_due(permit, today, policy.condition_lead_days)
        if permit.expires_on is None or permit.permit_id in renewed:
            continue
        reminder = _expiry(
            permit, permit.expires_on, today, policy.lead_days.get(permit.permit_type, ())
        )
        if reminder is not None:
            reminders.append(reminder)
    return sorted(reminders, key=lambda r: (r.deadline, r.permit_id, r.kind))


def _expiry(
    permit: Permit, expires: date, today: date, leads: Iterable[int]
) -> PermitReminder | None:
    if today >= expires:
        return PermitReminder(permit.permit_id, ReminderKind.EXPIRED, expires, expires, 0)
    reached = [lead for lead in leads if today >= expires - timedelta(days=lead)]
    if not reached:
        return None
    lead = min(reached)
    return PermitReminder(
        permit.permit_id, ReminderKind.EXPIRING, expires - timedelta(days=lead), expires, lead
    )


def _conditions_due(permit: Permit, today: date, lead: int) -> list[PermitReminder]:
    return [
        PermitReminder(
            permit.permit_id,
            ReminderKind.CONDITION_DUE,
            condition.due_on - timedelta(days=lead),
            condition.due_on,
            lead,
            detail=str(i),
        )
        for i, condition in enumerate(permit.conditions)
        if condition.due_on is not None
        and not condition.met
        and today >= condition.due_on - timedelta(days=lead)
    ]
