"""The review queue of field-sync conflicts (managers and admins)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Query

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PagingDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.common import PageOut, PlainText, page_out
from functions.api.schemas.conflicts import (
    ConflictDetailOut,
    ConflictOut,
    ResolveIn,
    conflict_out,
    detail_out,
)
from functions.api.schemas.sync import parse_payload
from shared.core.sync.model.field_events import ConflictStatus
from shared.core.sync.ports import ConflictQuery
from shared.core.sync.services.review import Resolution

router = FeatureRouter(tags=["conflicts"], route_class=DeferredRoute)


@router.get("/api/v1/conflicts", response_model=PageOut[ConflictOut])
def list_conflicts(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    paging: PagingDep,
    status: ConflictStatus | None = None,
    well_id: uuid.UUID | None = None,
    event_type: Annotated[
        PlainText | None, Query(alias="type", max_length=64, description="Event type")
    ] = None,
) -> dict[str, Any]:
    query = ConflictQuery(
        status=status.value if status else None,
        well_id=str(well_id) if well_id else None,
        event_type=event_type,
        limit=paging.limit,
        offset=paging.offset,
    )
    page = platform.sync.list_conflicts(tenant, actor, query)
    return {**page_out(page), "items": [conflict_out(item) for item in page.items]}


@router.get("/api/v1/conflicts/{conflict_id}", response_model=ConflictDetailOut)
def get_conflict(
    conflict_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    return detail_out(platform.sync.get_conflict(tenant, actor, str(conflict_id)))


@router.post("/api/v1/conflicts/{conflict_id}/resolve", response_model=ConflictDetailOut)
def resolve_conflict(
    conflict_id: uuid.UUID,
    body: ResolveIn,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    """Choose one side (`choose`: an event id) or supply a `merged` payload, with a reason.

    The decision applies at once; who and why go to the audit log. A conflict
    resolves once: a second attempt is a 409.
    """
    merged = None
    if body.merged is not None:
        current = platform.sync.get_conflict(tenant, actor, str(conflict_id)).conflict
        merged = parse_payload(current.event_type, body.merged, prefix="merged")
    resolution = Resolution(
        reason=body.reason, choose=str(body.choose) if body.choose else None, merged=merged
    )
    return detail_out(platform.sync.resolve_conflict(tenant, actor, str(conflict_id), resolution))
