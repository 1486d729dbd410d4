"""Equipment metrics over work-order histories: failures, downtime, MTBF, cost.

Over a window [start, end):

- failures: work orders of the equipment with a `failure_at` in the window, not
  cancelled; two work orders naming the same failure instant count once.
- downtime hours: the union of the downtime spans of its work orders clipped to
  the window (two work orders logging one outage do not count it twice);
  cancelled work orders count too, the equipment was down all the same.
- MTBF (mean time between failures) = (window hours - downtime hours) / failures,
  the uptime per failure; None without a failure.
- cost: the parts and cost lines of its work orders created in the window,
  cancelled ones included (money spent is spent).

Hours are Decimal to the hundredth, computed from exact microseconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from shared.core.operations.errors import OperationsInputError
from shared.core.operations.model import values
from shared.core.operations.model.work_orders import WorkOrder, WorkOrderStatus


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        values.moment(self.start, "window.start")
        values.moment(self.end, "window.end")
        if self.end <= self.start:
            raise OperationsInputError("window.end", "must be after window.start")

    @property
    def length(self) -> timedelta:
        return self.end - self.start


@dataclass(frozen=True)
class EquipmentMetrics:
    equipment_id: str
    failures: int
    downtime_hours: Decimal
    uptime_hours: Decimal
    mtbf_hours: Decimal | None
    cost: Decimal
    work_orders: int


def failures(orders: Iterable[WorkOrder], window: Window) -> int:
    instants = {
        o.failure_at
        for o in orders
        if o.failure_at is not None
        and o.status is not WorkOrderStatus.CANCELLED
        and window.start <= o.failure_at < window.end
    }
    return len(instants)


def downtime(orders: Iterable[WorkOrder], window: Window) -> timedelta:
    """The union of the orders' downtime spans within the window."""
    spans = sorted(
        (max(span.start, window.start), min(span.end, window.end))
        for order in orders
        for span in order.downtime
        if span.end > window.start and span.start < window.end
    )
    total = timedelta(0)
    current: tuple[datetime, datetime] | None = None
    for start, end in spans:
        if current is not None and start <= current[1]:
            current = (current[0], max(current[1], end))
            continue
        if current is not None:
            total += current[1] - current[0]
        current = (start, end)
    if current is not None:
        total += current[1] - current[0]
    return total


def cost(orders: Iterable[WorkOrder], window: Window) -> Decimal:
    return sum(
        (o.total_cost for o in orders if window.start <= o.created_at < window.end), Decimal(0)
    )


def equipment_metrics(orders: Sequence[WorkOrder], window: Window) -> list[EquipmentMetrics]:
    """Metrics of every piece of equipment the work orders name, by equipment id."""
    by_equipment: dict[str, list[WorkOrder]] = {}
    for order in orders:
        if order.equipment_id is not None:
            by_equipment.setdefault(order.equipment_id, []).append(order)
    return [metrics_of(eid, by_equipment[eid], window) for eid in sorted(by_equipment)]


def metrics_of(equipment_id: str, orders: Sequence[WorkOrder], window: Window) -> EquipmentMetrics:
    mine = [o for o in orders if o.equipment_id == equipment_id]
    count = failures(mine, window)
    down = downtime(mine, window)
    up = window.length - down
    return EquipmentMetrics(
        equipment_id=equipment_id,
        failures=count,
        downtime_hours=values.hours(down),
        uptime_hours=values.hours(up),
        mtbf_hours=None if count == 0 else values.hours(up / count),
        cost=cost(mine, window),
        work_orders=len(mine),
    )
