"""The AFE approval saga: each level in order, reminders, and partners' consent.

On `submit`, the AFE's total fixes the levels it needs (every policy level whose
`from_amount` it reaches, in order). Each level is decided by its role only
(`ApprovalRoleError`, a 403, for any other); the first rejection ends the saga
(rejected; `revise` brings it back to draft), the last approval approves it.
A level that waits is reminded `reminder_after_hours` after it became current,
then every `remind_every_hours`; `reminder_due(now)` says which reminder (by
ordinal) is due, so the later step sends each one once.

Partners with a non-operated working interest elect to consent or not once the
AFE is approved, within `partner_election_days`; one who has not answered by
then is deemed non-consenting (AAPL Form 610, recalled: the tenant's JOA rules).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from shared.core.operations.errors import (
    ApprovalOrderError,
    ApprovalRoleError,
    OperationsConflictError,
    OperationsInputError,
)
from shared.core.operations.model import values
from shared.core.operations.model.afe import (
    Afe,
    AfePolicy,
    AfeStatus,
    Decision,
    Election,
    EstimateLine,
    LevelDef,
    check_estimate,
)


def required_levels(total: Decimal, policy: AfePolicy) -> tuple[LevelDef, ...]:
    return tuple(level for level in policy.levels if total >= level.from_amount)


def submit(afe: Afe, policy: AfePolicy, now: datetime) -> Afe:
    if afe.status is not AfeStatus.DRAFT:
        raise ApprovalOrderError("AFE", afe.status, AfeStatus.SUBMITTED, _allowed(afe))
    return replace(
        afe,
        status=AfeStatus.SUBMITTED,
        levels=required_levels(afe.total_estimate, policy),
        submitted_at=values.moment(now, "submitted_at"),
        decisions=(),
    )


def current_level(afe: Afe) -> int | None:
    """The number of the level that decides next (0-based); None unless submitted."""
    if afe.status is not AfeStatus.SUBMITTED:
        return None
    return len(afe.decisions)


def decide(afe: Afe, role: str, by: str, approve: bool, now: datetime, note: str = "") -> Afe:
    """Record the current level's decision; refuse another role or an AFE not waiting."""
    level = current_level(afe)
    if level is None:
        requested = AfeStatus.APPROVED if approve else AfeStatus.REJECTED
        raise ApprovalOrderError("AFE", afe.status, requested, _allowed(afe))
    required = afe.levels[level].role
    if role != required:
        raise ApprovalRoleError(level, required, role)
    last = afe.decisions[-1].at if afe.decisions else afe.submitted_at
    if last is not None and now < last:
        raise OperationsInputError("at", "must not be before the previous step")
    if not approve and not note.strip():
        raise OperationsInputError("note", "a rejection says why")
    decision = Decision(
        level,
        role,
        by,
        approve,
        values.moment(now, "at"),
        values.text(note, "note", 2000, required=False),
    )
    decided = replace(afe, decisions=(*afe.decisions, decision))
    if not approve:
        return replace(decided, status=AfeStatus.REJECTED)
    if level + 1 == len(afe.levels):
        return replace(decided, status=AfeStatus.APPROVED, approved_at=now)
    return decided


def revise(afe: Afe, estimate: Sequence[EstimateLine] | None, policy: AfePolicy) -> Afe:
    """A rejected AFE back to draft, with a new estimate if given."""
    if afe.status is not AfeStatus.REJECTED:
        raise ApprovalOrderError("AFE", afe.status, AfeStatus.DRAFT, _allowed(afe))
    lines = afe.estimate if estimate is None else check_estimate(estimate, policy)
    return replace(afe, status=AfeStatus.DRAFT, estimate=lines, levels=(), submitted_at=None)


def _allowed(afe: Afe) -> list[str]:
    allowed: dict[AfeStatus, list[str]] = {
        AfeStatus.DRAFT: [AfeStatus.SUBMITTED],
        AfeStatus.SUBMITTED: [AfeStatus.APPROVED, AfeStatus.REJECTED],
        AfeStatus.REJECTED: [AfeStatus.DRAFT],
        AfeStatus.APPROVED: [AfeStatus.CLOSED],
        AfeStatus.CLOSED: [],
    }
    return allowed[afe.status]


# --- reminders -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    afe_id: str
    level: int
    role: str
    waiting_since: datetime
    ordinal: int
    """1 for the first reminder of this level, 2 for the next… (send each once)."""

    @property
    def reminder_key(self) -> str:
        return f"{self.afe_id}/{self.level}/{self.ordinal}"


def reminder_due(afe: Afe, now: datetime) -> Reminder | None:
    """The latest reminder due for the level that waits, as of `now`; None if none is."""
    level = current_level(afe)
    if level is None or afe.submitted_at is None:
        return None
    since = afe.decisions[-1].at if afe.decisions else afe.submitted_at
    spec = afe.levels[level]
    first = since + timedelta(hours=spec.reminder_after_hours)
    if now < first:
        return None
    ordinal = 1 + (now - first) // timedelta(hours=spec.remind_every_hours)
    return Reminder(afe.afe_id, level, spec.role, since, ordinal)


# --- partners' consent ---------------------------------------------------------------------


def elect(afe: Afe, partner_id: str, election: Election, now: datetime) -> Afe:
    """A partner's election on an approved AFE; once per partner."""
    if afe.status is not AfeStatus.APPROVED:
        raise OperationsConflictError(
            f"AFE {afe.number} is {afe.status}; partners elect on an approved AFE"
        )
    if election is Election.PENDING:
        raise OperationsInputError("election", "must be consent or non_consent")
    for i, partner in enumerate(afe.partners):
        if partner.partner_id != partner_id:
            continue
        if partner.election is not Election.PENDING:
            raise OperationsConflictError(
                f"partner {partner_id} already elected {partner.election}"
            )
        elected = replace(partner, election=election, elected_at=values.moment(now, "at"))
        partners = (*afe.partners[:i], elected, *afe.partners[i + 1 :])
        return replace(afe, partners=partners)
    raise OperationsInputError("partner_id", f"{partner_id} holds no interest in this AFE")


@dataclass(frozen=True)
class ConsentSummary:
    consented: Decimal
    non_consented: Decimal
    pending: Decimal
    deadline: datetime | None
    complete: bool
    """Every partner has elected, or the deadline passed (the silent ones deemed non-consent)."""


def consent_summary(afe: Afe, policy: AfePolicy, now: datetime) -> ConsentSummary:
    deadline = None
    if afe.approved_at is not None:
        deadline = afe.approved_at + timedelta(days=policy.partner_election_days)
    expired = deadline is not None and now >= deadline
    totals = {election: Decimal(0) for election in Election}
    for partner in afe.partners:
        late = (
            partner.elected_at is not None
            and deadline is not None
            and partner.elected_at > deadline
        )
        election = Election.NON_CONSENT if late else partner.election
        if election is Election.PENDING and expired:
            election = Election.NON_CONSENT
        totals[election] += partner.working_interest
    complete = afe.approved_at is not None and totals[Election.PENDING] == 0
    return ConsentSummary(
        totals[Election.CONSENT],
        totals[Election.NON_CONSENT],
        totals[Election.PENDING],
        deadline,
        complete,
    )
