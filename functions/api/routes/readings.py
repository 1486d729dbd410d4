"""A well's SCADA readings: raw pages, time buckets, the latest value per tag."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Query, Response

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import MAX_OFFSET, ActorDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.common import Moment, PlainText
from functions.api.schemas.scada import Bucket, LatestOut, ReadingsOut, readings_answer_json
from shared.core.scada.services import ReadingRequest

router = FeatureRouter(tags=["readings"], route_class=DeferredRoute)


@router.get("/api/v1/wells/{well_id}/readings", response_model=ReadingsOut)
def read_readings(
    well_id: uuid.UUID,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    tag: Annotated[
        PlainText | None, Query(max_length=100, description="Tag name (all if unset)")
    ] = None,
    from_: Annotated[
        Moment | None, Query(alias="from", description="Inclusive; default to - 24 h")
    ] = None,
    to: Annotated[Moment | None, Query(description="Exclusive; default now")] = None,
    bucket: Annotated[Bucket | None, Query(description="Aggregate per bucket")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000, description="Raw rows per page")] = 1000,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Raw rows to skip")] = 0,
) -> Response:
    request = ReadingRequest(str(well_id), tag, from_, to, bucket, limit, offset)
    page = platform.scada.readings.read(tenant, actor, request)
    content = {
        "well_id": page.well_id,
        "from": page.start,
        "to": page.end,
        "bucket": page.bucket,
        "items": page.items,
        "limit": page.limit,
        "offset": page.offset,
        "next_offset": page.next_offset,
    }
    return Response(readings_answer_json(content), media_type="application/json")


@router.get("/api/v1/wells/{well_id}/readings/latest", response_model=LatestOut)
def latest_readings(
    well_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    items = platform.scada.readings.latest(tenant, actor, str(well_id))
    return {"well_id": well_id, "items": items}
