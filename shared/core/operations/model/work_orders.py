"""Work orders: a job on a well or a piece of equipment, and its status machine.

    open ──► scheduled ──► in_progress ──► done
      │          │              │
      └──────────┴──────────────┴────────► cancelled

`done` is reachable from every open status (a pumper often fixes what he finds
on the spot and closes it from the field); `done` and `cancelled` are final:
closing a closed work order again raises `WorkOrderClosedError` (the sync rule
for two field closes is in field_events.py). Who may do which transition is
the service's business, not the model's.

A work order records its parts and costs (Decimal) and the downtime it caused;
parts, costs and downtime may be added in any status, since invoices and the
downtime log often arrive after the job is done. `failure_at` marks a corrective
job: the equipment failed then (maintenance.py counts it towards MTBF).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from shared.core.operations.errors import (
    OperationsInputError,
    StatusChangeError,
    WorkOrderClosedError,
)
from shared.core.operations.model import values


class WorkOrderStatus(StrEnum):
    OPEN = "open"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


CLOSED = frozenset({WorkOrderStatus.DONE, WorkOrderStatus.CANCELLED})
TRANSITIONS: dict[WorkOrderStatus, tuple[WorkOrderStatus, ...]] = {
    WorkOrderStatus.OPEN: (
        WorkOrderStatus.SCHEDULED,
        WorkOrderStatus.IN_PROGRESS,
        WorkOrderStatus.DONE,
        WorkOrderStatus.CANCELLED,
    ),
    WorkOrderStatus.SCHEDULED: (
        WorkOrderStatus.IN_PROGRESS,
        WorkOrderStatus.DONE,
        WorkOrderStatus.CANCELLED,
    ),
    WorkOrderStatus.IN_PROGRESS: (WorkOrderStatus.DONE, WorkOrderStatus.CANCELLED),
    WorkOrderStatus.DONE: (),
    WorkOrderStatus.CANCELLED: (),
}


class Priority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"


class SourceKind(StrEnum):
    MANUAL = "manual"
    PREDICTIVE_MAINTENANCE = "predictive_maintenance"
    ANOMALY = "anomaly"
    ALARM = "alarm"
    INSPECTION = "inspection"


class CostCategory(StrEnum):
    LABOUR = "labour"
    CONTRACTOR = "contractor"
    EQUIPMENT_RENTAL = "equipment_rental"
    TRUCKING = "trucking"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Source:
    """Where the work order came from; `reference` is the alert or inspection event id."""

    kind: SourceKind
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class PartLine:
    part_number: str
    quantity: Decimal
    unit_cost: Decimal
    description: str = ""

    @property
    def total(self) -> Decimal:
        return self.quantity * self.unit_cost


@dataclass(frozen=True, slots=True)
class CostLine:
    category: CostCategory
    amount: Decimal
    note: str = ""


@dataclass(frozen=True, slots=True)
class Downtime:
    """The equipment (or the well) was down from `start` to `end`."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class StatusChange:
    status: WorkOrderStatus
    at: datetime
    by: str
    note: str = ""


@dataclass(frozen=True)
class WorkOrder:
    work_order_id: str
    well_id: str
    title: str
    source: Source
    priority: Priority
    created_at: datetime
    status: WorkOrderStatus = WorkOrderStatus.OPEN
    equipment_id: str | None = None
    due_date: date | None = None
    assignee: str | None = None
    """A user id, or a contractor's name."""
    scheduled_for: datetime | None = None
    failure_at: datetime | None = None
    parts: tuple[PartLine, ...] = ()
    costs: tuple[CostLine, ...] = ()
    downtime: tuple[Downtime, ...] = ()
    history: tuple[StatusChange, ...] = field(default=())

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED

    @property
    def closed_at(self) -> datetime | None:
        return self.history[-1].at if self.is_closed and self.history else None

    @property
    def total_cost(self) -> Decimal:
        return sum((p.total for p in self.parts), Decimal(0)) + sum(
            (c.amount for c in self.costs), Decimal(0)
        )


@dataclass(frozen=True)
class NewWorkOrder:
    """What a person (or an alert, or an inspection) asks for."""

    work_order_id: str
    well_id: str
    title: str
    priority: Priority = Priority.MEDIUM
    source: Source = Source(SourceKind.MANUAL)
    equipment_id: str | None = None
    due_date: date | None = None
    assignee: str | None = None
    failure_at: datetime | None = None


def open_work_order(new: NewWorkOrder, now: datetime, by: str) -> WorkOrder:
    """A new open work order, checked; `OperationsInputError` naming the field otherwise."""
    _check_source(new.source)
    return WorkOrder(
        work_order_id=values.text(new.work_order_id, "work_order_id", 64),
        well_id=values.text(new.well_id, "well_id", 64),
        title=values.text(new.title, "title"),
        source=new.source,
        priority=new.priority,
        created_at=values.moment(now, "created_at"),
        equipment_id=None
        if new.equipment_id is None
        else values.text(new.equipment_id, "equipment_id", 64),
        due_date=None if new.due_date is None else values.day(new.due_date, "due_date"),
        assignee=None if new.assignee is None else values.text(new.assignee, "assignee"),
        failure_at=None if new.failure_at is None else values.moment(new.failure_at, "failure_at"),
        history=(StatusChange(WorkOrderStatus.OPEN, now, by),),
    )


def _check_source(source: Source) -> None:
    manual = source.kind is SourceKind.MANUAL
    if manual and source.reference is not None:
        raise OperationsInputError("source.reference", "a manual work order has no source")
    if not manual and not (source.reference or "").strip():
        raise OperationsInputError("source.reference", f"a work order from {source.kind} names it")


def change_status(
    order: WorkOrder, to: WorkOrderStatus, at: datetime, by: str, note: str = ""
) -> WorkOrder:
    """`order` moved to `to`; `WorkOrderClosedError` if it is closed, `StatusChangeError`
    if the machine has no such step."""
    if order.is_closed:
        raise WorkOrderClosedError(order.work_order_id, order.status, to)
    allowed = TRANSITIONS[order.status]
    if to not in allowed:
        raise StatusChangeError("work order", order.status, to, list(allowed))
    values.moment(at, "at")
    if at < order.history[-1].at:
        raise OperationsInputError("at", "must not be before the work order's last change")
    change = StatusChange(to, at, by, values.text(note, "note", 2000, required=False))
    return replace(order, status=to, history=(*order.history, change))


def schedule(order: WorkOrder, when: datetime, at: datetime, by: str) -> WorkOrder:
    scheduled = change_status(order, WorkOrderStatus.SCHEDULED, at, by)
    return replace(scheduled, scheduled_for=values.moment(when, "scheduled_for"))


def close(order: WorkOrder, at: datetime, by: str, note: str = "") -> WorkOrder:
    """Done. Closing a done or cancelled work order again raises `WorkOrderClosedError`."""
    return change_status(order, WorkOrderStatus.DONE, at, by, note)


def cancel(order: WorkOrder, at: datetime, by: str, reason: str) -> WorkOrder:
    values.text(reason, "reason", 2000)
    return change_status(order, WorkOrderStatus.CANCELLED, at, by, reason)


def assign(order: WorkOrder, assignee: str) -> WorkOrder:
    if order.is_closed:
        raise WorkOrderClosedError(order.work_order_id, order.status, "reassigned")
    return replace(order, assignee=values.text(assignee, "assignee"))


def add_part(order: WorkOrder, part: PartLine) -> WorkOrder:
    checked = PartLine(
        values.text(part.part_number, "part_number", 64),
        values.quantity(part.quantity, "quantity"),
        values.money(part.unit_cost, "unit_cost", places=4),
        values.text(part.description, "description", required=False),
    )
    return replace(order, parts=(*order.parts, checked))


def add_cost(order: WorkOrder, cost: CostLine) -> WorkOrder:
    checked = CostLine(
        cost.category,
        values.money(cost.amount, "amount"),
        values.text(cost.note, "note", required=False),
    )
    return replace(order, costs=(*order.costs, checked))


def record_downtime(order: WorkOrder, span: Downtime) -> WorkOrder:
    values.moment(span.start, "downtime.start")
    values.moment(span.end, "downtime.end")
    if span.end <= span.start:
        raise OperationsInputError("downtime.end", "must be after downtime.start")
    if span.end - span.start > timedelta(days=366):
        raise OperationsInputError("downtime.end", "a downtime over a year is a slip")
    return replace(order, downtime=(*order.downtime, span))
