"""Incidents and spills: reported by office or pumper, with the agencies to notify and by
when (the jurisdiction's rules as data, e.g. Texas RRC), corrective actions, and the
notifications sent.

Writers report incidents (field operators at their assigned wells); everyone who
reads wells lists them (field operators: those at their wells); admins and
managers record corrective actions and notifications sent.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from shared.core.common.access import (
    audit,
    ensure_well_visible,
    require,
    require_office_role,
    visible_well_ids,
)
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import ConflictError, NotFoundError, PermissionDeniedError
from shared.core.common.roles import Permission, Role
from shared.core.operations.errors import OperationsInputError
from shared.core.operations.model import incidents as model
from shared.core.operations.model.incident_rules import (
    NotificationRules,
    default_notification_rules,
    notifications_due,
)
from shared.core.operations.ports import OperationsDatabases, OperationsUnitOfWork
from shared.core.registry.model.tenants import Tenant

WRITERS = frozenset({Role.ADMIN, Role.MANAGER, Role.FIELD_OPERATOR})


def _iso(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def incident_record(
    incident: model.Incident, rules: NotificationRules, now: datetime
) -> dict[str, Any]:
    loc = incident.location
    return {
        "id": incident.incident_id,
        "kind": incident.kind.value,
        "occurred_at": _iso(incident.occurred_at),
        "discovered_at": _iso(incident.discovered_at),
        "location": {
            "state": loc.state,
            "county": loc.county,
            "well_id": loc.well_id,
            "lease_id": loc.lease_id,
            "facility_id": loc.facility_id,
            "latitude": loc.latitude,
            "longitude": loc.longitude,
        },
        "description": incident.description,
        "cause": incident.cause,
        "releases": [
            {
                "material": r.material.value,
                "released": format(r.released, "f"),
                "recovered": format(r.recovered, "f"),
                "unit": r.unit.value,
                "estimated": r.estimated,
            }
            for r in incident.releases
        ],
        "water": incident.water.value,
        "sensitive_area": incident.sensitive_area,
        "injuries": incident.injuries,
        "corrective_actions": [
            {
                "description": a.description,
                "owner": a.owner,
                "due_on": _iso(a.due_on),
                "done_on": _iso(a.done_on),
            }
            for a in incident.corrective_actions
        ],
        "notifications_due": [
            {
                "rule_id": d.rule_id,
                "agency": d.agency,
                "action": d.action,
                "immediately": d.immediately,
                "due_at": _iso(d.due_at),
                "sent_at": _iso(d.sent_at),
                "overdue": d.overdue,
                "source": d.source,
                "confirmed": d.confirmed,
            }
            for d in notifications_due(incident, rules, now)
        ],
    }


class IncidentService:
    def __init__(
        self,
        databases: OperationsDatabases,
        clock: Clock = utc_now,
        rules: NotificationRules | None = None,
    ) -> None:
        self._databases = databases
        self._clock = clock
        self._rules = rules or default_notification_rules()

    def _record(self, incident: model.Incident) -> dict[str, Any]:
        return incident_record(incident, self._rules, self._clock())

    def report(self, tenant: Tenant, actor: Actor, incident: model.Incident) -> dict[str, Any]:
        """A new incident (its id is assigned here); field operators at their wells only."""
        if actor.role not in WRITERS:
            raise PermissionDeniedError(f"role {actor.role.value} may not report incidents")
        checked = model.check_incident(
            model.Incident(**{**_fields(incident), "incident_id": str(uuid.uuid4())})
        )
        well_id = checked.location.well_id
        with self._databases.unit_of_work(tenant) as uow:
            if well_id is not None:
                if uow.wells.get(well_id) is None:
                    raise OperationsInputError("location.well_id", "no such well")
                ensure_well_visible(uow, actor, well_id)
            elif actor.role is Role.FIELD_OPERATOR:
                raise OperationsInputError("location.well_id", "name the well of the incident")
            uow.incidents.add(checked, self._clock())
            after = self._record(checked)
            audit(uow, self._clock, actor, "incident.report", "incident", checked.incident_id,
                  None, {**after, "well_id": well_id})  # fmt: skip
            uow.commit()
            return after

    def list(
        self, tenant: Tenant, actor: Actor, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            visible = visible_well_ids(uow, actor)
            found, total = uow.incidents.list(
                None if visible is None else frozenset(visible), limit, offset
            )
            return [self._record(i) for i in found], total

    def get(self, tenant: Tenant, actor: Actor, incident_id: str) -> dict[str, Any]:
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            return self._record(self._visible(uow, actor, incident_id)[0])

    def add_action(
        self, tenant: Tenant, actor: Actor, incident_id: str, action: model.CorrectiveAction
    ) -> dict[str, Any]:
        return self._change(tenant, actor, incident_id, "action",
                            lambda i: model.add_corrective_action(i, action))  # fmt: skip

    def complete_action(
        self, tenant: Tenant, actor: Actor, incident_id: str, index: int, done_on: date
    ) -> dict[str, Any]:
        return self._change(tenant, actor, incident_id, "action_done",
                            lambda i: model.complete_action(i, index, done_on))  # fmt: skip

    def record_notification(
        self, tenant: Tenant, actor: Actor, incident_id: str, sent: model.SentNotification
    ) -> dict[str, Any]:
        known = {rule.rule_id for rule in self._rules.rules}
        if sent.rule_id not in known:
            raise OperationsInputError("rule_id", "is not a notification rule")
        return self._change(tenant, actor, incident_id, "notified",
                            lambda i: model.record_notification(i, sent))  # fmt: skip

    def _change(
        self,
        tenant: Tenant,
        actor: Actor,
        incident_id: str,
        action: str,
        step: Callable[[model.Incident], model.Incident],
    ) -> dict[str, Any]:
        require_office_role(actor, "change incidents")
        with self._databases.unit_of_work(tenant) as uow:
            incident, revision = self._visible(uow, actor, incident_id)
            changed = step(incident)
            if not uow.incidents.save(changed, revision, self._clock()):
                raise ConflictError(f"incident {incident_id} changed meanwhile; reload it")
            well = {"well_id": changed.location.well_id}
            before, after = self._record(incident), self._record(changed)
            audit(uow, self._clock, actor, f"incident.{action}", "incident", incident_id,
                  {**before, **well}, {**after, **well})  # fmt: skip
            uow.commit()
            return after

    @staticmethod
    def _visible(
        uow: OperationsUnitOfWork, actor: Actor, incident_id: str
    ) -> tuple[model.Incident, int]:
        found = uow.incidents.get(incident_id)
        visible = visible_well_ids(uow, actor)
        if found is None or (visible is not None and found[0].location.well_id not in visible):
            raise NotFoundError("incident", incident_id)
        return found


def _fields(incident: model.Incident) -> dict[str, Any]:
    return {name: getattr(incident, name) for name in model.Incident.__dataclass_fields__}
