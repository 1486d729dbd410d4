"""Work orders: by hand or from an alert, assigned, moved open → scheduled →
in progress → done / cancelled, with parts, costs and downtime.

Admins and managers act on every work order; field operators on those of
their assigned wells (the only ones they see); viewers read. Closing a closed
work order is a 409. Changes reach the pumpers' devices through the sync feed.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter

from functions.api.dependencies import ActorDep, PagingDep, PlatformDep, TenantDep
from functions.api.schemas.common import Moment, PageOut
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
from shared.core.operations.model.work_orders import (
    CostLine,
    Downtime,
    PartLine,
    WorkOrderStatus,
)
from shared.core.operations.services.work_orders import NewWorkOrderInput

router = APIRouter(tags=["work orders"])
BASE = "/api/v1/work-orders"
ITEM = BASE + "/{work_order_id}"


@router.get(BASE, response_model=PageOut[WorkOrderOut])
def list_work_orders(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    paging: PagingDep,
    well_id: uuid.UUID | None = None,
    status: WorkOrderStatus | None = None,
) -> dict[str, Any]:
    items, total = platform.operations.work_orders.list(
        tenant,
        actor,
        str(well_id) if well_id else None,
        status.value if status else None,
        paging.limit,
        paging.offset,
    )
    following = paging.offset + paging.limit
    return {
        "items": items,
        "total": total,
        "limit": paging.limit,
        "offset": paging.offset,
        "next_offset": following if following < total else None,
    }


@router.post(BASE, response_model=WorkOrderOut, status_code=201)
def create_work_order(
    body: WorkOrderIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    new = NewWorkOrderInput(
        str(body.well_id), body.title, body.priority, body.equipment_id, body.due_date,
        body.assignee, body.failure_at,
    )  # fmt: skip
    return platform.operations.work_orders.create(tenant, actor, new)


@router.post(BASE + "/from-alert", response_model=WorkOrderOut, status_code=201)
def work_order_from_alert(
    body: FromAlertIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    return platform.operations.work_orders.create_from_alert(tenant, actor, str(body.alert_id))


@router.get(ITEM, response_model=WorkOrderOut)
def get_work_order(
    work_order_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    return platform.operations.work_orders.get(tenant, actor, str(work_order_id))


@router.post(ITEM + "/assign", response_model=WorkOrderOut)
def assign_work_order(
    work_order_id: uuid.UUID,
    body: AssignIn,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    return platform.operations.work_orders.assign(tenant, actor, str(work_order_id), body.assignee)


@router.post(ITEM + "/status", response_model=WorkOrderOut)
def change_work_order_status(
    work_order_id: uuid.UUID,
    body: StatusIn,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    return platform.operations.work_orders.move(
        tenant, actor, str(work_order_id), body.status, body.note, body.scheduled_for
    )


@router.post(ITEM + "/parts", response_model=WorkOrderOut)
def add_work_order_part(
    work_order_id: uuid.UUID,
    body: PartIn,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    part = PartLine(body.part_number, body.quantity, body.unit_cost, body.description)
    return platform.operations.work_orders.add_part(tenant, actor, str(work_order_id), part)


@router.post(ITEM + "/costs", response_model=WorkOrderOut)
def add_work_order_cost(
    work_order_id: uuid.UUID,
    body: CostIn,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    cost = CostLine(body.category, body.amount, body.note)
    return platform.operations.work_orders.add_cost(tenant, actor, str(work_order_id), cost)


@router.post(ITEM + "/downtime", response_model=WorkOrderOut)
def add_work_order_downtime(
    work_order_id: uuid.UUID,
    body: DowntimeIn,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    span = Downtime(body.start, body.end)
    return platform.operations.work_orders.add_downtime(tenant, actor, str(work_order_id), span)


@router.get("/api/v1/equipment-metrics", response_model=list[EquipmentMetricsOut])
def equipment_metrics(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    start: Moment,
    end: Moment,
    well_id: uuid.UUID | None = None,
) -> list[dict[str, Any]]:
    """Per piece of equipment named by work orders, over [start, end): failures, downtime
    hours, mean time between failures (uptime per failure), cost of parts and services."""
    return platform.operations.work_orders.equipment_metrics(
        tenant, actor, start, end, str(well_id) if well_id else None
    )
