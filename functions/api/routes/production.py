"""Daily production: one well-day, a date range, and the bulk upsert."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import pydantic_core
from fastapi import Query, Response

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.common import Day, json_fits, rows_fit, to_values
from functions.api.schemas.production import (
    ProductionBatch,
    ProductionBatchResult,
    ProductionOut,
    ProductionSeries,
    ProductionValues,
)
from shared.core.wells.model.records import ProductionDay

router = FeatureRouter(tags=["production"], route_class=DeferredRoute)


@router.get("/api/v1/wells/{well_id}/production/{production_date}", response_model=ProductionOut)
def get_day(
    well_id: uuid.UUID,
    production_date: Day,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> ProductionDay:
    return platform.production.get_day(tenant, actor, str(well_id), production_date)


@router.put(
    "/api/v1/wells/{well_id}/production/{production_date}",
    response_model=ProductionOut,
    responses={201: {"model": ProductionOut, "description": "Created"}},
)
def put_day(
    well_id: uuid.UUID,
    production_date: Day,
    body: ProductionValues,
    response: Response,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> ProductionDay:
    record, created = platform.production.put_day(
        tenant, actor, str(well_id), production_date, to_values(body)
    )
    response.status_code = 201 if created else 200
    return record


@router.get("/api/v1/wells/{well_id}/production", response_model=ProductionSeries)
def production_range(
    well_id: uuid.UUID,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    start: Annotated[
        Day | None, Query(alias="from", description="First day (default: 30 days ago)")
    ] = None,
    end: Annotated[Day | None, Query(alias="to", description="Last day (default: today)")] = None,
) -> Any:
    """A year is 366 rows. On PostgreSQL the database writes them in JSON as the model
    would, and they go out as they came; else, when the rows already have the response's
    shape and types (they do, as read), they go to JSON as they are instead of through
    366 models."""
    end = end or datetime.now(UTC).date()
    start = start or end - timedelta(days=30)
    written = platform.production.between_json(tenant, actor, str(well_id), start, end)
    if written is not None and json_fits(written.keys, written.kinds, ProductionOut):
        head = {"well_id": well_id, "from": start, "to": end, "days": written.count}
        body = pydantic_core.to_json(head)[:-1] + b',"items":[' + written.items.encode() + b"]}"
        return Response(body, media_type="application/json")
    days = platform.production.between(tenant, actor, str(well_id), start, end)
    items = [vars(day) for day in days]  # the attributes in order, not copied
    series = {"well_id": well_id, "from": start, "to": end, "days": len(items), "items": items}
    if rows_fit(items, ProductionOut):
        body = pydantic_core.to_json(series, inf_nan_mode="null")  # as the model writes them
        return Response(body, media_type="application/json")
    return series


@router.post("/api/v1/production:batch", response_model=ProductionBatchResult)
def upsert_batch(
    body: ProductionBatch, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> ProductionBatchResult:
    """Upsert up to 5,000 well-days in one transaction; any invalid row rejects the batch."""
    rows = [to_values(row) for row in body.rows]
    return ProductionBatchResult(written=platform.production.upsert_batch(tenant, actor, rows))
