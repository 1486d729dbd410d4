"""Due dates of filings and payments, from the effective-dated rules in ``deadlines.json``.

A monthly obligation for production month P is due on a day of the month
``months_after`` P (``day`` or the month's last day). A yearly one counts from
December of the reporting year. Where sources disagree (Texas Form PR), the
obligation carries several variants; the tenant picks one and the default is
documented with its reason in the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.core.compliance.errors import NoRuleError
from shared.core.compliance.model.period import Period
from shared.core.compliance.model.rulebook import DeadlineRule, Obligation, Source, deadline_book


@dataclass(frozen=True)
class DueDate:
    obligation: str
    label: str
    agency: str
    period: Period
    variant: str
    due: date
    source: Source


def obligations() -> tuple[Obligation, ...]:
    return deadline_book().obligations


def due_date(obligation_id: str, period: Period, variant: str | None = None) -> DueDate:
    """When ``obligation_id`` for production ``period`` is due (for yearly ones, its year)."""
    obligation = _obligation(obligation_id)
    anchor = period if obligation.frequency == "monthly" else Period(period.year, 12)
    rule = _rule(obligation, anchor, variant)
    month = anchor.plus_months(rule.months_after)
    day = month.last_day if rule.day == "last" else month.day(rule.day)
    return DueDate(
        obligation.id, obligation.label, obligation.agency, period, rule.variant, day, rule.source
    )


def _obligation(obligation_id: str) -> Obligation:
    for obligation in obligations():
        if obligation.id == obligation_id:
            return obligation
    known = ", ".join(item.id for item in obligations())
    raise NoRuleError("obligation", f"'{obligation_id}' is not one of {known}")


def _rule(obligation: Obligation, anchor: Period, variant: str | None) -> DeadlineRule:
    in_force = [rule for rule in obligation.rules if rule.in_force(anchor.first_day)]
    if not in_force:
        raise NoRuleError("period", f"no {obligation.id} rule is in force for {anchor}")
    if variant is None:
        return next((rule for rule in in_force if rule.default), in_force[0])
    for rule in in_force:
        if rule.variant == variant:
            return rule
    known = ", ".join(rule.variant for rule in in_force)
    raise NoRuleError("variant", f"'{variant}' is not a variant of {obligation.id} ({known})")
