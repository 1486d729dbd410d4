"""Alerts: list, acknowledge, resolve.

Who may act: admins and managers on every alert; field operators on alerts of
wells assigned to them (they are the ones at the well); viewers only read.
Transitions: OPEN -> ACKNOWLEDGED -> RESOLVED, or OPEN -> RESOLVED; anything
else is a ConflictError (HTTP 409). Every change is audit-logged.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from shared.core.analytics.model.alerts import Alert
from shared.core.analytics.ports import AlertQuery, AnalyticsDatabases
from shared.core.common.access import audit, require, visible_well_ids
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import (
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
)
from shared.core.common.pages import Page
from shared.core.common.roles import Permission, Role
from shared.core.registry.model.tenants import Tenant
from shared.core.wells.model.records import values_of

STATUSES = ("OPEN", "ACKNOWLEDGED", "RESOLVED")
SEVERITIES = ("LOW", "MEDIUM", "HIGH", "CRITICAL")
ACTING_ROLES = frozenset({Role.ADMIN, Role.MANAGER, Role.FIELD_OPERATOR})
MAX_NOTE = 2000


def public(alert: Alert) -> dict[str, Any]:
    """The alert by attribute, JSON-friendly (times as ISO strings), for the audit log."""
    values = values_of(alert)
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in values.items()}


class AlertService:
    def __init__(self, databases: AnalyticsDatabases, clock: Clock = utc_now) -> None:
        self._databases = databases
        self._clock = clock

    def list(
        self,
        tenant: Tenant,
        actor: Actor,
        status: str | None,
        severity: str | None,
        well_id: str | None,
        limit: int,
        offset: int,
    ) -> Page[Alert]:
        require(actor, Permission.WELLS_READ)
        if status is not None and status not in STATUSES:
            raise InputError("status", f"must be one of {', '.join(STATUSES)}")
        if severity is not None and severity not in SEVERITIES:
            raise InputError("severity", f"must be one of {', '.join(SEVERITIES)}")
        with self._databases.unit_of_work(tenant) as uow:
            visible = visible_well_ids(uow, actor)
            query = AlertQuery(status, severity, well_id, visible, limit, offset)
            return uow.analytics.list_alerts(query)

    def acknowledge(self, tenant: Tenant, actor: Actor, alert_id: str) -> Alert:
        return self._move(tenant, actor, alert_id, "ACKNOWLEDGED", None)

    def resolve(self, tenant: Tenant, actor: Actor, alert_id: str, note: str | None) -> Alert:
        if note is not None and len(note) > MAX_NOTE:
            raise InputError("note", f"at most {MAX_NOTE} characters")
        return self._move(tenant, actor, alert_id, "RESOLVED", note)

    def _move(
        self, tenant: Tenant, actor: Actor, alert_id: str, target: str, note: str | None
    ) -> Alert:
        if actor.role not in ACTING_ROLES:
            raise PermissionDeniedError(f"role {actor.role.value} may not change alerts")
        with self._databases.unit_of_work(tenant) as uow:
            store = uow.analytics
            before = store.get_alert(alert_id)
            visible = visible_well_ids(uow, actor)
            if before is None or (visible is not None and before.well_id not in visible):
                raise NotFoundError("alert", alert_id)
            current = before.status
            allowed = {"ACKNOWLEDGED": ("OPEN",), "RESOLVED": ("OPEN", "ACKNOWLEDGED")}[target]
            if current not in allowed:
                raise ConflictError(f"alert {alert_id} is {current}; cannot move to {target}")
            now = self._clock()
            if target == "ACKNOWLEDGED":
                moved = dataclasses.replace(
                    before, status=target, acknowledged_by=actor.email, acknowledged_at=now
                )
            else:
                moved = dataclasses.replace(
                    before, status=target, resolved_by=actor.email, resolved_at=now, note=note
                )
            if not store.update_alert(moved, current):
                raise ConflictError(f"alert {alert_id} changed meanwhile; reload it")
            after = store.get_alert(alert_id)
            assert after is not None
            action = "alert.acknowledge" if target == "ACKNOWLEDGED" else "alert.resolve"
            audit(uow, self._clock, actor, action, "alert", alert_id, public(before), public(after))
            uow.commit()
            return after
