"""Work orders: by hand or from an alert, assigned, moved open → scheduled →
in progress → done / cancelled, with parts, costs and downtime.

Admins and managers act on every work order; field operators on those of
their assigned wells (the only ones they see); viewers read. Closing a closed
work order is a 409. Changes reach the pumpers' devices through the sync feed.
"""

from __future__ import annotations

import uuid
from typing import Any

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import CallerDep, PagingDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.common import Moment, PageOut, page_out
from functions.api.schemas.operations import (
    AssignIn,
    CostIn,
    DowntimeIn,
    EquipmentMetricsOut,
    FromAlertIn,
    PartIn,
    StatusIn,
    WorkOrderIn,
    WorkOrderOut,
)
from shared.core.common.pages import Page
from shared.core.operations.model.work_orders import (
    CostLine,
    Downtime,
    PartLine,
    WorkOrderStatus,
)
from shared.core.operations.services.work_orders import NewWorkOrderInput

router = FeatureRouter(tags=["work orders"], route_class=DeferredRoute)
BASE = "/api/v1/work-orders"
ITEM = BASE + "/{work_order_id}"


@router.get(BASE, response_model=PageOut[WorkOrderOut])
def list_work_orders(
    caller: CallerDep,
    paging: PagingDep,
    well_id: uuid.UUID | None = None,
    status: WorkOrderStatus | None = None,
) -> dict[str, Any]:
    items, total = caller.platform.operations.work_orders.list(
        caller.tenant,
        caller.actor,
        str(well_id) if well_id else None,
        status.value if status else None,
        paging.limit,
        paging.offset,
    )
    return page_out(Page(items, total, paging.limit, paging.offset))


@router.post(BASE, response_model=WorkOrderOut, status_code=201)
def create_work_order(body: WorkOrderIn, caller: CallerDep) -> dict[str, Any]:
    new = NewWorkOrderInput(
        str(body.well_id), body.title, body.priority, body.equipment_id, body.due_date,
        body.assignee, body.failure_at,
    )  # fmt: skip
    return caller.platform.operations.work_orders.create(caller.tenant, caller.actor, new)


@router.post(BASE + "/from-alert", response_model=WorkOrderOut, status_code=201)
def work_order_from_alert(body: FromAlertIn, caller: CallerDep) -> dict[str, Any]:
    return caller.platform.operations.work_orders.create_from_alert(
        caller.tenant, caller.actor, str(body.alert_id)
    )


@router.get(ITEM, response_model=WorkOrderOut)
def get_work_order(work_order_id: uuid.UUID, caller: CallerDep) -> dict[str, Any]:
    return caller.platform.operations.work_orders.get(
        caller.tenant, caller.actor, str(work_order_id)
    )


@router.post(ITEM + "/assign", response_model=WorkOrderOut)
def assign_work_order(
    work_order_id: uuid.UUID, body: AssignIn, caller: CallerDep
) -> dict[str, Any]:
    return caller.platform.operations.work_orders.assign(
        caller.tenant, caller.actor, str(work_order_id), body.assignee
    )


@router.post(ITEM + "/status", response_model=WorkOrderOut)
def change_work_order_status(
    work_order_id: uuid.UUID, body: StatusIn, caller: CallerDep
) -> dict[str, Any]:
    return caller.platform.operations.work_orders.move(
        caller.tenant, caller.actor, str(work_order_id), body.status, body.note, body.scheduled_for
    )


@router.post(ITEM + "/parts", response_model=WorkOrderOut)
def add_work_order_part(
    work_order_id: uuid.UUID, body: PartIn, caller: CallerDep
) -> dict[str, Any]:
    part = PartLine(body.part_number, body.quantity, body.unit_cost, body.description)
    return caller.platform.operations.work_orders.add_part(
        caller.tenant, caller.actor, str(work_order_id), part
    )


@router.post(ITEM + "/costs", response_model=WorkOrderOut)
def add_work_order_cost(
    work_order_id: uuid.UUID, body: CostIn, caller: CallerDep
) -> dict[str, Any]:
    cost = CostLine(body.category, body.amount, body.note)
    return caller.platform.operations.work_orders.add_cost(
        caller.tenant, caller.actor, str(work_order_id), cost
    )


@router.post(ITEM + "/downtime", response_model=WorkOrderOut)
def add_work_order_downtime(
    work_order_id: uuid.UUID, body: DowntimeIn, caller: CallerDep
) -> dict[str, Any]:
    span = Downtime(body.start, body.end)
    return caller.platform.operations.work_orders.add_downtime(
        caller.tenant, caller.actor, str(work_order_id), span
    )


@router.get("/api/v1/equipment-metrics", response_model=list[EquipmentMetricsOut])
def equipment_metrics(
    caller: CallerDep, start: Moment, end: Moment, well_id: uuid.UUID | None = None
) -> list[dict[str, Any]]:
    """Per piece of equipment named by work orders, over [start, end): failures, downtime
    hours, mean time between failures (uptime per failure), cost of parts and services."""
    return caller.platform.operations.work_orders.equipment_metrics(
        caller.tenant, caller.actor, start, end, str(well_id) if well_id else None
    )
