"""Which agencies to notify of an incident, and by when (rules/incident_notifications.json).

A rule applies to an incident when every condition it sets holds: the
jurisdiction ("US" everywhere, a state code where the incident is), the kind,
the materials, a volume threshold over the matching releases (strictly more than
the amount unless `inclusive`), the waters reached. Deadlines run from the
discovery: `immediately` (due at once, overdue from then on), `hours` after it,
or none (a follow-up the rule gives no number of days for).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from shared.core.operations.model.incidents import (
    Incident,
    IncidentKind,
    Material,
    Unit,
    WaterContact,
)
from shared.core.operations.model.rulebook import load_rulebook


class VolumeThreshold(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    amount: Decimal = Field(ge=0)
    unit: Unit
    inclusive: bool = False


class Deadline(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    immediately: bool = False
    hours: int | None = Field(None, ge=1, le=24 * 365)


class NotificationRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    rule_id: str = Field(pattern=r"^[a-z0-9-]{1,64}$")
    jurisdiction: str = Field(pattern=r"^[A-Z]{2}$")
    agency: str
    action: str
    kinds: tuple[IncidentKind, ...] = Field(min_length=1)
    materials: tuple[Material, ...] | None = None
    min_volume: VolumeThreshold | None = None
    water: tuple[WaterContact, ...] | None = None
    sensitive_area: bool | None = None
    deadline: Deadline
    source: str
    source_url: str
    confirmed: bool
    effective_from: date | None = None
    effective_to: date | None = None
    note: str = ""

    def applies_to(self, incident: Incident) -> bool:
        return (
            self.jurisdiction in {"US", incident.location.state}
            and self._in_force(incident.discovered_at.date())
            and incident.kind in self.kinds
            and self._materials_match(incident)
            and (self.water is None or incident.water in self.water)
            and (self.sensitive_area is None or incident.sensitive_area == self.sensitive_area)
        )

    def _in_force(self, day: date) -> bool:
        after = self.effective_from is None or day >= self.effective_from
        return after and (self.effective_to is None or day <= self.effective_to)

    def _materials_match(self, incident: Incident) -> bool:
        materials = frozenset(self.materials or Material)
        if self.materials is not None and not any(
            r.material in materials for r in incident.releases
        ):
            return False
        threshold = self.min_volume
        if threshold is None:
            return True
        volume = incident.released(materials, threshold.unit)
        return volume >= threshold.amount if threshold.inclusive else volume > threshold.amount


class NotificationRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    description: str
    rules: tuple[NotificationRule, ...]


def default_notification_rules() -> NotificationRules:
    return load_rulebook("incident_notifications.json", NotificationRules)


@dataclass(frozen=True)
class NotificationDue:
    rule_id: str
    agency: str
    action: str
    immediately: bool
    due_at: datetime | None
    """None: no fixed deadline (a follow-up)."""
    sent_at: datetime | None
    overdue: bool
    """Not sent and past its deadline ("immediately": as soon as it is not sent at once)."""
    source: str
    confirmed: bool


def notifications_due(
    incident: Incident, rules: NotificationRules, now: datetime
) -> list[NotificationDue]:
    """Every notification the incident calls for, sent or not, soonest deadline first."""
    sent = {n.rule_id: n.at for n in incident.notifications}
    due = [
        _due(rule, incident, sent.get(rule.rule_id), now)
        for rule in rules.rules
        if rule.applies_to(incident)
    ]
    return sorted(due, key=lambda d: (d.due_at is None, d.due_at or now, d.rule_id))


def _due(
    rule: NotificationRule, incident: Incident, sent_at: datetime | None, now: datetime
) -> NotificationDue:
    deadline = rule.deadline
    due_at: datetime | None = None
    if deadline.immediately:
        due_at = incident.discovered_at
    elif deadline.hours is not None:
        due_at = incident.discovered_at + timedelta(hours=deadline.hours)
    overdue = sent_at is None and due_at is not None and now > due_at
    return NotificationDue(
        rule.rule_id,
        rule.agency,
        rule.action,
        deadline.immediately,
        due_at,
        sent_at,
        overdue,
        rule.source,
        rule.confirmed,
    )
