"""Operations' side of field sync: the `FieldWorkHandlers` port that applies a pumper's
`WORK_ORDER_CLOSED` and `WELL_TEST_LOGGED` events (sync records the outcome).

Conflict rules (chosen for the office's sake: nothing a pumper did is lost):

- closing a work order that is already done or cancelled is a *conflict* for manual
  review (reason `already_closed`), whatever the earlier outcome, so the office sees
  the field's note, downtime and parts and decides;
- a pumper not assigned to the work order's well is *rejected* `well_id: forbidden`;
- a well test whose period overlaps an existing test of the same well is a *conflict*
  for review (reason `overlapping_test`); nothing is written.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from decimal import Decimal

from shared.core.common.access import audit, visible_well_ids
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.operations.model import work_orders as wo
from shared.core.operations.model.field_events import (
    parse_well_test_logged,
    parse_work_order_closed,
)
from shared.core.operations.ports import OperationsDatabases
from shared.core.operations.services.well_tests import test_record
from shared.core.operations.services.work_orders import work_order_record
from shared.core.registry.model.tenants import Tenant
from shared.core.sync.ports import FieldWork, FieldWorkResult

FORBIDDEN = "forbidden"
ALREADY_CLOSED = "already_closed"
OVERLAPPING_TEST = "overlapping_test"


class OperationsFieldWork:
    """Implements `shared.core.sync.ports.FieldWorkHandlers`."""

    def __init__(self, databases: OperationsDatabases, clock: Clock = utc_now) -> None:
        self._databases = databases
        self._clock = clock

    def close_work_order(self, tenant: Tenant, actor: Actor, work: FieldWork) -> FieldWorkResult:
        payload = parse_work_order_closed(work.payload)
        with self._databases.unit_of_work(tenant) as uow:
            found = uow.work_orders.get(payload.work_order_id)
            if found is None:
                return FieldWorkResult(
                    "rejected", "payload.work_order_id",
                    f"work order {payload.work_order_id} does not exist",
                )  # fmt: skip
            order, revision = found
            visible = visible_well_ids(uow, actor)
            if visible is not None and order.well_id not in visible:
                return FieldWorkResult("rejected", "well_id", FORBIDDEN)
            if order.well_id != work.well_id:
                return FieldWorkResult(
                    "rejected", "well_id", f"work order {order.work_order_id} is on another well"
                )
            if order.is_closed:
                return FieldWorkResult(
                    "conflict", None, f"{ALREADY_CLOSED}: the work order is {order.status.value}"
                )
            closed_at = max(work.occurred_at.astimezone(UTC), order.history[-1].at)
            changed = order
            for part in payload.parts_used:
                line = wo.PartLine(part.part_number, part.quantity, Decimal(0), "from the field")
                changed = wo.add_part(changed, line)
            if payload.downtime_hours:
                hours = timedelta(hours=float(payload.downtime_hours))
                changed = wo.record_downtime(changed, wo.Downtime(closed_at - hours, closed_at))
            changed = wo.close(changed, closed_at, actor.email, payload.resolution)
            if not uow.work_orders.save(changed, revision, self._clock()):
                return FieldWorkResult("conflict", None, "the work order changed meanwhile")
            before, after = work_order_record(order), work_order_record(changed)
            audit(uow, self._clock, actor, "work_order.status.done", "work_order",
                  order.work_order_id, before, after)  # fmt: skip
            uow.commit()
        return FieldWorkResult("applied")

    def log_well_test(self, tenant: Tenant, actor: Actor, work: FieldWork) -> FieldWorkResult:
        test = parse_well_test_logged(work.payload, work.event_id, work.well_id, work.device_id)
        with self._databases.unit_of_work(tenant) as uow:
            if uow.wells.get(work.well_id) is None:
                return FieldWorkResult("rejected", "well_id", f"well {work.well_id} does not exist")
            visible = visible_well_ids(uow, actor)
            if visible is not None and work.well_id not in visible:
                return FieldWorkResult("rejected", "well_id", FORBIDDEN)
            held_tests = uow.well_tests.of_wells([work.well_id], None)
            if any(held.test_id == test.test_id for held in held_tests):
                return FieldWorkResult("applied")  # logged before its outcome was recorded
            for held in held_tests:
                if held.start < test.end and test.start < held.end:
                    return FieldWorkResult(
                        "conflict", None,
                        f"{OVERLAPPING_TEST}: overlaps well test {held.test_id} "
                        f"({held.start.isoformat()} to {held.end.isoformat()})",
                    )  # fmt: skip
            uow.well_tests.add(test, self._clock())
            audit(uow, self._clock, actor, "well_test.log", "well_test", test.test_id,
                  None, test_record(test))  # fmt: skip
            uow.commit()
        return FieldWorkResult("applied")
