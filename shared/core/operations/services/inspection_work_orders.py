"""Operations' side of a failed field inspection: one corrective work order per inspection.

Implements ``shared.core.sync.ports.InspectionFollowUp``. The work order's source is
the inspection event (kind ``inspection``), so a re-sent batch finds it and makes no
second one. Priority and due date come from ``rules/work_orders.json``
(``failed_inspection_priority``); the title names the checklist items that failed.
The audit entry puts the work order on the well's change feed, so it reaches the
pumpers of that well in their next sync pull.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from shared.core.common.access import audit
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.operations.model.work_order_sources import (
    InspectionRef,
    WorkOrderPolicy,
    default_policy,
    from_inspection,
)
from shared.core.operations.model.work_orders import SourceKind
from shared.core.operations.ports import OperationsDatabases
from shared.core.operations.services.work_orders import work_order_record
from shared.core.registry.model.tenants import Tenant
from shared.core.sync.ports import FailedInspection


class InspectionWorkOrders:
    def __init__(
        self,
        databases: OperationsDatabases,
        clock: Clock = utc_now,
        policy: WorkOrderPolicy | None = None,
    ) -> None:
        self._databases = databases
        self._clock = clock
        self._policy = policy or default_policy()

    def inspections_failed(
        self, tenant: Tenant, actor: Actor, failed: Sequence[FailedInspection]
    ) -> None:
        with self._databases.unit_of_work(tenant) as uow:
            for inspection in failed:
                if uow.work_orders.by_source(SourceKind.INSPECTION.value, inspection.event_id):
                    continue
                ref = InspectionRef(
                    inspection.event_id, inspection.well_id, inspection.equipment_id,
                    passed=False, failed_items=inspection.failed_items,
                )  # fmt: skip
                order = from_inspection(
                    ref, str(uuid.uuid4()), self._clock(), actor.email, self._policy
                )
                if not uow.work_orders.add(order, self._clock()):
                    continue  # a concurrent re-sync made it first
                audit(uow, self._clock, actor, "work_order.create", "work_order",
                      order.work_order_id, None, work_order_record(order))  # fmt: skip
            uow.commit()
