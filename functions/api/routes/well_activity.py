"""A well's field timeline (notes, inspections, downtime, manual readings) and assignments."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Query

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.common import Moment
from functions.api.schemas.well_activity import TimelineOut, WellAssignmentsOut
from shared.core.wells.ports import TimelineKind, TimelineQuery
from shared.core.wells.services.activity import MAX_TIMELINE_ENTRIES

router = FeatureRouter(tags=["wells"], route_class=DeferredRoute)


def _utc(moment: datetime | None) -> datetime | None:
    """Times without an offset are UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@router.get("/api/v1/wells/{well_id}/timeline", response_model=TimelineOut)
def well_timeline(
    well_id: uuid.UUID,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    kind: Annotated[
        list[TimelineKind] | None, Query(description="Only these kinds (repeat); all if unset")
    ] = None,
    from_: Annotated[Moment | None, Query(alias="from", description="Inclusive")] = None,
    to: Annotated[Moment | None, Query(description="Exclusive; page back")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_TIMELINE_ENTRIES)] = 100,
) -> dict[str, Any]:
    """What the field recorded on this well, newest first: notes, equipment inspections,
    downtime reports and manual readings."""
    kinds = frozenset(kind or TimelineKind)
    query = TimelineQuery(str(well_id), kinds, _utc(from_), _utc(to), limit)
    entries = platform.well_activity.timeline(tenant, actor, query)
    return {"well_id": well_id, "items": [vars(entry) for entry in entries]}


@router.get("/api/v1/wells/{well_id}/assignments", response_model=WellAssignmentsOut)
def well_assignments(
    well_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    """The users the well is assigned to (field operators see and sync only those wells)."""
    items = platform.well_activity.assignments(tenant, actor, str(well_id))
    return {"well_id": well_id, "items": items}
