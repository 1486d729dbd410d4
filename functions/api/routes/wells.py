"""Wells: list with filters and pagination, create, read, change, soft delete, assign."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Query, Response

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PagingDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.common import (
    PageOut,
    PlainText,
    as_response_model,
    page_out,
    to_values,
)
from functions.api.schemas.wells import (
    AssignmentOut,
    WellCreate,
    WellOut,
    WellPatch,
    wells_page_json,
    written_wells_page_json,
)
from shared.core.wells.model.lifecycle import WellStatus
from shared.core.wells.ports import Well, WellQuery

router = FeatureRouter(tags=["wells"], route_class=DeferredRoute)


@router.get("/api/v1/wells", response_model=PageOut[WellOut])
def list_wells(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    paging: PagingDep,
    status: WellStatus | None = None,
    lease_id: uuid.UUID | None = None,
    field_id: uuid.UUID | None = None,
    q: Annotated[
        PlainText | None, Query(max_length=100, description="Name or API number contains")
    ] = None,
) -> Response:
    query = WellQuery(
        status=status.value if status else None,
        lease_id=str(lease_id) if lease_id else None,
        field_id=str(field_id) if field_id else None,
        text=q or None,
        limit=paging.limit,
        offset=paging.offset,
    )
    written = platform.wells.list_json(tenant, actor, query)  # PostgreSQL writes it
    body = written_wells_page_json(written) if written is not None else None
    if body is None:
        page = platform.wells.list(tenant, actor, query)
        body = wells_page_json(page) or as_response_model(PageOut[WellOut], page_out(page))
    return Response(body, media_type="application/json")


@router.post("/api/v1/wells", response_model=WellOut, status_code=201)
def create_well(
    body: WellCreate, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> Well:
    return platform.wells.create(tenant, actor, to_values(body))


@router.get("/api/v1/wells/{well_id}", response_model=WellOut)
def get_well(well_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep) -> Well:
    return platform.wells.get(tenant, actor, str(well_id))


@router.patch("/api/v1/wells/{well_id}", response_model=WellOut)
def patch_well(
    well_id: uuid.UUID, body: WellPatch, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> Well:
    return platform.wells.update(tenant, actor, str(well_id), to_values(body, only_set=True))


@router.delete("/api/v1/wells/{well_id}", status_code=204)
def delete_well(
    well_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> Response:
    platform.wells.delete(tenant, actor, str(well_id))
    return Response(status_code=204)


@router.put("/api/v1/wells/{well_id}/assignments/{user_id}", response_model=AssignmentOut)
def assign_well(
    well_id: uuid.UUID,
    user_id: uuid.UUID,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> AssignmentOut:
    platform.wells.assign(tenant, actor, str(well_id), str(user_id))
    return AssignmentOut(well_id=well_id, user_id=user_id, assigned=True)


@router.delete("/api/v1/wells/{well_id}/assignments/{user_id}", response_model=AssignmentOut)
def unassign_well(
    well_id: uuid.UUID,
    user_id: uuid.UUID,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> AssignmentOut:
    platform.wells.unassign(tenant, actor, str(well_id), str(user_id))
    return AssignmentOut(well_id=well_id, user_id=user_id, assigned=False)
