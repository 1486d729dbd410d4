"""Work orders made from alerts (predictive maintenance, anomaly, alarm) and failed
inspections: priority by the alert's severity and due date by priority, as data
(rules/work_orders.json)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from shared.core.operations.errors import OperationsInputError
from shared.core.operations.model.rulebook import load_rulebook
from shared.core.operations.model.work_orders import (
    NewWorkOrder,
    Priority,
    Source,
    SourceKind,
    WorkOrder,
    open_work_order,
)


class WorkOrderPolicy(BaseModel):
    """rules/work_orders.json: default priority and due date of generated work orders."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str
    priority_by_severity: dict[str, Priority]
    failed_inspection_priority: Priority
    due_days: dict[Priority, int]


def default_policy() -> WorkOrderPolicy:
    return load_rulebook("work_orders.json", WorkOrderPolicy)


@dataclass(frozen=True)
class AlertRef:
    """The alert a work order is made from (predictive maintenance, anomaly, alarm)."""

    alert_id: str
    kind: SourceKind
    severity: str
    well_id: str
    title: str
    equipment_id: str | None = None


@dataclass(frozen=True)
class InspectionRef:
    """An equipment inspection (a field event) and its result."""

    event_id: str
    well_id: str
    equipment_id: str | None
    passed: bool
    failed_items: tuple[str, ...] = ()


def from_alert(
    alert: AlertRef, work_order_id: str, now: datetime, by: str, policy: WorkOrderPolicy
) -> WorkOrder:
    """A work order for an alert; priority by the alert's severity, due date by priority."""
    if alert.kind in {SourceKind.MANUAL, SourceKind.INSPECTION}:
        raise OperationsInputError(
            "source.kind", "an alert is predictive maintenance, anomaly or alarm"
        )
    priority = policy.priority_by_severity.get(alert.severity)
    if priority is None:
        raise OperationsInputError("severity", f"unknown alert severity {alert.severity}")
    new = NewWorkOrder(
        work_order_id,
        alert.well_id,
        alert.title,
        priority,
        Source(alert.kind, alert.alert_id),
        alert.equipment_id,
        _due(now, priority, policy),
    )
    return open_work_order(new, now, by)


def from_inspection(
    inspection: InspectionRef, work_order_id: str, now: datetime, by: str, policy: WorkOrderPolicy
) -> WorkOrder:
    """A corrective work order for a failed inspection; a passed one is refused."""
    if inspection.passed:
        raise OperationsInputError("inspection", "the inspection passed; nothing to repair")
    items = ", ".join(inspection.failed_items) or "see inspection"
    priority = policy.failed_inspection_priority
    new = NewWorkOrder(
        work_order_id,
        inspection.well_id,
        f"Repair after failed inspection: {items}"[:200],
        priority,
        Source(SourceKind.INSPECTION, inspection.event_id),
        inspection.equipment_id,
        _due(now, priority, policy),
    )
    return open_work_order(new, now, by)


def _due(now: datetime, priority: Priority, policy: WorkOrderPolicy) -> date:
    return (now + timedelta(days=policy.due_days[priority])).date()
