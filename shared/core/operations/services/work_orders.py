"""Work orders: created by hand or from an alert, assigned, moved through their statuses,
with parts, costs and downtime.

Who may act: admins and managers on every work order; field operators on work
orders of wells assigned to them (they see only those); viewers read. Every
change is audit-logged, and the audit hook puts it on the well's change feed,
so the pumper's devices pull their wells' work orders in the sync delta.
A second close (or any change of a closed work order) is a 409; one work order
per alert (asking again returns the first, not a duplicate).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from shared.core.common.access import audit, ensure_well_visible, require, visible_well_ids
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import ConflictError, NotFoundError, PermissionDeniedError
from shared.core.common.roles import Permission, Role
from shared.core.operations.errors import OperationsInputError
from shared.core.operations.model import work_orders as wo
from shared.core.operations.model.maintenance import Window, equipment_metrics
from shared.core.operations.model.values import hours
from shared.core.operations.model.work_order_sources import (
    AlertRef,
    WorkOrderPolicy,
    default_policy,
    from_alert,
)
from shared.core.operations.ports import OperationsDatabases, OperationsUnitOfWork, WorkOrderQuery
from shared.core.registry.model.tenants import Tenant

ACTING_ROLES = frozenset({Role.ADMIN, Role.MANAGER, Role.FIELD_OPERATOR})
KIND_BY_ALERT_SOURCE = {
    "prediction": wo.SourceKind.PREDICTIVE_MAINTENANCE,
    "anomaly": wo.SourceKind.ANOMALY,
    "alarm": wo.SourceKind.ALARM,
}


def _money(value: Decimal) -> str:
    return format(value, "f")


def work_order_record(order: wo.WorkOrder) -> dict[str, Any]:
    """JSON-ready: amounts as decimal strings, instants and dates as ISO text."""

    def iso(value: datetime | date | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "id": order.work_order_id,
        "well_id": order.well_id,
        "title": order.title,
        "status": order.status.value,
        "priority": order.priority.value,
        "source": {"kind": order.source.kind.value, "reference": order.source.reference},
        "equipment_id": order.equipment_id,
        "due_date": iso(order.due_date),
        "assignee": order.assignee,
        "scheduled_for": iso(order.scheduled_for),
        "failure_at": iso(order.failure_at),
        "created_at": iso(order.created_at),
        "closed_at": iso(order.closed_at),
        "parts": [
            {
                "part_number": p.part_number,
                "quantity": _money(p.quantity),
                "unit_cost": _money(p.unit_cost),
                "description": p.description,
                "total": _money(p.total),
            }
            for p in order.parts
        ],
        "costs": [
            {"category": c.category.value, "amount": _money(c.amount), "note": c.note}
            for c in order.costs
        ],
        "downtime": [{"start": iso(d.start), "end": iso(d.end)} for d in order.downtime],
        "downtime_hours": _money(sum((_hours(d) for d in order.downtime), Decimal(0))),
        "total_cost": _money(order.total_cost),
        "history": [
            {"status": h.status.value, "at": iso(h.at), "by": h.by, "note": h.note}
            for h in order.history
        ],
    }


def _hours(span: wo.Downtime) -> Decimal:
    return hours(span.end - span.start)


@dataclass(frozen=True)
class NewWorkOrderInput:
    well_id: str
    title: str
    priority: wo.Priority = wo.Priority.MEDIUM
    equipment_id: str | None = None
    due_date: date | None = None
    assignee: str | None = None
    failure_at: datetime | None = None


class WorkOrderService:
    def __init__(
        self,
        databases: OperationsDatabases,
        clock: Clock = utc_now,
        policy: WorkOrderPolicy | None = None,
    ) -> None:
        self._databases = databases
        self._clock = clock
        self._policy = policy or default_policy()

    # --- reading ---------------------------------------------------------------------

    def equipment_metrics(
        self,
        tenant: Tenant,
        actor: Actor,
        start: datetime,
        end: datetime,
        well_id: str | None,
    ) -> list[dict[str, Any]]:
        """Per piece of equipment over [start, end): failures, downtime, MTBF, cost."""
        require(actor, Permission.WELLS_READ)
        window = Window(start, end)
        with self._databases.unit_of_work(tenant) as uow:
            visible = visible_well_ids(uow, actor)
            orders = [
                o
                for o in uow.work_orders.with_equipment(well_id)
                if visible is None or o.well_id in visible
            ]
        return [
            {
                "equipment_id": m.equipment_id,
                "failures": m.failures,
                "downtime_hours": format(m.downtime_hours, "f"),
                "uptime_hours": format(m.uptime_hours, "f"),
                "mtbf_hours": None if m.mtbf_hours is None else format(m.mtbf_hours, "f"),
                "cost": format(m.cost, "f"),
                "work_orders": m.work_orders,
            }
            for m in equipment_metrics(orders, window)
        ]

    def list(
        self,
        tenant: Tenant,
        actor: Actor,
        well_id: str | None,
        status: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[dict[str, Any]], int]:
        require(actor, Permission.WELLS_READ)
        if status is not None and status not in {s.value for s in wo.WorkOrderStatus}:
            raise OperationsInputError("status", "is not a work order status")
        with self._databases.unit_of_work(tenant) as uow:
            visible = visible_well_ids(uow, actor)
            query = WorkOrderQuery(
                well_id,
                status,
                None if visible is None else frozenset(visible),
                limit,
                offset,
            )
            orders, total = uow.work_orders.list(query)
            return [work_order_record(o) for o in orders], total

    def get(self, tenant: Tenant, actor: Actor, work_order_id: str) -> dict[str, Any]:
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            order, _ = self._visible(uow, actor, work_order_id)
            return work_order_record(order)

    # --- creating --------------------------------------------------------------------

    def create(self, tenant: Tenant, actor: Actor, new: NewWorkOrderInput) -> dict[str, Any]:
        self._may_act(actor)
        with self._databases.unit_of_work(tenant) as uow:
            self._well(uow, actor, new.well_id)
            order = wo.open_work_order(
                wo.NewWorkOrder(
                    str(uuid.uuid4()),
                    new.well_id,
                    new.title,
                    new.priority,
                    wo.Source(wo.SourceKind.MANUAL),
                    new.equipment_id,
                    new.due_date,
                    new.assignee,
                    new.failure_at,
                ),
                self._clock(),
                actor.email,
            )
            return self._insert(uow, actor, order)

    def create_from_alert(self, tenant: Tenant, actor: Actor, alert_id: str) -> dict[str, Any]:
        """The alert's work order; made once (asking again returns it)."""
        self._may_act(actor)
        with self._databases.unit_of_work(tenant) as uow:
            alert = uow.analytics.get_alert(alert_id)
            visible = visible_well_ids(uow, actor)
            if alert is None or (visible is not None and alert.well_id not in visible):
                raise NotFoundError("alert", alert_id)
            kind = KIND_BY_ALERT_SOURCE.get(alert.source)
            if kind is None:
                raise OperationsInputError("alert_id", "this alert cannot become a work order")
            existing = uow.work_orders.by_source(kind.value, alert_id)
            if existing is not None:
                return work_order_record(existing)
            ref = AlertRef(alert_id, kind, alert.severity.lower(), alert.well_id, alert.title[:200])
            order = from_alert(ref, str(uuid.uuid4()), self._clock(), actor.email, self._policy)
            return self._insert(uow, actor, order)

    def _insert(
        self, uow: OperationsUnitOfWork, actor: Actor, order: wo.WorkOrder
    ) -> dict[str, Any]:
        if not uow.work_orders.add(order, self._clock()):
            raise ConflictError("a work order for this source exists already")
        after = work_order_record(order)
        audit(uow, self._clock, actor, "work_order.create", "work_order", order.work_order_id,
              None, after)  # fmt: skip
        uow.commit()
        return after

    # --- changing --------------------------------------------------------------------

    def assign(
        self, tenant: Tenant, actor: Actor, work_order_id: str, assignee: str
    ) -> dict[str, Any]:
        return self._change(
            tenant, actor, work_order_id, "assign", lambda o: wo.assign(o, assignee)
        )

    def move(
        self,
        tenant: Tenant,
        actor: Actor,
        work_order_id: str,
        status: wo.WorkOrderStatus,
        note: str = "",
        scheduled_for: datetime | None = None,
    ) -> dict[str, Any]:
        now = self._clock()

        def step(order: wo.WorkOrder) -> wo.WorkOrder:
            if status is wo.WorkOrderStatus.SCHEDULED:
                if scheduled_for is None:
                    raise OperationsInputError("scheduled_for", "a scheduled job needs its time")
                return wo.schedule(order, scheduled_for, now, actor.email)
            if status is wo.WorkOrderStatus.CANCELLED:
                return wo.cancel(order, now, actor.email, note)
            if status is wo.WorkOrderStatus.OPEN:
                raise OperationsInputError("status", "a work order cannot be reopened")
            return wo.change_status(order, status, now, actor.email, note)

        return self._change(tenant, actor, work_order_id, f"status.{status.value}", step)

    def add_part(
        self, tenant: Tenant, actor: Actor, work_order_id: str, part: wo.PartLine
    ) -> dict[str, Any]:
        return self._change(tenant, actor, work_order_id, "part", lambda o: wo.add_part(o, part))

    def add_cost(
        self, tenant: Tenant, actor: Actor, work_order_id: str, cost: wo.CostLine
    ) -> dict[str, Any]:
        return self._change(tenant, actor, work_order_id, "cost", lambda o: wo.add_cost(o, cost))

    def add_downtime(
        self, tenant: Tenant, actor: Actor, work_order_id: str, span: wo.Downtime
    ) -> dict[str, Any]:
        return self._change(
            tenant, actor, work_order_id, "downtime", lambda o: wo.record_downtime(o, span)
        )

    def _change(
        self,
        tenant: Tenant,
        actor: Actor,
        work_order_id: str,
        action: str,
        step: Callable[[wo.WorkOrder], wo.WorkOrder],
    ) -> dict[str, Any]:
        self._may_act(actor)
        with self._databases.unit_of_work(tenant) as uow:
            order, revision = self._visible(uow, actor, work_order_id)
            changed = step(order)
            if not uow.work_orders.save(changed, revision, self._clock()):
                raise ConflictError(f"work order {work_order_id} changed meanwhile; reload it")
            before, after = work_order_record(order), work_order_record(changed)
            audit(uow, self._clock, actor, f"work_order.{action}", "work_order", work_order_id,
                  before, after)  # fmt: skip
            uow.commit()
            return after

    # --- helpers ---------------------------------------------------------------------

    @staticmethod
    def _may_act(actor: Actor) -> None:
        if actor.role not in ACTING_ROLES:
            raise PermissionDeniedError(f"role {actor.role.value} may not change work orders")

    @staticmethod
    def _well(uow: OperationsUnitOfWork, actor: Actor, well_id: str) -> None:
        if uow.wells.get(well_id) is None:
            raise NotFoundError("well", well_id)
        ensure_well_visible(uow, actor, well_id)

    @staticmethod
    def _visible(
        uow: OperationsUnitOfWork, actor: Actor, work_order_id: str
    ) -> tuple[wo.WorkOrder, int]:
        found = uow.work_orders.get(work_order_id)
        visible = visible_well_ids(uow, actor)
        if found is None or (visible is not None and found[0].well_id not in visible):
            raise NotFoundError("work order", work_order_id)
        return found
